// A grid (a sheet, a small text file) through the table finder to a staged part: the header the
// finder read, its data rows numbered as the file numbers them, and what it skipped as notes.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decode, DecodeError, type Encoding } from '../read/decode.ts';
import { sampleGrid, textGrid, type Grid } from '../read/grid.ts';
import type { Sniffed } from '../read/sniff.ts';
import { StagedCsv } from '../read/staged.ts';
import { errorAt, type Problem } from './problems.ts';
import type { Note } from './report.ts';
import { findTable, type TableOptions } from './table.ts';

export type { TableOptions } from './table.ts';

export interface FormPart {
  part: Sniffed | null;
  problems: Problem[];
  warnings: Problem[];
  notes: Note[];
  /** the file is a plain table: read it as it is */
  plain: boolean;
}

/** A table of more rows than this is not a form: its derived columns are left out unchecked. */
const CHECKED_ROWS = 10_000;

/** A grid's table as a staged CSV at `csvPath`. */
export function formPart(grid: Grid, options: TableOptions, csvPath: string): FormPart {
  const table = findTable(grid, options);
  const base = { problems: table.errors, warnings: table.warnings, notes: table.notes };
  if (table.errors.length > 0 || table.header.length === 0) {
    return { part: null, plain: table.plain, ...base };
  }
  const staged = new StagedCsv(table.header);
  for (const r of table.rows) staged.add(r.number, r.values);
  const written = staged.write(csvPath, grid.file, table.headerRows[0], grid.columnLetters);
  const part: Sniffed = {
    ...written,
    ...(grid.sheet !== undefined ? { sheet: grid.sheet } : {}),
    ...(table.period ? { stated: table.period } : {}),
    // kept for checking derived columns, on a form's scale only: a long table's rows are in its
    // staged CSV, and copying 250,000 of them back from the reading thread held the server 0.6 s
    ...(table.rows.length <= CHECKED_ROWS ? { rows: table.rows } : {}),
  };
  return { part, plain: table.plain, ...base };
}

/** Text files up to this size are looked at as forms; larger ones are data exports, read as-is. */
const FORM_BYTES = 16 << 20;

/**
 * A delimited text file as a form, or null when it is a plain table (header on line 1, nothing
 * to skip) or too large to be one: the caller reads it the plain way, fast path included.
 */
export function textForm(
  path: string,
  file: string,
  workDir: string,
  encoding: Encoding | undefined,
  options: TableOptions,
): (FormPart & { encoding: Encoding }) | null {
  // a plain table is read the plain way
  if (options.plain || statSync(path).size > FORM_BYTES) return null;
  const asked = options.headerRow !== undefined || (options.skipRows?.length ?? 0) > 0;
  // a large export is first looked at by its first and last lines: a plain one is left to DuckDB
  const sample = asked ? null : sampleGrid(path, file, encoding);
  if (sample) {
    const t = findTable(sample);
    if (t.plain && t.warnings.length === 0) return null;
  }
  let decoded;
  try {
    decoded = decode(readFileSync(path), encoding);
  } catch (error) {
    if (error instanceof DecodeError) return null; // the plain reader says why
    throw error;
  }
  const grid = textGrid(decoded.text, file);
  if (grid.rows.length === 0) return null;
  const form = formPart(grid, options, join(workDir, 'form.csv'));
  if (form.plain && !asked && form.warnings.length === 0) return null;
  return { ...form, encoding: decoded.encoding };
}

/** A period the file states against the one given: an error naming both when they differ. */
export function periodConflict(part: Sniffed, given: string): Problem | null {
  const stated = part.stated;
  if (!stated || stated.value === given) return null;
  const where = stated.from === 'sheet' ? `the sheet's name "${stated.text}"` : 'the title';
  const whereVi = stated.from === 'sheet' ? `tên trang tính "${stated.text}"` : 'tiêu đề';
  return errorAt(part.file, null, null, given, 'period', {
    en: `--period ${given} but ${where} says ${stated.value}: give the period the figures are for, or leave --period out`,
    vi: `--period ${given} nhưng ${whereVi} ghi kỳ ${stated.value}: sửa --period cho đúng kỳ của số liệu, hoặc bỏ --period`,
  });
}
