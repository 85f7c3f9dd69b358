// What the read services share: today's date, a unit's summary, catalogue look-ups that fail
// with a 404, period ranges, optional SQL filters (fixed fragments, bound values) and data meta.
import type { DuckDBValue } from '@duckdb/node-api';
import type { Database } from '../../pipelines/db/connect.ts';
import {
  formatPeriod,
  parsePeriod,
  periodEnd,
  periodStart,
  type Period,
} from '../../pipelines/normalize/periods.ts';
import type { Unit } from '../../pipelines/normalize/units.ts';
import { badRequest, notFound } from '../errors.ts';

/** Today in Vietnam (or CHITIEU_TODAY), as everything reads it: the calendar's. */
export { today } from '../../pipelines/normalize/calendar.ts';

export interface UnitRef {
  unit_id: string;
  code: string;
  name: string;
  level: Unit['level'];
}

/** The four fields every response names a unit by (name is the full name, as the scorecard's). */
export const unitRef = (u: Unit): UnitRef => ({
  unit_id: u.unit_id,
  code: u.code,
  name: u.full_name,
  level: u.level,
});

export interface IndicatorInfo {
  indicator_id: string;
  name_vi: string;
  name_en: string;
  unit: 'percent' | 'count';
  direction: 'up' | 'down';
  numerator: string;
  denominator: string | null;
}

/** The catalogue entry of an indicator id; 404 UNKNOWN_INDICATOR when there is none. */
export async function requireIndicator(db: Database, id: string): Promise<IndicatorInfo> {
  const [row] = await db.all<IndicatorInfo>(
    `select indicator_id, name_vi, name_en, unit, direction, numerator, denominator
     from indicators where indicator_id = $id`,
    { id },
  );
  if (!row) throw notFound('UNKNOWN_INDICATOR', `unknown indicator: ${id}`);
  return row;
}

/** Fails with 404 UNKNOWN_PLAN unless the plan id exists. */
export async function requirePlan(db: Database, id: string): Promise<void> {
  const n = await db.scalar<number>('select count(*)::integer from plans where plan_id = $id', {
    id,
  });
  if (!n) throw notFound('UNKNOWN_PLAN', `unknown plan: ${id}`);
}

export interface Span {
  period: string;
  start: string;
  end: string;
}

/** A period's canonical text with its first and last day. */
export const spanOf = (p: Period): Span => ({
  period: formatPeriod(p),
  start: periodStart(p),
  end: periodEnd(p),
});

/** `from` and `to` (either may be absent); 400 INVALID_PERIOD when from starts after to ends. */
export function readRange(
  from: Period | undefined,
  to: Period | undefined,
): { from: Span | null; to: Span | null } {
  const range = { from: from ? spanOf(from) : null, to: to ? spanOf(to) : null };
  if (range.from && range.to && range.from.start > range.to.end) {
    throw badRequest('INVALID_PERIOD', `from ${range.from.period} is after to ${range.to.period}`);
  }
  return range;
}

/** Does the canonical period `text` start within the range? Unreadable periods never do. */
export function inRange(text: string, range: { from: Span | null; to: Span | null }): boolean {
  const p = parsePeriod(text);
  if (!p) return false;
  const start = periodStart(p);
  return (!range.from || start >= range.from.start) && (!range.to || start <= range.to.end);
}

type Bound = Record<string, DuckDBValue>;
type Condition = [fragment: string, params: Bound];

/**
 * A where clause from optional conditions: each is a fixed SQL fragment with its bound values;
 * absent filters add nothing. Values never enter the SQL text.
 */
export function filters(conditions: Array<Condition | null | false | undefined>): {
  where: string;
  params: Bound;
} {
  const used = conditions.filter((c): c is Condition => !!c);
  return {
    where: used.length ? `where ${used.map(([f]) => `(${f})`).join(' and ')}` : '',
    params: Object.assign({}, ...used.map(([, p]) => p)) as Bound,
  };
}

export interface DataStamp {
  data_as_of: string | null;
  synthetic: boolean;
}

/** When the figures were last loaded and whether they are the synthetic demo. */
export async function dataStamp(db: Database): Promise<DataStamp> {
  const rows = await db.all<{ key: string; value: string }>(
    "select key, value from core.meta where key in ('data_as_of', 'demo_data')",
  );
  const meta = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  return { data_as_of: meta.data_as_of || null, synthetic: meta.demo_data === 'synthetic' };
}

/** Counts by key, keys in first-seen order. */
export function countBy<T>(rows: T[], key: (row: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) out[key(row)] = (out[key(row)] ?? 0) + 1;
  return out;
}
