// Looks at a delimited text file before DuckDB reads it: refuses empty and binary files, finds
// the encoding and the delimiter, reads the header, and when the file is not UTF-8 NFC writes a
// UTF-8 NFC copy for DuckDB (which reads UTF-8 only). Large UTF-8 files are never copied. It also
// finds where physical lines and CSV records part (blank lines, line breaks inside quotes), so
// that problems name the line a reader sees.
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkText, decode, detectEncoding, DecodeError, type Encoding } from './decode.ts';

export type Delimiter = ',' | ';' | '\t';
const DELIMITERS: readonly Delimiter[] = [',', ';', '\t'];

/** A table ready for DuckDB's read_csv: one CSV file, one source (a file or a sheet). */
export interface Sniffed {
  /** the name problems carry: the file, or `book.xlsx[Sheet1]` */
  file: string;
  encoding: Encoding;
  delimiter: Delimiter;
  header: string[];
  /** the row the header is on in the source (1, but a sheet may start lower; JSON has none) */
  headerRow: number | null;
  /** a UTF-8 file DuckDB can read: the original, or a converted copy in `workDir` */
  utf8Path: string;
  /**
   * The staged CSV starts with a column (not in `header`) holding each row's number in the
   * source: a sheet's row, a JSON record. Otherwise rows are numbered by their line (header = 1).
   */
  rowColumn: boolean;
  /**
   * Where physical lines run ahead of records: [record, extra lines before it], ascending; a
   * record's line is record + 1 + the extra of the last entry at or before it. Empty for files
   * without blank lines or line breaks inside quotes.
   */
  lineShifts: Array<[number, number]>;
  /** name columns by letter in messages (spreadsheets) */
  columnLetters: boolean;
  /** the sheet of a workbook the part was read from */
  sheet?: string;
  /** the period a form's title or its sheet's name states (see ../load/table.ts) */
  stated?: { value: string; from: 'title' | 'sheet'; text: string };
  /** a form's data rows as read, for checking derived columns (up to 10,000: load/form.ts) */
  rows?: Array<{ number: number; values: Array<string | null> }>;
}

export class SniffError extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

const HEAD_BYTES = 1 << 20;
/** files up to this size are decoded whole in JavaScript (to check every byte of the encoding) */
const DECODE_WHOLE = 64 << 20;
const CHUNK = 1 << 20;

function head(path: string, size: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, HEAD_BYTES));
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Splits one CSV line, honouring double quotes. */
export function splitHeader(line: string, delimiter: Delimiter): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === delimiter) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out.map((h) => h.replace(/^\uFEFF/, '').trim());
}

/**
 * The delimiter that splits the header and the lines after it into the same number of fields
 * (the most fields wins); when none is consistent, the one that splits the header most. A label
 * with a comma in a semicolon file ("phí, lệ phí") no longer turns the file into a comma file.
 */
export function detectDelimiter(lines: string[]): Delimiter {
  const sample = lines.filter((l) => l.trim() !== '').slice(0, 20);
  if (sample.length === 0) return ',';
  const scored = DELIMITERS.map((d) => {
    const counts = sample.map((l) => splitHeader(l, d).length);
    return { d, fields: counts[0], consistent: counts.every((c) => c === counts[0]) };
  }).filter((s) => s.fields > 1);
  if (scored.length === 0) return ',';
  const consistent = scored.filter((s) => s.consistent);
  const pool = consistent.length > 0 ? consistent : scored;
  // stable: on a tie the earlier of , ; tab wins
  return pool.reduce((best, s) => (s.fields > best.fields ? s : best)).d;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const SPACE = 0x20;

/**
 * Follows CSV records over the bytes of a UTF-8 file the way DuckDB's reader does: blank lines are
 * skipped, a quote opens only at the start of a field, a line break inside quotes continues the
 * record. Collects where record numbers and line numbers part.
 */
export class LineCounter {
  readonly shifts: Array<[number, number]> = [];
  private line = 1;
  private records = 0;
  private inHeader = true;
  private lineStart = true;
  /** 0 field start, 1 unquoted, 2 quoted, 3 a quote inside quotes (closing or doubled) */
  private state = 0;
  private afterCr = false;
  private shift = 0;
  private readonly delimiter: number;

  constructor(delimiter: Delimiter) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  feed(bytes: Uint8Array): void {
    const delim = this.delimiter;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === LF && this.afterCr) {
        this.afterCr = false;
        continue;
      }
      this.afterCr = b === CR;
      if (b === LF || b === CR) {
        this.line++;
        if (this.state === 2) continue; // a line break inside a quoted field
        if (!this.lineStart) this.inHeader = false;
        this.lineStart = true;
        this.state = 0;
        continue;
      }
      if (this.lineStart) {
        this.lineStart = false;
        if (!this.inHeader) {
          this.records++;
          const shift = this.line - this.records - 1;
          if (shift !== this.shift) {
            this.shifts.push([this.records, shift]);
            this.shift = shift;
          }
        }
      }
      switch (this.state) {
        case 0:
          if (b === QUOTE) this.state = 2;
          else if (b !== delim && b !== SPACE) this.state = 1;
          break;
        case 1:
          if (b === delim) this.state = 0;
          break;
        case 2:
          if (b === QUOTE) this.state = 3;
          break;
        case 3:
          if (b === QUOTE) this.state = 2;
          else if (b === delim) this.state = 0;
          else if (b !== SPACE) this.state = 1;
          break;
      }
    }
  }
}

/** Blank lines (\n\n, \r\n\r\n, \r\r) or any quote: only then can lines and records part. */
function mayShift(bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (
    buf.includes(QUOTE) || buf.includes('\n\n') || buf.includes('\n\r\n') || buf.includes('\r\r')
  );
}

export function shiftsOf(bytes: Uint8Array, delimiter: Delimiter): Array<[number, number]> {
  if (!mayShift(bytes)) return [];
  const counter = new LineCounter(delimiter);
  counter.feed(bytes);
  return counter.shifts;
}

/** The same for a file too large to hold: a fast native look first, the full count if needed. */
export function shiftsOfFile(
  path: string,
  delimiter: Delimiter,
  chunkSize = CHUNK,
): Array<[number, number]> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(chunkSize + 3);
    let tail = Buffer.alloc(0);
    let position = 0;
    let needed = false;
    for (;;) {
      tail.copy(buf, 0);
      const n = readSync(fd, buf, tail.length, chunkSize, position);
      if (n === 0) break;
      position += n;
      const view = buf.subarray(0, tail.length + n);
      if (mayShift(view)) {
        needed = true;
        break;
      }
      tail = Buffer.from(view.subarray(Math.max(0, view.length - 3)));
    }
    if (!needed) return [];
    const counter = new LineCounter(delimiter);
    const chunk = Buffer.alloc(chunkSize);
    for (let at = 0; ;) {
      const n = readSync(fd, chunk, 0, chunkSize, at);
      if (n === 0) break;
      counter.feed(chunk.subarray(0, n));
      at += n;
    }
    return counter.shifts;
  } finally {
    closeSync(fd);
  }
}

/** The first lines of `text` (the last one dropped when the sample was cut short). */
function firstLines(text: string, complete: boolean): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 21);
  if (!complete && lines.length > 1) lines.pop();
  return lines;
}

/**
 * Reads what a delimited text file is; throws SniffError for files that are not tables.
 * `decodeWhole`: UTF-8 files above this size are left to DuckDB (a test lowers it).
 */
export function sniff(
  path: string,
  workDir: string,
  file: string,
  encoding?: Encoding,
  decodeWhole = DECODE_WHOLE,
): Sniffed {
  const size = statSync(path).size;
  if (size === 0) throw new SniffError('empty_file', 'the file is empty');
  const first = head(path, size);
  let detected: Encoding;
  let utf8Path = path;
  let lines: string[];
  let lineShifts: Array<[number, number]>;
  try {
    detected = encoding ?? detectEncoding(first, first.length < size).encoding;
    if (detected === 'utf-8' && size > decodeWhole) {
      // too large to copy: DuckDB checks the UTF-8 of the rest as it reads
      const sample = new TextDecoder('utf-8').decode(first, { stream: true });
      checkText(sample, first);
      lines = firstLines(sample, false).map((l) => l.normalize('NFC'));
      const delimiter = detectDelimiter(lines);
      lineShifts = shiftsOfFile(path, delimiter);
      return result(delimiter);
    }
    const bytes = readFileSync(path);
    const decoded = decode(bytes, detected);
    let text = decoded.text;
    // DuckDB's reader gives up on a file whose lines end in different ways (CRLF and LF, as
    // when files are joined); every line break becomes LF, which keeps every line number
    const mixed = text.includes('\r\n') && /(?:^|[^\r])\n|\r(?!\n)/.test(text);
    if (mixed) text = text.replace(/\r\n?/g, '\n');
    lines = firstLines(text, true);
    const delimiter = detectDelimiter(lines);
    if (detected !== 'utf-8' || decoded.normalized || mixed) {
      utf8Path = join(workDir, 'converted.csv');
      const utf8 = Buffer.from(text, 'utf8');
      writeFileSync(utf8Path, utf8);
      lineShifts = shiftsOf(utf8, delimiter);
    } else {
      lineShifts = shiftsOf(bytes, delimiter);
    }
    return result(delimiter);
  } catch (error) {
    if (error instanceof DecodeError) {
      const hint = error.rule === 'encoding' ? '; give the encoding with --encoding' : '';
      throw new SniffError(error.rule, `${error.message}${hint}`);
    }
    throw error;
  }

  function result(delimiter: Delimiter): Sniffed {
    const headerLine = lines[0] ?? '';
    if (headerLine.trim() === '') {
      throw new SniffError('header', 'the first line is empty: the header must be line 1');
    }
    return {
      file,
      encoding: detected,
      delimiter,
      header: splitHeader(headerLine, delimiter),
      headerRow: 1,
      utf8Path,
      rowColumn: false,
      lineShifts,
      columnLetters: false,
    };
  }
}
