// One indicator of one unit over time at a grain, with its binding targets, their expected paths
// and latest projections. A current unit's points before it existed come from its predecessors.
import type { Database } from '../../pipelines/db/connect.ts';
import { inTurn, type Spread } from '../../pipelines/db/spread.ts';
import type { Period } from '../../pipelines/normalize/periods.ts';
import type { Unit } from '../../pipelines/normalize/units.ts';
import type { SeriesResponse } from '../schemas/series.ts';
import { dataStamp, inRange, readRange, requireIndicator, unitRef } from './common.ts';

type Point = SeriesResponse['points'][number];
type Expected = { target_id: string; period: string; expected: number | null };
type Projection = SeriesResponse['projection'][number];

const byPeriodStart = (range: ReturnType<typeof readRange>) => (r: { period: string }) =>
  inRange(r.period, range);

/** What a series is of, resolved at the edge (a code is read at the end of `to`, else today). */
export interface SeriesParams {
  unit: Unit;
  indicator: string;
  grain?: SeriesResponse['grain'];
  from?: Period;
  to?: Period;
}

export async function series(
  db: Database,
  params: SeriesParams,
  spread: Spread = inTurn,
): Promise<SeriesResponse> {
  const { unit } = params;
  const grain = params.grain ?? 'month';
  const range = readRange(params.from, params.to);
  const indicator = await requireIndicator(db, params.indicator);
  const key = { u: unit.unit_id, i: indicator.indicator_id, g: grain };
  const keep = byPeriodStart(range);
  const [points, targets, expected, projection, stamp] = await spread(db, [
    async (db) =>
      (
        await db.all<Point>(
          `select period, actual, numerator, denominator, coverage, reconstructed, source
           from core.actuals where unit_id = $u and indicator_id = $i and grain = $g`,
          key,
        )
      ).filter(keep),
    (db) =>
      db.all<SeriesResponse['targets'][number]>(
        `select t.target_id, t.value, t.comparator, strftime(t.deadline, '%Y-%m-%d') deadline,
                strftime(t.window_start, '%Y-%m-%d') window_start, any_value(s.baseline) baseline,
                t.plan_id, t.clause, t.measure
         from core.target_status s join core.targets t using (target_id)
         where s.unit_id = $u and s.indicator_id = $i
         group by all order by deadline, t.target_id`,
        { u: unit.unit_id, i: indicator.indicator_id },
      ),
    async (db) =>
      (
        await db.all<Expected>(
          `select target_id, period, expected from core.target_status
           where unit_id = $u and indicator_id = $i and grain = $g order by as_of, target_id`,
          key,
        )
      ).filter(keep),
    (db) =>
      db.all<Projection>(
        `select target_id, period, strftime(as_of, '%Y-%m-%d') as_of, actual, projected,
                strftime(forecast_on, '%Y-%m-%d') forecast_on, ratio, status
         from core.target_status
         where unit_id = $u and indicator_id = $i and grain = $g
           and as_of <= $to::date
         qualify row_number() over (partition by target_id order by as_of desc) = 1
         order by target_id`,
        { ...key, to: range.to?.end ?? '9999-12-31' },
      ),
    (db) => dataStamp(db),
  ]);
  return {
    unit: { ...unitRef(unit), valid_from: unit.valid_from, valid_to: unit.valid_to },
    indicator_id: indicator.indicator_id,
    indicator: {
      name_vi: indicator.name_vi,
      name_en: indicator.name_en,
      unit: indicator.unit,
      direction: indicator.direction,
    },
    grain,
    points: sortByPeriod(points),
    targets,
    expected: targets.map((t) => ({
      target_id: t.target_id,
      points: expected
        .filter((e) => e.target_id === t.target_id)
        .map((e) => ({ period: e.period, expected: e.expected })),
    })),
    projection,
    ...stamp,
  };
}

/** Canonical periods of one grain sort as text ('2024-07' < '2024-10', '2024-Q3' < '2024-Q4'). */
const sortByPeriod = <T extends { period: string }>(rows: T[]): T[] =>
  rows.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));

/**
 * The last `last` points of every indicator of a unit at a grain, up to `to` (same rows as
 * series() returns): the overview's sparklines in one query instead of one series per indicator.
 */
export async function recentPoints(
  db: Database,
  unitId: string,
  grain: 'month' | 'quarter' | 'year',
  to: string,
  last: number,
): Promise<Map<string, Point[]>> {
  const rows = await db.all<Point & { indicator_id: string }>(
    `select indicator_id, period, actual, numerator, denominator, coverage, reconstructed, source
     from core.actuals where unit_id = $u and grain = $g and period <= $to
     qualify row_number() over (partition by indicator_id order by period desc) <= $n
     order by indicator_id, period`,
    { u: unitId, g: grain, to, n: last },
  );
  const out = new Map<string, Point[]>();
  for (const { indicator_id, ...point } of rows) {
    out.set(indicator_id, [...(out.get(indicator_id) ?? []), point]);
  }
  return out;
}
