// XLSX workbooks: every sheet (or the one asked for) becomes a staged CSV, so one path validates
// every format. Numeric cells give their number, text cells their text, formula cells their
// saved result; a formula without one is written as its text, which validation refuses. The
// header is the sheet's first row: merged or unnamed header cells are reported, never guessed.
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { errorAt, type Problem } from '../load/problems.ts';
import type { Sniffed } from './sniff.ts';
import { StagedCsv } from './staged.ts';
import type { ReadResult } from './json.ts';

type Cell = ExcelJS.Cell;
const T = ExcelJS.ValueType;

/** A1-style column letters: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26))
    s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

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

export async function readXlsx(
  path: string,
  file: string,
  workDir: string,
  sheet?: string,
): Promise<ReadResult> {
  const problems: Problem[] = [];
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (error) {
    problems.push(
      errorAt(
        file,
        null,
        null,
        null,
        'xlsx',
        `not a readable .xlsx workbook: ${(error as Error).message}`,
      ),
    );
    return { parts: [], problems, encoding: 'utf-8' };
  }
  let sheets = workbook.worksheets;
  if (sheet !== undefined) {
    const wanted = sheet.normalize('NFC').trim();
    sheets = sheets.filter((ws) => ws.name.normalize('NFC').trim() === wanted);
    if (sheets.length === 0) {
      problems.push(
        errorAt(
          file,
          null,
          null,
          sheet,
          'sheet',
          `no sheet is named "${sheet}"; the workbook has ${workbook.worksheets.map((ws) => `"${ws.name}"`).join(', ')}`,
        ),
      );
      return { parts: [], problems, encoding: 'utf-8' };
    }
  }
  const parts: Sniffed[] = [];
  for (const ws of sheets) {
    const name = `${file}[${ws.name}]`;
    const err = (
      row: number,
      column: string | null,
      value: string | null,
      rule: string,
      message: string,
    ) => problems.push(errorAt(name, row, column, value, rule, message));
    const rows: ExcelJS.Row[] = [];
    let width = 0;
    ws.eachRow({ includeEmpty: false }, (row) => {
      rows.push(row);
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        if (cell.type !== T.Null) width = Math.max(width, col);
      });
    });
    if (rows.length === 0 || width === 0) continue; // an empty sheet holds nothing to load
    const headerRow = rows[0];
    const header: string[] = [];
    for (let col = 1; col <= width; col++) {
      const cell = headerRow.getCell(col);
      header.push(
        (cell.type === T.Merge ? '' : (cellText(cell) ?? '')).replace(/\s+/g, ' ').trim(),
      );
    }
    // a merged header is a multi-row or grouped header: which name belongs to which column is
    // a guess, so it is reported instead
    for (let col = 1; col <= width; col++) {
      const cell = headerRow.getCell(col);
      if (cell.isMerged && cell.type !== T.Merge) {
        err(
          headerRow.number,
          header[col - 1] || columnLetter(col),
          header[col - 1] || null,
          'header',
          `header cell ${cell.address} is merged with other cells: the header must be one row with one name per column`,
        );
      } else if (cell.type === T.Merge && cell.master.fullAddress.row !== headerRow.number) {
        err(
          headerRow.number,
          columnLetter(col),
          null,
          'header',
          `header cell ${cell.address} is merged with ${cell.master.address}: the header must be one row with one name per column`,
        );
      }
    }
    const staged = new StagedCsv(header);
    for (const row of rows.slice(1)) {
      const values: Array<string | null> = [];
      for (let col = 1; col <= width; col++) {
        const cell = row.getCell(col);
        if (cell.type === T.Merge) {
          // a header cell merged downwards is reported once, as a header problem
          if (cell.master.fullAddress.row !== headerRow.number)
            err(
              row.number,
              header[col - 1] || columnLetter(col),
              cellText(cell.master),
              'merged_cell',
              `cell ${cell.address} is merged with ${cell.master.address}: each cell must hold its own value`,
            );
          values.push(null);
        } else values.push(cellText(cell));
      }
      if (values.some((v) => v !== null && v.trim() !== '')) staged.add(row.number, values);
    }
    parts.push({
      ...staged.write(join(workDir, `sheet${parts.length + 1}.csv`), name, headerRow.number, true),
      sheet: ws.name,
    });
  }
  if (parts.length === 0 && problems.length === 0) {
    problems.push(
      errorAt(file, null, null, null, 'empty_file', 'every sheet of the workbook is empty'),
    );
  }
  return { parts, problems, encoding: 'utf-8' };
}
