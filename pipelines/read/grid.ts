// A sheet or a delimited text file as a grid of cells, before anyone decides which row is the
// header: what the table finder (../load/table.ts) reads. A text file's rows are numbered by the
// line they start on, a sheet's by its row number; a cell merged into another (a spreadsheet's
// merged range) carries its master's text and says so, so that a header spanning columns or rows
// is read as one label while a merged data cell is still reported.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { detectEncoding, type Encoding } from './decode.ts';
import { splitHeader, type Delimiter } from './sniff.ts';

export interface GridRow {
  /** the row as the file numbers it: a sheet's row, a text file's line */
  number: number;
  /** the text of each cell (null when blank); a merged cell has its master's text */
  cells: Array<string | null>;
  /** where a cell is part of a merged range other than its top-left cell: the master's address */
  mergedFrom?: Array<string | null>;
}

export interface Grid {
  /** the name problems carry: the file, or `book.xlsx[Sheet1]` */
  file: string;
  rows: GridRow[];
  width: number;
  /** name columns by letter in messages (spreadsheets) */
  columnLetters: boolean;
  /** the sheet's name, when the grid is one */
  sheet?: string;
}

/** A1-style column letters: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26))
    s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

const DELIMITERS: readonly Delimiter[] = [',', ';', '\t'];

/**
 * The delimiter of a text that may start with title lines (one field each): the one that splits
 * the most lines into the same number of fields (more than one). Ties go to , then ; then tab.
 */
export function formDelimiter(lines: string[]): Delimiter {
  let best: { d: Delimiter; score: number } = { d: ',', score: 0 };
  for (const d of DELIMITERS) {
    const counts = new Map<number, number>();
    for (const line of lines.slice(0, 200)) {
      const n = splitHeader(line, d).length;
      if (n > 1) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    const score = Math.max(0, ...counts.values());
    if (score > best.score) best = { d, score };
  }
  return best.d;
}

const SAMPLE_BYTES = 64 << 10;

/**
 * The first and last lines of a large text file as one grid, or null when the file is small
 * enough to read whole: enough to tell a plain table from a form (a title, a header of two rows,
 * totals and a signature at the end) without decoding and splitting every line of an export.
 * The tail's rows are numbered after the head's: the grid is for that decision only.
 */
export function sampleGrid(path: string, file: string, encoding?: Encoding): Grid | null {
  const size = statSync(path).size;
  if (size <= 4 * SAMPLE_BYTES) return null;
  const fd = openSync(path, 'r');
  let head: Buffer;
  let tail: Buffer;
  try {
    head = Buffer.alloc(SAMPLE_BYTES);
    readSync(fd, head, 0, SAMPLE_BYTES, 0);
    tail = Buffer.alloc(SAMPLE_BYTES);
    readSync(fd, tail, 0, SAMPLE_BYTES, (size - SAMPLE_BYTES) & ~1);
  } finally {
    closeSync(fd);
  }
  let used: Encoding;
  try {
    used = encoding ?? detectEncoding(head, true).encoding;
  } catch {
    return null; // damaged text: the plain reader says why
  }
  const decoder = () => new TextDecoder(used);
  const headLines = decoder()
    .decode(head)
    .normalize('NFC')
    .split(/\r\n|\n|\r/)
    .slice(0, -1);
  const tailLines = decoder()
    .decode(tail)
    .normalize('NFC')
    .split(/\r\n|\n|\r/)
    .slice(1);
  return textGrid([...headLines, ...tailLines].join('\n'), file);
}

/**
 * Splits CSV text into records, each with the line it starts on: quotes may hold delimiters and
 * line breaks; blank lines are left out (they are no record).
 */
export function textGrid(text: string, file: string): Grid {
  const body = text.replace(/^\uFEFF/, '');
  const delimiter = formDelimiter(body.split(/\r\n|\n|\r/, 200));
  const rows: GridRow[] = [];
  let line = 1;
  let start = 1;
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let atFieldStart = true;
  const endField = () => {
    fields.push(field.trim());
    field = '';
    atFieldStart = true;
  };
  const endRecord = () => {
    endField();
    if (fields.some((f) => f !== '')) {
      rows.push({ number: start, cells: fields.map((f) => (f === '' ? null : f)) });
    }
    fields = [];
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n' || (ch === '\r' && body[i + 1] !== '\n')) line++;
        field += ch;
      }
    } else if (ch === '"' && atFieldStart && field.trim() === '') {
      quoted = true;
      field = '';
      atFieldStart = false;
    } else if (ch === delimiter) endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      field += ch;
      if (ch !== ' ') atFieldStart = false;
    }
  }
  if (field !== '' || fields.length > 0) endRecord();
  const width = rows.reduce((w, r) => Math.max(w, r.cells.length), 0);
  return { file, rows, width, columnLetters: false };
}
