// A unit's children ranked on one indicator in one period (direction-aware), each with its most
// relevant binding target; children without a figure stay in the list, last.
import type { Database } from '../../pipelines/db/connect.ts';
import { inTurn, type Spread } from '../../pipelines/db/spread.ts';
import { formatPeriod, periodEnd } from '../../pipelines/normalize/periods.ts';
import type { Unit } from '../../pipelines/normalize/units.ts';
import type { FigurePeriod } from '../../pipelines/normalize/lookup.ts';
import type { RankingResponse } from '../schemas/ranking.ts';
import { dataStamp, requireIndicator, unitRef } from './common.ts';

type Row = RankingResponse['rows'][number];
type Figure = RankingResponse['parent'];
type Target = NonNullable<Row['target']>;
type Nullable<T> = { [K in keyof T]: T[K] | null };

const FIGURE = `a.actual, a.numerator, a.denominator, a.coverage, a.source,
  coalesce(a.reconstructed, false) reconstructed`;

/** The parent whose children are ranked (a code read at the period's end) and the period. */
export interface RankingParams {
  unit: Unit;
  indicator: string;
  period: FigurePeriod;
}

export async function ranking(
  db: Database,
  params: RankingParams,
  spread: Spread = inTurn,
): Promise<RankingResponse> {
  const { unit } = params;
  const period = formatPeriod(params.period);
  const end = periodEnd(params.period);
  const indicator = await requireIndicator(db, params.indicator);
  const key = { u: unit.unit_id, i: indicator.indicator_id, p: period, d: end };
  // grain: one row per child of $u in existence on $d, with its figure and binding targets
  const [rows, [own], stamp] = await spread(db, [
    (db) =>
      db.all<Omit<Row, 'rank' | 'target'> & Nullable<Target>>(
        `with children as (
       select unit_id, code, full_name as name, level from core.units
       where parent_id = $u and (valid_from is null or valid_from <= $d::date)
         and (valid_to is null or valid_to >= $d::date)
     ),
     bound as (
       select s.unit_id, s.target_id, t.value, s.comparator, strftime(s.deadline, '%Y-%m-%d') deadline,
              s.status, s.ratio, t.plan_id, t.clause,
              count(*) over (partition by s.unit_id) n,
              row_number() over (
                partition by s.unit_id
                order by s.deadline >= $d::date desc,
                         case when s.deadline >= $d::date then s.deadline end asc,
                         s.deadline desc, s.target_id) pick
       from core.target_status s join core.targets t using (target_id)
       where s.indicator_id = $i and s.period = $p and s.unit_id in (select unit_id from children)
     )
     select c.unit_id, c.code, c.name, c.level, ${FIGURE},
            coalesce(b.n, 0)::integer targets,
            b.target_id, b.value, b.comparator, b.deadline, b.status, b.ratio, b.plan_id, b.clause
     from children c
     left join core.actuals a on a.unit_id = c.unit_id and a.indicator_id = $i and a.period = $p
     left join bound b on b.unit_id = c.unit_id and b.pick = 1`,
        key,
      ),
    (db) =>
      db.all<Figure>(
        `select ${FIGURE} from (select 1) left join core.actuals a
       on a.unit_id = $u and a.indicator_id = $i and a.period = $p`,
        { u: key.u, i: key.i, p: key.p },
      ),
    (db) => dataStamp(db),
  ]);
  const sign = indicator.direction === 'down' ? 1 : -1;
  rows.sort(
    (a, b) =>
      Number(a.actual === null) - Number(b.actual === null) ||
      sign * ((a.actual ?? 0) - (b.actual ?? 0)) ||
      a.code.localeCompare(b.code),
  );
  // competition ranking: equal figures share a rank (1, 2, 2, 4)
  const ranks = rows.map((r) =>
    r.actual === null ? null : rows.findIndex((x) => x.actual === r.actual) + 1,
  );
  return {
    unit: unitRef(unit),
    indicator_id: indicator.indicator_id,
    direction: indicator.direction,
    period,
    as_of: end,
    parent: own,
    rows: rows.map(
      ({ target_id, value, comparator, deadline, status, ratio, plan_id, clause, ...r }, i) => ({
        ...r,
        rank: ranks[i],
        target:
          target_id === null
            ? null
            : ({
                target_id,
                value,
                comparator,
                deadline,
                status,
                ratio,
                plan_id,
                clause,
              } as Target),
      }),
    ),
    ...stamp,
  };
}
