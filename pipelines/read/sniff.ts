// Looks at a delimited text file before DuckDB reads it: refuses empty and binary files, finds
// the encoding and the delimiter, reads the header, and when the file is not UTF-8 writes a
// UTF-8 copy for DuckDB (which reads UTF-8 only). Large UTF-8 files are never copied.
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, detectEncoding, DecodeError, type Encoding } from './decode.ts';

export type Delimiter = ',' | ';' | '\t';

export interface Sniffed {
  encoding: Encoding;
  delimiter: Delimiter;
  header: string[];
  /** a UTF-8 file DuckDB can read: the original, or a converted copy in `workDir` */
  utf8Path: string;
  /** the decoded text, when the file was small enough or had to be converted */
  text: string | null;
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

/** Splits one CSV header line, honouring double quotes. */
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

export function detectDelimiter(headerLine: string): Delimiter {
  const counts: Array<[Delimiter, number]> = [',', ';', '\t'].map((d) => [
    d as Delimiter,
    splitHeader(headerLine, d as Delimiter).length - 1,
  ]);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

export function sniff(path: string, workDir: string, encoding?: Encoding): Sniffed {
  const size = statSync(path).size;
  if (size === 0) throw new SniffError('empty_file', 'the file is empty');
  const first = head(path, size);
  const detected = encoding ?? detectEncoding(first).encoding;
  const utf16 = detected === 'utf-16le' || detected === 'utf-16be';
  if (!utf16 && first.includes(0)) {
    throw new SniffError('binary', 'the file is binary (it contains NUL bytes), not text');
  }
  let text: string | null = null;
  let utf8Path = path;
  if (detected !== 'utf-8' || size <= DECODE_WHOLE) {
    try {
      text = decode(readFileSync(path), detected).text;
    } catch (error) {
      if (error instanceof DecodeError) {
        throw new SniffError('encoding', `${error.message}; give the encoding with --encoding`);
      }
      throw error;
    }
    if (detected !== 'utf-8') {
      utf8Path = join(workDir, 'converted.csv');
      writeFileSync(utf8Path, text);
    }
  }
  const sample = text ?? new TextDecoder('utf-8').decode(first);
  const headerLine = sample.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (headerLine.trim() === '') throw new SniffError('no_header', 'the first line is empty');
  const delimiter = detectDelimiter(headerLine);
  return {
    encoding: detected,
    delimiter,
    header: splitHeader(headerLine, delimiter),
    utf8Path,
    text,
  };
}
