// Each figure of a checked file against the latest stored revision of its (unit, period,
// metric): new, unchanged, or a new revision of it. Loading the same figures again changes nothing.
import type { Database } from '../db/connect.ts';
import { anyStored } from './store.ts';

export interface Kinds {
  rowsNew: number;
  rowsRevised: number;
  rowsUnchanged: number;
}

/** Fills `revised` (grain: one row per figure of `typed`, with its kind and revision number). */
export async function compareRevisions(
  db: Database,
  t: { typed: string; revised: string },
): Promise<Kinds> {
  // a file of new periods (the usual monthly report) has nothing to compare with
  if (!(await anyStored(db, `select period from ${t.typed}`))) {
    await db.run(`create or replace temp table ${t.revised} as
      select part, line, unit_id, unit_code, period, metric, value, reported_at, note,
        'new' as kind, 1 as revision
      from ${t.typed}`);
  } else {
    await db.run(`create or replace temp table ${t.revised} as
      with keys as (select distinct unit_id, period, metric from ${t.typed}),
      cur as (
        select o.unit_id, o.period, o.metric, max(o.revision) as revision,
          arg_max(o.value, o.revision) as value
        from core.observation_revisions o semi join keys k using (unit_id, period, metric)
        group by all)
      select t.part, t.line, t.unit_id, t.unit_code, t.period, t.metric, t.value, t.reported_at,
        t.note,
        case when c.revision is null then 'new' when c.value = t.value then 'unchanged'
             else 'revised' end as kind,
        coalesce(c.revision, 0) + 1 as revision
      from ${t.typed} t left join cur c using (unit_id, period, metric)`);
  }
  const counts = await db.values<{ kind: string; n: bigint }>(
    `select kind, count(*) as n from ${t.revised} group by kind`,
  );
  const count = (k: string) => Number(counts.find((c) => c.kind === k)?.n ?? 0);
  return {
    rowsNew: count('new'),
    rowsRevised: count('revised'),
    rowsUnchanged: count('unchanged'),
  };
}
