// XLSX workbooks: every visible sheet (or those asked for) becomes a staged CSV, so one path validates
// every format. Numeric cells give their number, text cells their text, formula cells their
// saved result; a formula without one is written as its text, which validation refuses. Each
// sheet is a grid whose table (title block, merged multi-row header …) ../load/table.ts finds.
// exceljs builds the whole workbook in memory (about 1 KB a cell), so the zip is first streamed
// through zlib (xlsx-limits.ts), counting inflated bytes, rows and cells, and a workbook over
// the limits is refused before exceljs sees it: a 21 MB cell bomb inflating to 239 MB (7.2 M
// cells) took the server to 4.4 GB and froze it for over 60 s; refused by the declared sizes it
// costs one read of the central directory, and a bomb that lies about its sizes is stopped at the
// limit while inflating.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { errorAt, type Problem } from '../load/problems.ts';
import type { Note } from '../load/report.ts';
import { formPart, type TableOptions } from '../load/form.ts';
import type { Grid, GridRow } from './grid.ts';
import type { ReadResult } from './json.ts';
import {
  checkXlsxLimits,
  dataStart,
  readAt,
  xlsxLimits,
  zipEntries,
  ZipLimitError,
  type XlsxLimits,
} from './xlsx-limits.ts';

type Cell = ExcelJS.Cell;
const T = ExcelJS.ValueType;

export { columnLetter } from './grid.ts';
export {
  checkXlsxLimits,
  xlsxLimits,
  zipEntries,
  ZipLimitError,
  type XlsxLimits,
  type ZipEntry,
  type ZipMeasure,
} from './xlsx-limits.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** A date cell as a period: its number format says whether it shows a day, a month or a year. */
function dateText(d: Date, numFmt: string | undefined): string {
  const fmt = (numFmt ?? '').replace(/"[^"]*"|\[[^\]]*\]|\\./g, '').toLowerCase();
  const y = d.getUTCFullYear();
  const m = pad(d.getUTCMonth() + 1);
  if (fmt === '' || fmt.includes('d')) return `${y}-${m}-${pad(d.getUTCDate())}`;
  if (fmt.includes('m')) return `${y}-${m}`;
  return String(y);
}

/** A number as the cell shows it where that matters: percentages, zero-padded codes ("01"). */
function numberText(v: number, numFmt: string | undefined): string {
  const fmt = numFmt ?? '';
  if (fmt.includes('%')) return `${Number((v * 100).toPrecision(15))}%`;
  const zeros = /^0+$/.exec(fmt);
  if (zeros && Number.isInteger(v) && v >= 0) return String(v).padStart(zeros[0].length, '0');
  return String(v);
}

/** The text of a value as exceljs holds it (a cell's value or a formula's result). */
function valueText(v: unknown, numFmt: string | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return numberText(v, numFmt);
  if (typeof v === 'string') return v.normalize('NFC');
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return dateText(v, numFmt);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) {
      return (o.richText as Array<{ text: string }>)
        .map((r) => r.text)
        .join('')
        .normalize('NFC');
    }
    if (typeof o.error === 'string') return o.error;
    if (typeof o.text === 'string') return o.text.normalize('NFC'); // a hyperlink
    if ('result' in o || 'formula' in o || 'sharedFormula' in o) return valueText(o.result, numFmt);
  }
  return String(v);
}

function cellText(cell: Cell): string | null {
  if (cell.type === T.Formula) {
    // a formula never calculated (written by a program, not saved by Excel) has no result
    if (cell.result === undefined || cell.result === null) return `=${cell.formula}`;
    return valueText(cell.result, cell.numFmt);
  }
  return valueText(cell.value, cell.numFmt);
}

/** The sheets of a workbook that are charts (exceljs leaves them out): their names. */
export function chartSheets(path: string): string[] {
  const entries = zipEntries(path);
  const read = (name: string) => {
    const e = entries?.find((x) => x.name === name);
    const at = e ? dataStart(path, e) : null;
    if (!e || at === null) return '';
    const fd = openSync(path, 'r');
    try {
      const raw = readAt(fd, at, e.compressedSize);
      return (e.method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    } catch {
      return '';
    } finally {
      closeSync(fd);
    }
  };
  const rels = read('xl/_rels/workbook.xml.rels');
  const charts = new Set(
    [...rels.matchAll(/<Relationship\b[^>]*>/g)]
      .filter((m) => /Target="[^"]*chartsheets\//.test(m[0]))
      .map((m) => /Id="([^"]+)"/.exec(m[0])?.[1]),
  );
  return [...read('xl/workbook.xml').matchAll(/<sheet\b[^>]*>/g)]
    .filter((m) => charts.has(/r:id="([^"]+)"/.exec(m[0])?.[1]))
    .map((m) => unescapeXml(/name="([^"]*)"/.exec(m[0])?.[1] ?? ''));
}

const unescapeXml = (t: string) =>
  t
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** One sheet as a grid: merged cells carry their master's text and address. */
function sheetGrid(ws: ExcelJS.Worksheet, name: string): Grid | null {
  const rows: ExcelJS.Row[] = [];
  let width = 0;
  ws.eachRow({ includeEmpty: false }, (row) => {
    rows.push(row);
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      if (cell.type !== T.Null) width = Math.max(width, col);
    });
  });
  if (rows.length === 0 || width === 0) return null; // an empty sheet holds nothing to load
  const gridRows: GridRow[] = [];
  for (const row of rows) {
    const cells: Array<string | null> = [];
    const mergedFrom: Array<string | null> = [];
    for (let col = 1; col <= width; col++) {
      const cell = row.getCell(col);
      const merged = cell.type === T.Merge;
      const text = cellText(merged ? cell.master : cell);
      cells.push(text === null || text.trim() === '' ? null : text.replace(/\s+/g, ' ').trim());
      mergedFrom.push(merged ? cell.master.address : null);
    }
    if (cells.some((c) => c !== null)) {
      gridRows.push({ number: row.number, cells, mergedFrom });
    }
  }
  return { file: name, rows: gridRows, width, columnLetters: true, sheet: ws.name };
}

export interface XlsxGrids {
  grids: Grid[];
  problems: Problem[];
  notes: Note[];
}

/**
 * The sheets of a workbook as grids: every visible sheet, or the ones asked for. Hidden and very
 * hidden sheets (a list of units kept for a drop-down) and chart sheets are left out with a note.
 */
export async function xlsxGrids(
  path: string,
  file: string,
  sheet?: string | readonly string[],
  limits: XlsxLimits = xlsxLimits(),
): Promise<XlsxGrids> {
  const problems: Problem[] = [];
  const notes: Note[] = [];
  const none = { grids: [], problems, notes };
  try {
    await checkXlsxLimits(path, limits);
  } catch (error) {
    if (!(error instanceof ZipLimitError)) throw error;
    problems.push(errorAt(file, null, null, null, error.rule, error.message));
    return none;
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (error) {
    problems.push(
      errorAt(file, null, null, null, 'xlsx', {
        en: `not a readable .xlsx workbook: ${(error as Error).message}`,
        vi: `Không đọc được tệp .xlsx: ${(error as Error).message} — mở bằng Excel và lưu lại`,
      }),
    );
    return none;
  }
  const asked = (typeof sheet === 'string' ? [sheet] : (sheet ?? [])).map((x) =>
    x.normalize('NFC').trim(),
  );
  const nameOf = (ws: ExcelJS.Worksheet) => ws.name.normalize('NFC').trim();
  let sheets = workbook.worksheets;
  if (asked.length > 0) {
    const missing = asked.filter((a) => !sheets.some((ws) => nameOf(ws) === a));
    for (const m of missing) {
      const all = workbook.worksheets.map((ws) => `"${ws.name}"`).join(', ');
      problems.push(
        errorAt(file, null, null, m, 'sheet', {
          en: `no sheet is named "${m}"; the workbook has ${all}`,
          vi: `Không có trang tính tên "${m}"; tệp có các trang ${all}`,
        }),
      );
    }
    if (missing.length > 0) return none;
    sheets = sheets.filter((ws) => asked.includes(nameOf(ws)));
  } else {
    const hidden = sheets.filter((ws) => ws.state === 'hidden' || ws.state === 'veryHidden');
    if (hidden.length > 0) {
      const names = hidden.map((ws) => `"${ws.name}"`).join(', ');
      notes.push({
        file,
        rule: 'skipped_hidden_sheet',
        rows: [],
        message: `hidden sheet(s) ${names} skipped (--sheet reads one by name)`,
        vi: `bỏ qua trang tính ẩn ${names} (dùng --sheet để đọc theo tên)`,
      });
    }
    sheets = sheets.filter((ws) => !hidden.includes(ws));
    const charts = chartSheets(path);
    if (charts.length > 0) {
      const names = charts.map((n) => `"${n}"`).join(', ');
      notes.push({
        file,
        rule: 'skipped_chart_sheet',
        rows: [],
        message: `chart sheet(s) ${names} skipped`,
        vi: `bỏ qua trang biểu đồ ${names}`,
      });
    }
  }
  const grids = sheets
    .map((ws) => sheetGrid(ws, `${file}[${ws.name}]`))
    .filter((g): g is Grid => g !== null);
  if (grids.length === 0) {
    problems.push(
      errorAt(file, null, null, null, 'empty_file', {
        en: 'every sheet of the workbook is empty',
        vi: 'mọi trang tính của tệp đều trống',
      }),
    );
  }
  return { grids, problems, notes };
}

/** A workbook's sheets as staged parts, each sheet's table found (see ../load/table.ts). */
export async function readXlsx(
  path: string,
  file: string,
  workDir: string,
  sheet?: string | readonly string[],
  limits: XlsxLimits = xlsxLimits(),
  table: TableOptions = {},
): Promise<ReadResult> {
  const read = await xlsxGrids(path, file, sheet, limits);
  const result: Required<ReadResult> = {
    parts: [],
    problems: read.problems,
    encoding: 'utf-8',
    notes: read.notes,
    warnings: [],
  };
  for (const grid of read.grids) {
    const part = formPart(grid, table, join(workDir, `sheet${result.parts.length + 1}.csv`));
    result.problems.push(...part.problems);
    result.notes.push(...part.notes);
    result.warnings.push(...part.warnings);
    if (part.part) result.parts.push(part.part);
  }
  return result;
}
