// Ingest: a file of reported figures in, validated whole, loaded all-or-nothing as one batch.
// This module only wires the stages, each its own module with a typed contract:
//   formats (file → parts) → columns (parts → plans) → fast path (a clean long CSV: fast*.ts) or
//   general path (stage → classify → validate → findings → compare: general.ts) → batch (one
//   transaction: batch.ts) → IngestReport.
// Whatever happens, it answers with a report: a bad file is rejected row by row, and a failure
// that is not the file's (DuckDB out of memory, a full disk) is one line, with nothing loaded.
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Database } from '../db/connect.ts';
import { formatPeriod, parsePeriod } from '../normalize/periods.ts';
import { planColumns } from './columns.ts';
import { derivedChecks, statedPeriods } from './derived.ts';
import { periodConflict } from './form.ts';
import { fastPath } from './fast.ts';
import {
  formatOf,
  problemFile,
  readParts,
  type Format,
  type Parts,
  type Source,
} from './formats.ts';
import { generalPath } from './general.ts';
import { readChannel, readPartsInThread } from './read-thread.ts';
import { errorAt, type Problem } from './problems.ts';
import { loadReference } from './reference.ts';
import {
  capped,
  failure,
  NONE,
  type IngestOptions,
  type IngestReport,
  type IngestStage,
  type PathResult,
} from './report.ts';

export type { IngestOptions, IngestReport, IngestStage, Layout } from './report.ts';
export { ERROR_LIMIT } from './report.ts';

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const rejected = (problems: Problem[]): PathResult => ({
  status: 'rejected',
  rowsRead: 0,
  errors: capped(problems),
  warnings: NONE,
});

/** What a failure says it was doing, by the stage it happened in. */
const DOING: Record<IngestStage | 'opening', string> = {
  opening: 'reading the file',
  reading: 'reading the file',
  validating: 'validating',
  comparing: 'comparing with the stored figures',
  writing: 'writing the batch',
};

/**
 * Validates a file and, unless it is a dry run or anything is wrong, loads it as one batch in one
 * transaction. Never throws for bad input, nor for a failure while loading: the report says what
 * was wrong, row by row, or in one line.
 */
export async function ingestFile(
  db: Database,
  path: string,
  options: IngestOptions = {},
): Promise<IngestReport> {
  const started = performance.now();
  const baseName = options.fileName ?? basename(path);
  let format: Format;
  try {
    format = formatOf(path, baseName);
  } catch {
    format = 'csv'; // a file that cannot be opened: reading it says why, in the report
  }
  const file = problemFile(format, baseName, options.sheet);
  // the file's hash is read while DuckDB works (another core); it is awaited before it is needed
  const hashing = sha256(path);
  hashing.catch(() => undefined);
  const workDir = mkdtempSync(join(tmpdir(), 'chitieu-ingest-'));
  const report: IngestReport = {
    file,
    sha256: '',
    status: 'rejected',
    batchId: null,
    layout: format === 'json' ? 'json' : 'long',
    encoding: format === 'xlsx' ? 'xlsx' : (options.encoding ?? 'utf-8'),
    rowsRead: 0,
    rowsNew: 0,
    rowsRevised: 0,
    rowsUnchanged: 0,
    rowsMissing: 0,
    errors: [],
    warnings: [],
    errorCount: 0,
    warningCount: 0,
    seconds: 0,
  };
  let stage: IngestStage | 'opening' = 'opening';
  const onStage = (s: IngestStage) => {
    stage = s;
    options.onStage?.(s);
  };
  const source: Source = {
    path,
    baseName,
    file,
    format,
    workDir,
    encoding: options.encoding,
    sheet: options.sheet,
    sheets: options.sheets,
    table: { headerRow: options.headerRow, skipRows: options.skipRows },
    recordPath: options.recordPath,
    mapping: options.mapping,
  };
  try {
    fill(report, await run(db, source, { ...options, onStage }, hashing, report));
    if (report.status !== 'rejected' && report.rowsRead > 0 && !anyFigure(report)) {
      // an empty template: nothing loads, and the report says why rather than just "unchanged"
      report.warnings.unshift(noFigures(file));
      report.warningCount++;
    }
  } catch (error) {
    const problem = failure(file, error, DOING[stage], await memoryLimit(db));
    fill(report, { status: 'rejected', rowsRead: 0, errors: capped([problem]), warnings: NONE });
  } finally {
    report.sha256 = await hashing.catch(() => '');
    report.seconds = (performance.now() - started) / 1000;
    rmSync(workDir, { recursive: true, force: true });
  }
  return report;
}

const anyFigure = (r: IngestReport) => r.rowsNew + r.rowsRevised + r.rowsUnchanged > 0;

const noFigures = (file: string): Problem => ({
  file,
  row: null,
  column: null,
  value: null,
  rule: 'no_figures',
  message: 'every figure cell is blank: nothing to load (fill in the figures)',
  vi: 'Tệp không có số liệu nào: mọi ô số liệu đều trống, không có gì để tải (hãy điền số liệu)',
  severity: 'warning',
});

/** The report of a path's result. */
function fill(report: IngestReport, result: PathResult): void {
  report.status = result.status;
  report.warnings = result.warnings.first;
  report.warningCount = result.warnings.count;
  if (result.status === 'rejected') {
    report.rowsRead = result.rowsRead;
    report.errors = result.errors.first;
    report.errorCount = result.errors.count;
    return;
  }
  report.batchId = result.batchId;
  report.rowsRead = result.rowsRead;
  report.rowsMissing = result.rowsMissing;
  report.rowsNew = result.rowsNew;
  report.rowsRevised = result.rowsRevised;
  report.rowsUnchanged = result.rowsUnchanged;
}

/** The stages in order; the report's layout and encoding are filled in as they become known. */
async function run(
  db: Database,
  source: Source,
  options: IngestOptions,
  hashing: Promise<string>,
  report: IngestReport,
): Promise<PathResult> {
  if (options.period !== undefined && parsePeriod(options.period) === null) {
    const message = `unreadable --period "${options.period}"`;
    return rejected([errorAt(source.file, null, null, options.period, 'period', message)]);
  }
  const thread = options.readInThread === true;
  readChannel.publish({ phase: 'start', file: source.file, thread });
  let read: Parts;
  try {
    read = thread ? await readPartsInThread(source) : await readParts(source);
  } finally {
    readChannel.publish({ phase: 'end', file: source.file, thread });
  }
  report.encoding = read.encoding;
  report.notes = [...read.notes];
  if (read.problems.length > 0) return rejected(read.problems);

  const reference = await loadReference(db, options);
  // a JSON file of long records is read as such; an API export (--record-path, --mapping) is
  // planned like a sheet
  const json = source.format === 'json' && !source.recordPath && !source.mapping;
  const planned = read.parts.map((s, i) => planColumns(s, i, reference.metrics, options, json));
  const plans = planned.map((p) => p.plan);
  if (!json && plans.length > 0) report.layout = plans[0].layout;
  report.notes.push(...statedPeriods(plans));
  const headerProblems = planned.flatMap((p) => p.problems);
  if (headerProblems.length > 0) return rejected(headerProblems);
  // a period the title or a sheet's name states is used, and said; one that --period contradicts
  // (where the part has no period column) is an error naming both
  const given =
    options.period && formatPeriod(parsePeriod(options.period) ?? { grain: 'year', year: 0 });
  const conflicts = plans
    .filter((p) => given && !p.columns.has('period'))
    .map((p) => periodConflict(p.sniffed, given || ''))
    .filter((p): p is Problem => p !== null);
  if (conflicts.length > 0) return rejected(conflicts);
  const derived = await derivedChecks(plans, reference);
  report.notes.push(...derived.notes);
  const early = [...read.warnings, ...derived.warnings];

  options.onStage?.('reading');
  const ctx = {
    db,
    plans,
    reference,
    options,
    meta: { file: source.file, layout: report.layout, encoding: report.encoding },
    sha256: () => hashing,
    early,
  };
  const fast = options.fast === false ? null : await fastPath(ctx);
  const result = fast ?? (await generalPath(ctx));
  // what the file's context decided about its unit names (each once: both paths may classify)
  const said = new Set((report.notes ?? []).map((n) => n.message));
  for (const n of reference.notes) {
    if (said.has(n.message)) continue;
    said.add(n.message);
    report.notes = [...(report.notes ?? []), { file: source.file, rows: [], ...n }];
  }
  if (early.length === 0) return result;
  const warnings = capped(
    [...early, ...result.warnings.first],
    early.length + result.warnings.count,
  );
  return { ...result, warnings };
}

/** The memory limit DuckDB ran under, for a message about running out of it. */
async function memoryLimit(db: Database): Promise<string> {
  try {
    return String(await db.scalar(`select current_setting('memory_limit')`));
  } catch {
    return process.env.CHITIEU_MEMORY_LIMIT ?? '400MB';
  }
}
