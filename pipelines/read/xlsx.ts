// XLSX workbooks: every sheet (or the one asked for) becomes a staged CSV, so one path validates
// every format. Numeric cells give their number, text cells their text, formula cells their
// saved result; a formula without one is written as its text, which validation refuses. The
// header is the sheet's first row: merged or unnamed header cells are reported, never guessed.
// exceljs builds the whole workbook in memory (about 1 KB a cell), so the zip is first streamed
// through zlib, counting inflated bytes, rows and cells, and a workbook over the limits is refused
// before exceljs sees it: a 21 MB cell bomb inflating to 239 MB (7.2 M cells) took the server to
// 4.4 GB and froze it for over 60 s; refused by the declared sizes it costs one read of the
// central directory, and a bomb that lies about its sizes is stopped at the limit while inflating.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInflateRaw } from 'node:zlib';
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

/** What a workbook may hold before it is read: inflated bytes of the whole zip, cells, rows. */
export interface XlsxLimits {
  maxInflated: number;
  maxCells: number;
  maxRows: number;
}

const positive = (name: string, text: string | undefined, fallback: number) => {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`invalid ${name}: ${text}`);
  return n;
};

/**
 * The limits from the environment (the CLI and the server read workbooks the same way). Defaults:
 * 100 MB inflated, 1 M cells, 1 M rows. exceljs still holds a workbook whole: measured on the
 * server, 1 M cells took 10 s and 550 MB, 2 M cells 23 s and 1 GB (the event loop busy meanwhile),
 * so 1 M: a 140,000-row long table of 7 columns; larger loads go as CSV.
 */
export function xlsxLimits(env: NodeJS.ProcessEnv = process.env): XlsxLimits {
  return {
    maxInflated: positive('CHITIEU_XLSX_MAX_INFLATED', env.CHITIEU_XLSX_MAX_INFLATED, 100 << 20),
    maxCells: positive('CHITIEU_XLSX_MAX_CELLS', env.CHITIEU_XLSX_MAX_CELLS, 1_000_000),
    maxRows: positive('CHITIEU_XLSX_MAX_ROWS', env.CHITIEU_XLSX_MAX_ROWS, 1_000_000),
  };
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** the end record (22 bytes) and the longest comment a zip may carry */
const TAIL = 22 + 0xffff;
const MAX_CENTRAL = 16 << 20;

/** Thrown when a workbook is over a limit: the message names the limit, in Vietnamese then English. */
export class ZipLimitError extends Error {
  readonly rule = 'too_large';
}

const mb = (n: number) => `${Math.round(n / (1 << 20))} MB`;
const count = (n: number) => n.toLocaleString('en-US');

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

/**
 * The entries of a zip from its central directory (no entry is inflated), or null when the file
 * is not a zip (exceljs then says why it cannot read it). A ZIP64 archive (an entry over 4 GB or
 * 65,535 entries) is over any limit a workbook of figures needs, so it is refused.
 */
export function zipEntries(path: string): ZipEntry[] | null {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const tailStart = Math.max(0, size - TAIL);
    const tail = readAt(fd, tailStart, size - tailStart);
    let end = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        end = i;
        break;
      }
    }
    if (end < 0) return null;
    const total = tail.readUInt16LE(end + 10);
    const cdSize = tail.readUInt32LE(end + 12);
    const cdOffset = tail.readUInt32LE(end + 16);
    if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
      throw new ZipLimitError(
        'tệp .xlsx dùng ZIP64 (quá lớn) / the workbook is a ZIP64 archive, over every size limit',
      );
    if (cdSize > MAX_CENTRAL || cdOffset + cdSize > size) return null;
    const cd = readAt(fd, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    for (let at = 0; entries.length < total;) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL) return null;
      const nameLength = cd.readUInt16LE(at + 28);
      const next = at + 46 + nameLength + cd.readUInt16LE(at + 30) + cd.readUInt16LE(at + 32);
      entries.push({
        name: cd.toString('utf8', at + 46, at + 46 + nameLength),
        method: cd.readUInt16LE(at + 10),
        compressedSize: cd.readUInt32LE(at + 20),
        size: cd.readUInt32LE(at + 24),
        localOffset: cd.readUInt32LE(at + 42),
      });
      at = next;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** Where an entry's data starts: after its local header, whose name and extra field may differ. */
function dataStart(path: string, entry: ZipEntry): number | null {
  const fd = openSync(path, 'r');
  try {
    const local = readAt(fd, entry.localOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) return null;
    return entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    closeSync(fd);
  }
}

// a cell or row start tag, with or without a namespace prefix (`<c r="A1">`, `<x:row>`)
const CELL = /<(?:[A-Za-z_][\w.-]*:)?c[\s>/]/g;
const ROW = /<(?:[A-Za-z_][\w.-]*:)?row[\s>/]/g;
const CARRY = 64;

/** Counts tags across chunks: a tag cut by a chunk's end is counted once, in the next. */
function tagCounter(pattern: RegExp): (chunk: string) => number {
  let carry = '';
  return (chunk) => {
    const text = carry + chunk;
    let n = 0;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      if (m.index + m[0].length > carry.length) n++;
    }
    carry = text.slice(-CARRY);
    return n;
  };
}

/** What a workbook holds once inflated, measured up to the first limit it passes. */
export interface ZipMeasure {
  inflated: number;
  cells: number;
  rows: number;
}

/**
 * Checks a workbook against the limits before it is read: first the sizes its central directory
 * declares, then the bytes, rows and cells it really inflates to (a zip may lie about its sizes),
 * stopping at the first limit passed. Memory stays at one zlib window and one chunk.
 */
export async function checkXlsxLimits(
  path: string,
  limits: XlsxLimits = xlsxLimits(),
): Promise<ZipMeasure | null> {
  const entries = zipEntries(path);
  if (!entries) return null;
  const over = (vi: string, en: string, setting: string) =>
    new ZipLimitError(
      `tệp .xlsx vượt giới hạn ${vi} / the workbook is over the limit of ${en} (${setting}): split it or send CSV`,
    );
  const tooBig = () =>
    over(
      `${mb(limits.maxInflated)} sau giải nén`,
      `${mb(limits.maxInflated)} uncompressed`,
      'CHITIEU_XLSX_MAX_INFLATED',
    );
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  if (declared > limits.maxInflated) throw tooBig();
  const measure: ZipMeasure = { inflated: 0, cells: 0, rows: 0 };
  for (const entry of entries) {
    if (entry.compressedSize === 0 || (entry.method !== 0 && entry.method !== 8)) continue;
    const start = dataStart(path, entry);
    if (start === null) return null;
    const sheet = /^xl\/worksheets\/[^/]+\.xml$/i.test(entry.name);
    const cells = tagCounter(CELL);
    const rows = tagCounter(ROW);
    const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1 });
    const inflate = entry.method === 8 ? createInflateRaw() : null;
    // pipe() does not pass a read error on: the loop would wait for ever
    if (inflate) raw.on('error', (error) => inflate.destroy(error));
    const source = inflate ? raw.pipe(inflate) : raw;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        measure.inflated += chunk.length;
        if (measure.inflated > limits.maxInflated) throw tooBig();
        if (!sheet) continue;
        const text = chunk.toString('latin1');
        measure.cells += cells(text);
        measure.rows += rows(text);
        if (measure.cells > limits.maxCells)
          throw over(
            `${count(limits.maxCells)} ô`,
            `${count(limits.maxCells)} cells`,
            'CHITIEU_XLSX_MAX_CELLS',
          );
        if (measure.rows > limits.maxRows)
          throw over(
            `${count(limits.maxRows)} dòng`,
            `${count(limits.maxRows)} rows`,
            'CHITIEU_XLSX_MAX_ROWS',
          );
      }
    } catch (error) {
      if (error instanceof ZipLimitError) throw error;
      return null; // a broken entry: exceljs reports the workbook as unreadable
    } finally {
      raw.destroy();
      inflate?.destroy();
    }
  }
  return measure;
}

export async function readXlsx(
  path: string,
  file: string,
  workDir: string,
  sheet?: string,
  limits: XlsxLimits = xlsxLimits(),
): Promise<ReadResult> {
  const problems: Problem[] = [];
  try {
    await checkXlsxLimits(path, limits);
  } catch (error) {
    if (!(error instanceof ZipLimitError)) throw error;
    problems.push(errorAt(file, null, null, null, error.rule, error.message));
    return { parts: [], problems, encoding: 'utf-8' };
  }
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
