// Evaluates every target on every unit it binds, as of each month, quarter and year from its
// window start on (DESIGN.md §3 target resolution and status). The maths is the pure
// evaluateTarget; this module finds the units, the series and the baseline, and stores rows. A
// target measured by metrics it declares is read on its own measure, whose id is the target's
// (core.measures); a target with no measure is kept and shown, not evaluated.
import type { Database } from '../../pipelines/db/connect.ts';
import { addMonths, monthEnd as lastDay } from '../../pipelines/normalize/calendar.ts';
import { evaluateTarget, type Comparator } from './status.ts';

interface TargetRow {
  target_id: string;
  indicator_id: string;
  comparator: Comparator;
  value: number;
  window_start: string;
  deadline: string;
  unit_code: string | null;
  level: string | null;
  plan_unit_id: string | null;
  plan_unit_code: string;
}

interface Bound {
  target_id: string;
  unit_id: string;
  valid_to: string | null;
}

interface Point {
  unit_id: string;
  indicator_id: string;
  period: string;
  month_end: string;
  actual: number;
}

/** How long after its deadline a target is still shown (with its final verdict). */
const AFTER_DEADLINE_MONTHS = 12;

/** Month ends by month: the same few hundred months recur across every series. */
const monthEnds = new Map<string, string>();
const monthEnd = (month: string): string => {
  let end = monthEnds.get(month);
  if (end === undefined) monthEnds.set(month, (end = lastDay(month)));
  return end;
};

/** The periods a target is evaluated at: months, and quarters and years ending in the range. */
function periodsBetween(
  from: string,
  to: string,
): Array<{ period: string; grain: string; asOf: string }> {
  const out: Array<{ period: string; grain: string; asOf: string }> = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) {
    const end = monthEnd(m);
    out.push({ period: m, grain: 'month', asOf: end });
    const month = Number(m.slice(5));
    if (month % 3 === 0)
      out.push({ period: `${m.slice(0, 4)}-Q${month / 3}`, grain: 'quarter', asOf: end });
    if (month === 12) out.push({ period: m.slice(0, 4), grain: 'year', asOf: end });
  }
  return out;
}

/** What computeTargets leaves in the connection's temp schema. */
export const TARGETS_SCRATCH = ['bound', 'target_rows'];

export async function computeTargets(db: Database): Promise<number> {
  const horizon = await db.scalar<string | null>(
    "select max(period) from core.actuals where grain = 'month'",
  );
  await db.run('delete from core.target_status');
  if (!horizon) return 0;
  const targets = await db.all<TargetRow>(`
    select t.target_id, coalesce(t.indicator_id, t.target_id) indicator_id, t.comparator, t.value,
           strftime(t.window_start, '%Y-%m-%d') window_start, strftime(t.deadline, '%Y-%m-%d') deadline,
           t.unit_code, t.level, p.unit_id plan_unit_id, p.unit_code plan_unit_code
    from core.targets t join core.plans p using (plan_id)
    where t.measure_kind <> 'none'`);
  // the units each target binds: its own unit (the code read at the window start, or the plan's
  // unit), or every unit of its level under the plan's unit that existed during the window
  const bound = await db.all<Bound>(`
    with recursive t as (
      select t.target_id, t.unit_code, t.level, t.window_start, t.deadline, p.unit_id plan_unit_id,
             p.unit_code plan_unit_code
      from core.targets t join core.plans p using (plan_id) where t.measure_kind <> 'none'
    ),
    under(target_id, unit_id, level, valid_from, valid_to) as (
      select t.target_id, u.unit_id, u.level, u.valid_from, u.valid_to
      from t join core.units u on u.parent_id = t.plan_unit_id where t.level is not null
      union all
      select d.target_id, u.unit_id, u.level, u.valid_from, u.valid_to
      from under d join core.units u on u.parent_id = d.unit_id
    )
    select t.target_id, u.unit_id, strftime(u.valid_to, '%Y-%m-%d') valid_to
    from t join core.units u
      on t.unit_code is not null
     and ((t.unit_code = t.plan_unit_code and u.unit_id = t.plan_unit_id)
       or (t.unit_code <> t.plan_unit_code and u.code = t.unit_code
           and (u.valid_from is null or u.valid_from <= t.window_start)
           and (u.valid_to is null or u.valid_to >= t.window_start)))
    union all
    select d.target_id, d.unit_id, strftime(d.valid_to, '%Y-%m-%d')
    from under d join t using (target_id)
    where d.level = t.level
      and (d.valid_from is null or d.valid_from <= t.deadline)
      and (d.valid_to is null or d.valid_to >= t.window_start)`);
  if (bound.length === 0) return 0;
  await db.run('create or replace temp table bound (target_id varchar, unit_id varchar)');
  const appender = await db.connection.createAppender('bound', 'main', 'temp');
  for (const b of bound) {
    appender.appendVarchar(b.target_id);
    appender.appendVarchar(b.unit_id);
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
  const points = await db.values<Point>(`
    select a.unit_id, a.indicator_id, a.period, a.actual
    from core.actuals a
    semi join (select distinct b.unit_id, coalesce(t.indicator_id, t.target_id) indicator_id
               from bound b join core.targets t using (target_id)) s
      on s.unit_id = a.unit_id and s.indicator_id = a.indicator_id
    where a.grain = 'month' and a.actual is not null
    order by a.period`);
  for (const p of points) p.month_end = monthEnd(p.period);
  const series = new Map<string, Point[]>();
  for (const p of points) {
    const key = `${p.unit_id}\u0000${p.indicator_id}`;
    const list = series.get(key) ?? [];
    list.push(p);
    series.set(key, list);
  }
  const byId = new Map(targets.map((t) => [t.target_id, t]));
  // staged with plain types (the appender does not cast), then cast into core.target_status
  const COLUMNS: Array<[string, 'varchar' | 'double' | 'boolean']> = [
    ['target_id', 'varchar'],
    ['indicator_id', 'varchar'],
    ['unit_id', 'varchar'],
    ['period', 'varchar'],
    ['grain', 'varchar'],
    ['as_of', 'varchar'],
    ['actual', 'double'],
    ['actual_on', 'varchar'],
    ['baseline', 'double'],
    ['target_value', 'double'],
    ['comparator', 'varchar'],
    ['deadline', 'varchar'],
    ['expected', 'double'],
    ['projected', 'double'],
    ['ratio', 'double'],
    ['status', 'varchar'],
    ['observations', 'double'],
    ['forecast_on', 'varchar'],
    ['not_before_deadline', 'boolean'],
    ['computed_at', 'varchar'],
  ];
  await db.run(
    `create or replace temp table target_rows (${COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})`,
  );
  const out = await db.connection.createAppender('target_rows', 'main', 'temp');
  const now = new Date().toISOString().replace('T', ' ').slice(0, 19);
  let rows = 0;
  for (const b of bound) {
    const t = byId.get(b.target_id) as TargetRow;
    const list = series.get(`${b.unit_id}\u0000${t.indicator_id}`) ?? [];
    const before = list.filter((p) => p.month_end <= t.window_start).at(-1);
    const inWindow = list.filter((p) => p.month_end > t.window_start);
    const last = [addMonths(t.deadline.slice(0, 7), AFTER_DEADLINE_MONTHS), horizon].sort()[0];
    for (const { period, grain, asOf } of periodsBetween(t.window_start.slice(0, 7), last)) {
      const r = evaluateTarget({
        comparator: t.comparator,
        target: t.value,
        windowStart: t.window_start,
        deadline: t.deadline,
        asOf,
        baseline: before?.actual ?? null,
        // the value at the window start is the first point of the series
        observations: [...(before ? [before] : []), ...inWindow].map((p) => ({
          on: p.month_end,
          value: p.actual,
        })),
        unitValidTo: b.valid_to,
      });
      const values: Array<string | number | boolean | null> = [
        t.target_id,
        t.indicator_id,
        b.unit_id,
        period,
        grain,
        asOf,
        r.actual,
        r.actualOn,
        r.baseline,
        t.value,
        t.comparator,
        t.deadline,
        r.expected,
        r.projected,
        r.ratio,
        r.status,
        r.observations,
        r.forecastOn,
        r.notBeforeDeadline,
        now,
      ];
      for (const v of values) {
        if (v === null) out.appendNull();
        else if (typeof v === 'number') out.appendDouble(v);
        else if (typeof v === 'boolean') out.appendBoolean(v);
        else out.appendVarchar(v);
      }
      out.endRow();
      rows++;
    }
  }
  out.flushSync();
  out.closeSync();
  await db.run(`insert into core.target_status
    select * replace (as_of::date as as_of, actual_on::date as actual_on, deadline::date as deadline,
      observations::integer as observations, forecast_on::date as forecast_on,
      computed_at::timestamp as computed_at)
    from target_rows`);
  return rows;
}
