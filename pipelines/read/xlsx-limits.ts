// The limits a workbook is checked against before exceljs reads it (exceljs builds the whole
// workbook in memory, about 1 KB a cell): the zip's central directory is read for the declared
// sizes, then every entry is streamed through zlib, counting inflated bytes, rows and cells, and
// stopped at the first limit passed. Also what the reader needs of a zip: its entries and where
// an entry's data starts.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createInflateRaw } from 'node:zlib';
import { intSetting } from './setting.ts';

/** What a workbook may hold before it is read: inflated bytes of the whole zip, cells, rows. */
export interface XlsxLimits {
  maxInflated: number;
  maxCells: number;
  maxRows: number;
}

/**
 * The limits from the environment (the CLI and the server read workbooks the same way). Defaults:
 * 100 MB inflated, 1 M cells, 1 M rows. exceljs still holds a workbook whole: measured on the
 * server, 1 M cells took 10 s and 550 MB, 2 M cells 23 s and 1 GB (the event loop busy meanwhile),
 * so 1 M: a 140,000-row long table of 7 columns; larger loads go as CSV.
 */
export function xlsxLimits(env: NodeJS.ProcessEnv = process.env): XlsxLimits {
  return {
    maxInflated: intSetting(env, 'CHITIEU_XLSX_MAX_INFLATED', 100 << 20),
    maxCells: intSetting(env, 'CHITIEU_XLSX_MAX_CELLS', 1_000_000),
    maxRows: intSetting(env, 'CHITIEU_XLSX_MAX_ROWS', 1_000_000),
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

export function readAt(fd: number, position: number, length: number): Buffer {
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
export function dataStart(path: string, entry: ZipEntry): number | null {
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
