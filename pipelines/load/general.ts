// The general path: any layout, any format, any problem. Every part is read into one long table
// of text, classified, checked row by row (every problem reported with its row), compared with
// what is stored, and written as one batch when nothing is wrong.
import type { Problem } from './problems.ts';
import type { Database } from '../db/connect.ts';
import { checkApprovals, recordFlags } from './approval.ts';
import { insertBatchRow, keep, writeBatch } from './batch.ts';
import type { Plan } from './columns.ts';
import { compareRevisions } from './compare.ts';
import { generalFindings, type FindingTables } from './findings.ts';
import type { Reference } from './reference.ts';
import { ERROR_LIMIT, type Capped, type IngestOptions, type PathResult, NONE } from './report.ts';
import { withScratch } from './scratch.ts';
import { createLong, stagePart } from './stage.ts';
import { appendRevisions, STAGED_REVISIONS } from './store.ts';
import { classifyRows, rowErrors } from './validate.ts';

/** What either path needs besides the file: where to write and what the batch is called. */
export interface PathContext {
  db: Database;
  plans: Plan[];
  reference: Reference;
  options: IngestOptions;
  /** the batch's row: its file, layout and encoding as the report gives them */
  meta: { file: string; layout: string; encoding: string };
  /** the file's SHA-256 (read while DuckDB works; awaited when a batch needs it) */
  sha256: () => Promise<string>;
  /** warnings reading found (total rows, derived columns): stored as findings with the batch */
  early?: readonly Problem[];
}

/** The general path's temp tables, all dropped when it ends. */
export interface GeneralTables extends FindingTables {
  revised: string;
  /** appendRevisions' own, left behind when the write fails */
  staged: string;
}

const TABLES: GeneralTables = {
  long: 'ingest_long',
  parts: 'ingest_parts',
  lineShifts: 'ingest_line_shifts',
  rejects: 'ingest_csv_rejects',
  rejectsScan: 'ingest_csv_rejects_scan',
  periodMap: 'ingest_period_map',
  metricMap: 'ingest_metric_map',
  shapeMap: 'ingest_shape_map',
  unitMap: 'ingest_unit_map',
  typed: 'ingest_typed',
  repeated: 'ingest_repeated',
  problems: 'ingest_problems',
  findings: 'ingest_findings',
  pairs: 'ingest_pairs',
  revised: 'ingest_revised',
  staged: STAGED_REVISIONS,
};

const merge = (a: Capped, b: Capped): Capped => ({
  first: [...a.first, ...b.first].slice(0, ERROR_LIMIT),
  count: a.count + b.count,
});

export function generalPath(ctx: PathContext): Promise<PathResult> {
  const { db, plans, options } = ctx;
  return withScratch(db, TABLES, async (t) => {
    await createLong(db, t, plans);
    let rowsRead = 0;
    let read = NONE;
    for (const plan of plans) {
      const staged = await stagePart(db, t, plan, plan.period ?? options.period);
      rowsRead += staged.rows;
      read = merge(read, staged.problems);
    }
    if (read.count > 0) return { status: 'rejected', rowsRead, errors: read, warnings: NONE };

    options.onStage?.('validating');
    const convention = await classifyRows(db, t, ctx.reference, { thousands: options.thousands });
    const errors = await rowErrors(db, t, plans, convention);
    if (errors.count > 0) return { status: 'rejected', rowsRead, errors, warnings: NONE };
    const { missing, warnings: found } = await generalFindings(db, t, plans, ctx.reference);

    options.onStage?.('comparing');
    const counts = { rowsRead, rowsMissing: missing, ...(await compareRevisions(db, t)) };
    // revisions of approved figures: refused (a reporter) or flagged (approval.ts)
    const policy = options.lockedRevisions ?? 'flag';
    const locked = await checkApprovals(db, t.revised, ctx.meta.file, policy);
    if (locked.errors.count > 0) {
      return { status: 'rejected', rowsRead, errors: locked.errors, warnings: found };
    }
    const warnings = merge(found, locked.warnings);
    if (options.dryRun) return { status: 'dry_run', batchId: null, warnings, ...counts };
    if (counts.rowsNew + counts.rowsRevised === 0) {
      return { status: 'unchanged', batchId: null, warnings, ...counts };
    }
    const sha256 = await ctx.sha256();
    const batchId = await writeBatch(
      db,
      sha256,
      async (tx) => {
        options.onStage?.('writing');
        await appendRevisions(
          db,
          `select r.unit_id, r.unit_code, r.period, r.metric, r.value, r.revision, $id,
             current_timestamp, r.reported_at, r.note, r.line, p.sheet
           from ${t.revised} r join ${t.parts} p on p.part::integer = r.part
           where r.kind <> 'unchanged'`,
          { id: tx.batchId },
        );
        const row = {
          ...ctx.meta,
          ...counts,
          sha256,
          warnings: warnings.count,
          loadedBy: options.loadedBy ?? 'cli',
        };
        await insertBatchRow(tx, row, t.findings, ctx.early);
        if (locked.warnings.count > 0) await recordFlags(tx, t.revised);
        return keep(tx.batchId);
      },
      { bulk: true },
    );
    return { status: 'loaded', batchId, warnings, ...counts };
  });
}
