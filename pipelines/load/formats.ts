// The formats a file of figures may come in, one reader each: how a file is recognised, and how
// it becomes parts (a CSV DuckDB reads as it is, or a staged CSV written from JSON records or from
// a sheet). Adding a format is one entry in READERS.
import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import type { Encoding } from '../read/decode.ts';
import { readJson } from '../read/json.ts';
import { readJsonRecords } from '../read/json-records.ts';
import { sniff, SniffError, type Sniffed } from '../read/sniff.ts';
import { readXlsx } from '../read/xlsx.ts';
import { textForm, type TableOptions } from './form.ts';
import { errorAt, type Bilingual, type Problem } from './problems.ts';
import type { ColumnMapping, Note } from './report.ts';

export type Format = 'csv' | 'json' | 'xlsx' | 'xls';

/** A file to read: where it is, the names it goes by, and what the user said about it. */
export interface Source {
  path: string;
  /** the file's own name (an upload's original name) */
  baseName: string;
  /** the name problems carry: the file's, or `book.xlsx[Sheet]` when one sheet is asked for */
  file: string;
  format: Format;
  encoding?: Encoding;
  sheet?: string;
  /** several sheets of a workbook (with `sheet`, the union) */
  sheets?: string[];
  /** finding the table: `--header-row`, `--skip-rows` */
  table?: TableOptions;
  /** JSON: where the records are (`data.items`), and header → field for their keys */
  recordPath?: string;
  mapping?: ColumnMapping;
  /** a folder for converted copies, removed after the ingest */
  workDir: string;
}

/** The parts of a file, or every problem that keeps it from being read. */
export interface Parts {
  parts: Sniffed[];
  problems: Problem[];
  encoding: Encoding | 'xlsx';
  /** what reading skipped or decided: a form's title and total rows, hidden sheets … */
  notes: Note[];
  /** total rows that disagree with the rows they total */
  warnings: Problem[];
}

type Reader = (source: Source) => Promise<Parts>;

const wholeFile = (file: string, rule: string, message: string | Bilingual): Problem =>
  errorAt(file, null, null, null, rule, message);

/** No notes and no warnings: fresh arrays each time (a report adds to its own). */
const quiet = (): { notes: Note[]; warnings: Problem[] } => ({ notes: [], warnings: [] });

export const READERS: Record<Format, Reader> = {
  async csv(s) {
    // a form (title lines, a header of two rows, totals) is found and staged; a plain table is
    // read as it is
    const form = textForm(s.path, s.file, s.workDir, s.encoding, s.table ?? {});
    if (form) {
      const { part, problems, notes, warnings, encoding } = form;
      return { parts: part ? [part] : [], problems, encoding, notes, warnings };
    }
    try {
      const sniffed = sniff(s.path, s.workDir, s.file, s.encoding);
      return { parts: [sniffed], problems: [], encoding: sniffed.encoding, ...quiet() };
    } catch (error) {
      if (!(error instanceof SniffError)) throw error;
      const problems = [wholeFile(s.file, error.rule, error.message)];
      return { parts: [], problems, encoding: s.encoding ?? 'utf-8', ...quiet() };
    }
  },
  async json(s) {
    const read =
      s.recordPath !== undefined || s.mapping !== undefined
        ? readJsonRecords(s.path, s.file, s.workDir, s.encoding, s.recordPath)
        : readJson(s.path, s.file, s.workDir, s.encoding);
    return { ...quiet(), ...read };
  },
  async xlsx(s) {
    const sheets = [...(s.sheet !== undefined ? [s.sheet] : []), ...(s.sheets ?? [])];
    const read = await readXlsx(s.path, s.baseName, s.workDir, sheets, undefined, s.table);
    return { ...quiet(), ...read, encoding: 'xlsx' };
  },
  async xls(s) {
    const message = {
      en: 'an Excel 97–2003 workbook (.xls) cannot be read: save it as .xlsx or CSV',
      vi: 'Không đọc được tệp Excel 97–2003 (.xls): lưu lại thành .xlsx hoặc CSV',
    };
    return {
      parts: [],
      problems: [wholeFile(s.file, 'format', message)],
      encoding: s.encoding ?? 'utf-8',
      ...quiet(),
    };
  },
};

/** By the name's extension, or by the bytes when they are a zip (xlsx) or an OLE file (xls). */
export function formatOf(path: string, name: string): Format {
  const ext = extname(name).toLowerCase() || extname(path).toLowerCase();
  const fd = openSync(path, 'r');
  const magic = Buffer.alloc(4);
  try {
    readSync(fd, magic, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (ext === '.xlsx' || ext === '.xlsm' || magic.equals(Buffer.from('PK\x03\x04', 'latin1')))
    return 'xlsx';
  if (ext === '.xls' || magic.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) return 'xls';
  return ext === '.json' ? 'json' : 'csv';
}

/** The name problems carry: one sheet of a workbook is named with the workbook. */
export const problemFile = (format: Format, baseName: string, sheet?: string) =>
  format === 'xlsx' && sheet ? `${baseName}[${sheet}]` : baseName;

export const readParts = (source: Source): Promise<Parts> => READERS[source.format](source);
