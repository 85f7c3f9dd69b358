// The fast path's careful way, for a clean file the single read could not take (unit names,
// office spellings of periods, other number marks): read 1, one aggregate, gives the file's
// distinct (unit, name, period), number shapes and metrics, classified exactly as the general
// path classifies them; read 2 keeps each row as numbers (its key's hash, its metric's index and
// its figure), in file order so that a row's line is its rowid. Null at the first doubt.
import type { Database } from '../db/connect.ts';
import { castable, classifyMetrics, classifyShapes, marksOf } from './classify.ts';
import {
  mapMetrics,
  mapPeriods,
  mapUnits,
  type FastPlan,
  type FastSource,
  type FastTables,
} from './fast-source.ts';
import type { Reference } from './reference.ts';
import { oneOf, shapeSql, sqlList, sqlString } from './sql.ts';

/** Read 1: the distinct (unit, name, period) with their rows, number shapes and metrics. */
async function scanDistinct(db: Database, t: FastTables, src: FastSource): Promise<void> {
  const { col, has } = src;
  const badReported = `l.reported_at is not null and trim(l.reported_at) <> ''
       and try_cast(l.reported_at as timestamp) is null`;
  // a blank row (",,,") has no metric: the metrics below send it the general way
  await db.run(`create or replace temp table ${t.agg} as
    select grouping(unit_code) = 0 as is_combo, grouping(shape) = 0 as is_shape,
      unit_code, unit_name, period_raw, shape, metric, count(*) as n,
      ${has('reported_at') ? `count(*) filter (where ${badReported})` : '0'} as bad_reported
    from (select ${col('unit_code')} as unit_code, ${col('unit_name')} as unit_name,
            ${src.period} as period_raw, ${shapeSql('l.value')} as shape, l.metric,
            ${has('reported_at') ? 'l.reported_at' : 'null::varchar as reported_at'}
          from ${src.file}) l
    group by grouping sets ((unit_code, unit_name, period_raw), (shape), (metric))`);
}

/**
 * Reads the file twice (`reads` runs a statement that reads it: false when DuckDB refuses the
 * file) and fills `rows`, `ids`, `periodMap` and `key`; null when anything would be a problem, a
 * duplicate key, or outside a reporter's scope.
 */
export async function readDistinct(
  db: Database,
  t: FastTables,
  src: FastSource,
  reference: Reference,
  reads: (run: () => Promise<void>) => Promise<boolean>,
  declared?: '.' | ',',
): Promise<FastPlan | null> {
  if (!(await reads(() => scanDistinct(db, t, src)))) return null;
  const [scan] = await db.values<{ rows: bigint; n: bigint; h: bigint; bad: bigint }>(
    `select coalesce(sum(n), 0)::bigint as rows, count(*) as n,
       count(distinct hash(unit_code, unit_name, period_raw)) as h,
       coalesce(sum(bad_reported), 0)::bigint as bad
     from ${t.agg} where is_combo`,
  );
  const rowsRead = Number(scan.rows);
  if (rowsRead === 0 || scan.bad > 0n || scan.n !== scan.h) return null;

  // metrics: each distinct text once; a metric's index is its place among the file's metrics
  const raws = (
    await db.all<{ raw: string | null }>(
      `select metric as raw from ${t.agg} where not is_combo and not is_shape order by metric`,
    )
  ).map((r) => r.raw);
  const metrics = classifyMetrics(raws, reference.metrics);
  if (metrics.some((m) => m.problem !== null)) return null;
  const metricIds = [...new Set(metrics.map((m) => m.metric as string))].sort();
  if (metricIds.length === 0 || metricIds.length > 63) return null;
  await mapMetrics(
    db,
    t,
    metricIds.map((metric, idx) => ({ idx, metric })),
  );
  const metricIdx = `list_extract([${metrics
    .map((m) => metricIds.indexOf(m.metric as string))
    .join(', ')}]::utinyint[], list_position([${sqlList(raws as string[])}], l.metric))`;

  // number shapes: only whole, non-negative figures written with digits and marks, which read
  // by a cast once the thousands mark is dropped
  const shapeCounts = await db.values<{ shape: string; n: bigint }>(
    `select shape, sum(n)::bigint as n from ${t.agg} where is_shape group by all`,
  );
  const numbers = { thousands: declared };
  const { convention, shapes } = classifyShapes(
    shapeCounts.map((r) => r.shape),
    numbers,
  );
  if (!castable(shapes, convention, numbers)) return null;
  const missing = shapes.filter((c) => c.outcome === 'missing').map((c) => c.shape);
  const rowsMissing = shapeCounts
    .filter((r) => missing.includes(r.shape))
    .reduce((sum, r) => sum + Number(r.n), 0);
  const [thousands, decimal] = marksOf(convention);
  // the cast reads around blanks itself, and a decimal mark no shape holds needs no replace
  const bare = thousands ? `replace(l.value, ${sqlString(thousands)}, '')` : 'l.value';
  const marked = shapes.some((c) => c.outcome !== 'missing' && c.shape.includes(decimal));
  const value = decimal === '.' || !marked ? bare : `replace(${bare}, ${sqlString(decimal)}, '.')`;
  const given =
    missing.length === 0 ? 'true' : `not ${oneOf(`coalesce(trim(l.value), '')`, missing)}`;

  const periods = await db.all<{ raw: string | null }>(
    `select distinct period_raw as raw from ${t.agg} where is_combo`,
  );
  if (
    !(await mapPeriods(
      db,
      t,
      periods.map((p) => p.raw),
    ))
  )
    return null;
  const combos = `select hash(unit_code, unit_name, period_raw) as h, unit_code, unit_name,
      period_raw from ${t.agg} where is_combo`;
  if (!(await mapUnits(db, t, combos, reference))) return null;

  // read 2: every row as numbers, in file order (a value the shapes promised would read and
  // that does not fails the cast: the general path says which)
  const ok = await reads(() =>
    db.run(`create or replace temp table ${t.rows} as
      select hash(${src.col('unit_code')}, ${src.col('unit_name')}, ${src.period}) as h,
        ${metricIdx} as idx, case when ${given} then cast(${value} as double) end as x
        ${src.has('reported_at') ? ', try_cast(l.reported_at as timestamp) as reported_at' : ''}
        ${src.has('note') ? ', nfc_normalize(l.note) as note' : ''}
      from ${src.file}`),
  );
  if (!ok) return null;
  const rows = Number(await db.scalar<bigint>(`select count(*) from ${t.rows}`));
  if (rows !== rowsRead) return null;
  return { rowsRead, rowsMissing, metricIds, used: metricIds };
}
