// The fast path's end: its rows (numbers, in temp table `rows`) against what is stored, then the
// batch. A file of new periods (the usual monthly or national report) goes into the batch straight
// from the numbers, by key; a file that revises stored figures goes through appendRevisions.
import { anyApproval } from './approval.ts';
import { anyImpossibleDeclared } from './declared.ts';
import { discard, insertBatchRow, keep, writeBatch, type Tx } from './batch.ts';
import type { FastPlan, FastSource, FastTables } from './fast-source.ts';
import type { PathContext } from './general.ts';
import type { Capped, Counts, PathResult } from './report.ts';
import { anyStored, appendRevisions, ensureKeys } from './store.ts';

export async function writeFast(
  ctx: PathContext,
  t: FastTables,
  src: FastSource,
  plan: FastPlan,
  warnings: Capped,
): Promise<PathResult | null> {
  const { db, options } = ctx;
  // a declared date that cannot be (after today, before its period): the general path reports it
  if (src.has('reported_at') && (await anyImpossibleDeclared(db, t.rows, t.key))) return null;
  const { rowsRead, rowsMissing } = plan;
  const loadable = rowsRead - rowsMissing;
  const stored = await anyStored(db, `select period from ${t.key}`);
  let counts: Counts;
  let rows: (tx: Tx) => Promise<boolean>;
  const optional = (k: string) => (src.has(k) ? `f.${k}` : 'null');
  if (!stored) {
    // nothing stored for these periods: every figure is new
    counts = { rowsRead, rowsMissing, rowsNew: loadable, rowsRevised: 0, rowsUnchanged: 0 };
    rows = async (tx) => {
      // the keys of the file's units, periods and metrics, given to those that have none
      await ensureKeys(db, {
        units: `select unit_id, code as unit_code from ${t.key}`,
        periods: `select period from ${t.key}`,
        metrics: `select metric from ${t.ids}`,
      });
      await db.run(`create or replace temp table ${t.keyed} as
        select k.h, u.unit_key, p.period_key from ${t.key} k
        join core.unit_keys u on u.unit_id = k.unit_id
        join core.period_keys p on p.period = k.period`);
      await db.run(`create or replace temp table ${t.metricKeys} as
        select i.idx, m.metric_key from ${t.ids} i join core.metric_keys m using (metric)`);
      const inserted = await db.scalar<bigint>(
        `insert into core.observation_facts
         select k.unit_key, k.period_key, i.metric_key, f.x, 1, $id, current_timestamp,
           ${optional('reported_at')}, ${optional('note')}, f.rowid + 2, null
         from ${t.rows} f join ${t.keyed} k using (h) join ${t.metricKeys} i using (idx)
         where f.x is not null`,
        { id: tx.batchId },
      );
      // a row that found no key is a doubt: the general path reports it row by row
      return Number(inserted) === loadable;
    };
  } else {
    await db.run(`create or replace temp table ${t.cur} as
      select unit_id, period, metric, max(revision) as revision, arg_max(value, revision) as value
      from core.observation_revisions where period in (select distinct period from ${t.key})
      group by all`);
    const compared = `${t.rows} f join ${t.key} k using (h) join ${t.ids} i using (idx)
      left join ${t.cur} c on c.unit_id = k.unit_id and c.period = k.period and c.metric = i.metric`;
    const [kinds] = await db.values<{ new: bigint; unchanged: bigint }>(
      `select count(*) filter (where c.revision is null) as new,
         count(*) filter (where c.value = f.x) as unchanged
       from ${compared} where f.x is not null`,
    );
    const rowsNew = Number(kinds.new);
    const rowsUnchanged = Number(kinds.unchanged);
    counts = {
      rowsRead,
      rowsMissing,
      rowsNew,
      rowsRevised: loadable - rowsNew - rowsUnchanged,
      rowsUnchanged,
    };
    rows = async (tx) => {
      await appendRevisions(
        db,
        `select k.unit_id, k.code, k.period, i.metric, f.x, coalesce(c.revision, 0) + 1, $id,
           current_timestamp, ${optional('reported_at')}, ${optional('note')}, f.rowid + 2, null
         from ${compared} where f.x is not null and (c.revision is null or c.value <> f.x)`,
        { id: tx.batchId },
      );
      return true;
    };
  }
  // revisions under an approval are checked (and refused or flagged) by the general path
  if (counts.rowsRevised > 0 && (await anyApproval(db))) return null;
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
      if (!(await rows(tx))) return discard(null);
      const row = {
        ...ctx.meta,
        ...counts,
        sha256,
        warnings: warnings.count,
        loadedBy: options.loadedBy ?? 'cli',
      };
      await insertBatchRow(tx, row, t.findings, ctx.early);
      return keep(tx.batchId);
    },
    { bulk: true },
  );
  return batchId === null ? null : { status: 'loaded', batchId, warnings, ...counts };
}
