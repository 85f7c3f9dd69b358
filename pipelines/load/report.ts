// What an ingest is asked and what it answers: the options, the report, and the cap on the
// problems a report carries (every problem is counted; the first ERROR_LIMIT of each severity are
// kept, so that a file of millions of warnings answers in bounded memory).
import type { Encoding } from '../read/decode.ts';
import type { Problem } from './problems.ts';
import { asStorageError } from '../db/storage.ts';

/** header text → what the column holds: a metric id, or unit_name, unit_code, period, note, ignore */
export type ColumnMapping = Record<string, string>;

/** What reading the file did without refusing it: rows skipped, a period found, sheets left out. */
export interface Note {
  file: string;
  rule: string;
  /** the rows it is about (as the file numbers them), empty for the whole file */
  rows: number[];
  message: string;
  vi: string;
}

export type IngestStage = 'reading' | 'validating' | 'comparing' | 'writing';

export type Layout = 'long' | 'wide';

export interface IngestOptions {
  dryRun?: boolean;
  layout?: Layout;
  /** the period of every row of a wide file without a period column */
  period?: string;
  encoding?: Encoding;
  /** only this sheet of a workbook (default: every sheet) */
  sheet?: string;
  /** only these sheets of a workbook (with `sheet`, the union) */
  sheets?: string[];
  /** the (first) header row of a sheet or text file, 1-based, instead of finding it */
  headerRow?: number;
  /** rows (1-based, as the file numbers them) never read as data */
  skipRows?: number[];
  /** header text → metric id or unit_name, unit_code, period, note, ignore (`--mapping FILE`) */
  mapping?: ColumnMapping;
  /** where the records are in a nested JSON export, dotted: `data.items` */
  recordPath?: string;
  /**
   * the thousands mark of the file's figures (`--thousands`): it decides a lone group such as
   * "25.000", which is otherwise refused (pipelines/normalize/numbers.ts)
   */
  thousands?: '.' | ',';
  /** the level unit names are read at (`--level`), when the file's rows do not say it */
  level?: 'province' | 'district' | 'commune';
  /** the name to record (an upload's original file name) */
  fileName?: string;
  loadedBy?: string;
  /** when given, only rows for units under this unit may load (a reporter's scope) */
  scopeUnitId?: string;
  /**
   * the unit the file is about: unit names are looked for among it and the units under it, so a
   * district's file can name its communes without codes ("Xã Mỹ An" names many communes)
   */
  parentUnitId?: string;
  /**
   * a revision of a figure an approval covers (approval.ts): 'refuse' it (a reporter), or load
   * and 'flag' it (default: an admin, the CLI)
   */
  lockedRevisions?: 'refuse' | 'flag';
  /**
   * read the file on a worker thread (read-thread.ts), so that a large workbook does not hold the
   * event loop: the server's uploads; the CLI reads in-process
   */
  readInThread?: boolean;
  /** told as the pipeline moves on: reading, validating, comparing, writing (progress display) */
  onStage?: (stage: IngestStage) => void;
  /**
   * false: skip the fast path for clean long CSVs and check every row the general way (the
   * tests load every fixture both ways and compare what is stored)
   */
  fast?: boolean;
}

export interface IngestReport {
  file: string;
  sha256: string;
  status: 'loaded' | 'unchanged' | 'rejected' | 'dry_run';
  batchId: string | null;
  layout: Layout | 'json';
  encoding: Encoding | 'xlsx';
  /** data rows read (a wide row counts once, whatever its number of metric columns) */
  rowsRead: number;
  rowsNew: number;
  rowsRevised: number;
  rowsUnchanged: number;
  /** figures left blank or "-": missing, not zero, and not loaded */
  rowsMissing: number;
  errors: Problem[];
  warnings: Problem[];
  /** how many errors there were in all (errors[] keeps the first ERROR_LIMIT) */
  errorCount: number;
  /** how many warnings there were in all (warnings[] keeps the first ERROR_LIMIT) */
  warningCount: number;
  /** what reading skipped or decided (title block, total rows, a period from the title …) */
  notes?: Note[];
  seconds: number;
}

export const ERROR_LIMIT = 1000;

/** The first ERROR_LIMIT problems of one severity, and how many there were in all. */
export interface Capped {
  first: Problem[];
  count: number;
}

export const NONE: Capped = { first: [], count: 0 };

/** Every problem of a list, kept up to the limit. */
export const capped = (problems: Problem[], count = problems.length): Capped => ({
  first: problems.slice(0, ERROR_LIMIT),
  count,
});

/** The figures a path read and would write, as the report and the batch's row count them. */
export interface Counts {
  rowsRead: number;
  rowsMissing: number;
  rowsNew: number;
  rowsRevised: number;
  rowsUnchanged: number;
}

/** How a path (fast or general) ended: rejected, or counted and loaded (or not, and why). */
export type PathResult =
  | { status: 'rejected'; rowsRead: number; errors: Capped; warnings: Capped }
  | (Counts & {
      status: 'loaded' | 'unchanged' | 'dry_run';
      batchId: string | null;
      warnings: Capped;
    });

/**
 * A failure that is not the file's fault (DuckDB out of memory, a disk full, a bug): the report
 * says it in one line and nothing is loaded. `during` is the stage it happened in.
 */
export function failure(file: string, error: unknown, during: string, limit: string): Problem {
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();
  const storage = asStorageError(error, '');
  if (storage) {
    // the disk's fault, said in both languages (the route answers it as the server's, never 422)
    return {
      file,
      row: null,
      column: null,
      value: null,
      rule: 'storage_fault',
      message: `the server could not write while ${during}: ${first}; nothing was loaded`,
      vi: `máy chủ không ghi được dữ liệu: ${storage.vi.replace(/; chưa nạp gì$/, '')}; chưa nạp gì`,
      severity: 'error',
    };
  }
  const memory = /out of memory|failed to (pin|allocate)/i.test(first);
  const message = memory
    ? `DuckDB ran out of memory while ${during} (memory limit ${limit}; CHITIEU_MEMORY_LIMIT raises it): ${first}; nothing was loaded`
    : `the ingest failed while ${during}: ${first}; nothing was loaded`;
  return {
    file,
    row: null,
    column: null,
    value: null,
    rule: memory ? 'out_of_memory' : 'ingest_failed',
    message,
    severity: 'error',
  };
}
