// The fast path's contract between its stages: the file as it reads it (FastSource), the temp
// tables it owns (FastTables), what reading decided (FastPlan), and the maps both of its ways of
// reading build the same way: each distinct (unit, name, period) as its unit and period.
import type { Database } from '../db/connect.ts';
import { classifyPeriods } from './classify.ts';
import { classifyUnits } from './classify-units.ts';
import { LONG_COLUMNS, type Plan } from './columns.ts';
import type { Reference } from './reference.ts';
import { fillTable } from './scratch.ts';
import { sqlString } from './sql.ts';
import { readerSql } from './stage.ts';

/** The fast path's temp tables, named by role; all dropped when the path ends. */
export interface FastTables {
  /** grain: one row per distinct (unit, name, period), number shape, or metric of the file */
  agg: string;
  /** the catalogue's unit codes, periods and metrics, as the single read's dictionaries */
  candidates: string;
  /** grain: one row per metric of the file, with its index (a bit in the checks' masks) */
  ids: string;
  periodMap: string;
  /** grain: one row per distinct (unit, name, period), as its unit when read by code */
  map: string;
  named: string;
  /** grain: one row per distinct (unit, name, period): its key `h`, unit and period */
  key: string;
  /** grain: one row per row of the file, in file order (line = rowid + 2), as numbers */
  rows: string;
  /** grain: one row per key: its metrics as bits and the values of the ratios' pairs */
  combos: string;
  /** grain: one row per broken pair: its key and the numerator less the denominator */
  broken: string;
  /** the same, with the numerator's row: its line, value and value as written */
  numerators: string;
  written: string;
  findings: string;
  cur: string;
  keyed: string;
  metricKeys: string;
  staged: string;
}

/** A clean long CSV as the fast path reads it: the reader, and its columns by role. */
export interface FastSource {
  plan: Plan;
  has: (key: string) => boolean;
  /** a column by role, as `l.role` (null when the file has none) */
  col: (key: string) => string;
  /** the period of a row */
  period: string;
  /** the file as written, its columns named by their role, as `l`; an error at a bad line */
  file: string;
}

/** The one part of a long CSV without line shifts, or null: other files go the general way. */
export function fastSource(plans: Plan[], period: string | undefined): FastSource | null {
  if (plans.length !== 1) return null;
  const plan = plans[0];
  const s = plan.sniffed;
  if (plan.layout !== 'long' || s.rowColumn || s.lineShifts.length > 0) return null;
  const has = (k: string) => plan.columns.has(k);
  const col = (k: string) => (has(k) ? `l.${k}` : 'null::varchar');
  const keys = LONG_COLUMNS.filter(has);
  const spec = s.header.map((_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ');
  const rowPeriod = has('period')
    ? period
      ? `coalesce(l.period, ${sqlString(period)})`
      : 'l.period'
    : sqlString(period ?? '');
  const file = `(select ${keys
    .map((k) => `c${(plan.columns.get(k) as number) + 1} as ${k}`)
    .join(', ')} from ${readerSql(s, spec)}) l`;
  return { plan, has, col, period: rowPeriod, file };
}

/** What reading decided: how many rows, and how the rows' numbers read back. */
export interface FastPlan {
  rowsRead: number;
  rowsMissing: number;
  /** the metrics a row's index `idx` counts in (a bit each in the checks' masks) */
  metricIds: string[];
  /** the metrics the file holds, by id */
  used: string[];
  /**
   * SQL: a figure as it was written, from its value `x` and its form `s` in `rows`, when the read
   * kept enough to write it back exactly (else the findings read the few values they quote from
   * the file again)
   */
  written?: (x: string, s: string) => string;
  /**
   * For a read that left its keys unmapped: maps the distinct keys `h` of table `keys` into
   * `periodMap` and `key` (false at a doubt); the checks' aggregate holds each key once
   */
  mapKeys?: (keys: string) => Promise<boolean>;
}

/** The distinct period texts, classified; false when one would be a problem. */
export async function mapPeriods(
  db: Database,
  t: FastTables,
  raws: Array<string | null>,
): Promise<boolean> {
  const periods = classifyPeriods(raws);
  if (periods.some((p) => p.problem !== null)) return false;
  await fillTable(
    db,
    t.periodMap,
    { raw: 'varchar', period: 'varchar', read_on: 'varchar' },
    periods.map((p) => ({ raw: p.raw, period: p.period, read_on: p.readOn })),
  );
  return true;
}

/**
 * Each distinct (unit, name, period) of `combos` (a select of h, unit_code, unit_name,
 * period_raw) as its unit, into `key`: a code alone is read at the period in SQL, names go through
 * the resolver. False when one names no unit (or several), when a unit is outside a reporter's
 * scope, or when one (unit, period) is written two ways.
 */
export async function mapUnits(
  db: Database,
  t: FastTables,
  combos: string,
  reference: Reference,
): Promise<boolean> {
  await db.run(`create or replace temp table ${t.map} as
    with c as (
      select c.h, c.unit_code, c.unit_name, p.period, p.read_on, p.read_on::date as day,
        case when c.unit_name is null then
          case when trim(c.unit_code) = 'vn' then 'VN' else trim(c.unit_code) end end as wanted
      from (${combos}) c join ${t.periodMap} p on p.raw is not distinct from c.period_raw),
    hit as (
      select c.h, u.unit_id, u.code from c join core.units u on u.code = c.wanted
      where (u.valid_from is null or u.valid_from <= c.day)
        and (u.valid_to is null or c.day <= u.valid_to))
    select c.h, c.unit_code, c.unit_name, c.period, c.read_on, hit.unit_id, hit.code,
      count(hit.unit_id) over (partition by c.h) as matches
    from c left join hit using (h)`);
  const unresolved = Number(
    await db.scalar<bigint>(
      `select count(*) from ${t.map} where unit_name is null and matches <> 1`,
    ),
  );
  if (unresolved > 0) return false;
  const named = await db.all<{
    h: string;
    unit_code: string | null;
    unit_name: string;
    read_on: string;
  }>(
    `select h::varchar as h, unit_code, unit_name, read_on from ${t.map}
     where unit_name is not null`,
  );
  const rules = named.length > 0 ? await reference.unitRules() : null;
  const units = rules
    ? classifyUnits(
        named.map((n) => ({ unitCode: n.unit_code, unitName: n.unit_name, readOn: n.read_on })),
        rules,
      )
    : [];
  if (units.some((u) => u.problem !== null || u.unitId === null)) return false;
  await fillTable(
    db,
    t.named,
    { h: 'varchar', unit_id: 'varchar', code: 'varchar' },
    units.map((u, i) => ({ h: named[i].h, unit_id: u.unitId, code: u.code })),
  );
  await db.run(`create or replace temp table ${t.key} as
    select h, unit_id, code, period from ${t.map} where unit_name is null
    union all
    select m.h, n.unit_id, n.code, m.period
    from ${t.map} m join ${t.named} n on n.h::ubigint = m.h where m.unit_name is not null`);
  const inScope = await reference.scope();
  if (inScope) {
    const ids = await db.all<{ unit_id: string }>(`select distinct unit_id from ${t.key}`);
    if (ids.some((u) => !inScope(u.unit_id))) return false;
  }
  // a key repeated across spellings: one (unit, period) written two ways goes the general way
  const [keyed] = await db.values<{ n: bigint; distinct: bigint }>(
    `select count(*) as n, count(distinct (unit_id, period)) as distinct from ${t.key}`,
  );
  return keyed.n === keyed.distinct;
}

/** The metrics the rows hold into `ids`, with the index they have in the rows. */
export async function mapMetrics(
  db: Database,
  t: FastTables,
  metrics: Array<{ idx: number; metric: string }>,
): Promise<void> {
  await fillTable(
    db,
    t.ids,
    { idx: 'varchar', metric: 'varchar' },
    metrics.map((m) => ({ idx: String(m.idx), metric: m.metric })),
  );
  await db.run(`create or replace temp table ${t.ids} as
    select idx::utinyint as idx, metric from ${t.ids}`);
}
