// The one way figures are written: core.observation_facts holds them by integer keys, and the
// units, periods and metrics they name get their keys here, appended as new ones arrive
// (migration 006). Callers run these inside the batch's transaction, so keys and figures commit
// or roll back together.
import type { Database, Params } from '../db/connect.ts';

/** The columns of a revision as text, in the order of the `core.observation_revisions` view. */
export const REVISION_COLUMNS = [
  'unit_id',
  'unit_code',
  'period',
  'metric',
  'value',
  'revision',
  'batch_id',
  'loaded_at',
  'reported_at',
  'note',
  'line',
  'sheet',
] as const;

/** The next keys of a key table, in the order of `by`. */
const next = (table: string, key: string, by: string) =>
  `coalesce((select max(${key}) from core.${table}), 0) + row_number() over (order by ${by})`;

/**
 * Gives a key to every unit (`unit_id`, `unit_code`), period and metric that the given selects
 * name and that has none yet. Each select yields those columns; an empty string skips the kind.
 */
export async function ensureKeys(
  db: Database,
  from: { units?: string; periods?: string; metrics?: string },
): Promise<void> {
  if (from.units) {
    await db.run(`insert into core.unit_keys
      select ${next('unit_keys', 'unit_key', 'unit_id')}, unit_id, unit_code
      from (select unit_id, any_value(unit_code) as unit_code from (${from.units})
            where unit_id not in (select unit_id from core.unit_keys)
            group by unit_id)`);
  }
  if (from.periods) {
    await db.run(`insert into core.period_keys
      select ${next('period_keys', 'period_key', 'period')}, period
      from (select distinct period from (${from.periods})
            where period not in (select period from core.period_keys))`);
  }
  if (from.metrics) {
    await db.run(`insert into core.metric_keys
      select ${next('metric_keys', 'metric_key', 'metric')}, metric
      from (select distinct metric from (${from.metrics})
            where metric not in (select metric from core.metric_keys))`);
  }
}

/** Whether any figure is stored for the periods `periods` (a select of `period`) names. */
export async function anyStored(db: Database, periods: string): Promise<boolean> {
  const n = await db.scalar<bigint>(
    `select count(*) from (select 1 from core.observation_facts where period_key in (
       select period_key from core.period_keys where period in (${periods})) limit 1)`,
  );
  return Number(n) > 0;
}

/** The temp table appendRevisions stages its rows in (its caller drops it after a failure). */
export const STAGED_REVISIONS = 'to_store';

/**
 * Appends revisions given as text: `select` yields the columns of REVISION_COLUMNS in that order
 * (names do not matter). Returns how many rows were written.
 */
export async function appendRevisions(
  db: Database,
  select: string,
  params?: Params,
): Promise<number> {
  await db.run(
    `create or replace temp table ${STAGED_REVISIONS} as
     select * from (${select}) as s(${REVISION_COLUMNS.join(', ')})`,
    params,
  );
  await ensureKeys(db, {
    units: `select unit_id, unit_code from ${STAGED_REVISIONS}`,
    periods: `select period from ${STAGED_REVISIONS}`,
    metrics: `select metric from ${STAGED_REVISIONS}`,
  });
  const written = Number(
    await db.scalar<bigint>(`insert into core.observation_facts
      select u.unit_key, p.period_key, m.metric_key, s.value, s.revision, s.batch_id,
        s.loaded_at, s.reported_at, s.note, s.line, s.sheet
      from ${STAGED_REVISIONS} s
      join core.unit_keys u on u.unit_id = s.unit_id
      join core.period_keys p on p.period = s.period
      join core.metric_keys m on m.metric = s.metric`),
  );
  // not in a finally: inside a failed transaction it would fail too, and hide the first error
  // (ingest drops it with its other work tables)
  await db.run(`drop table temp.${STAGED_REVISIONS}`);
  return written;
}
