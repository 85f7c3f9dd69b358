// The scorecard of a unit for a period: every indicator's actual with each binding target and
// its status. One shape for the CLI (`chitieu status --json`) and the API (GET /api/scorecard).
import type { Database } from '../pipelines/db/connect.ts';
import { inTurn, type Spread } from '../pipelines/db/spread.ts';
import { formatPeriod } from '../pipelines/normalize/periods.ts';
import type { Unit } from '../pipelines/normalize/units.ts';
import type { FigurePeriod } from '../pipelines/normalize/lookup.ts';

// api/plugins (auth, errors) import these from here; they live in pipelines/normalize/lookup.ts
export { findUnit, LookupError } from '../pipelines/normalize/lookup.ts';

export interface ScorecardTarget {
  target_id: string;
  value: number;
  comparator: string;
  deadline: string;
  status: string;
  ratio: number | null;
  baseline: number | null;
  expected: number | null;
  projected: number | null;
  forecast_on: string | null;
  plan_id: string;
  clause: string;
  measure: string;
}

export interface ScorecardRow {
  indicator_id: string;
  name_vi: string;
  name_en: string;
  unit: 'percent' | 'count';
  actual: number | null;
  numerator: number | null;
  denominator: number | null;
  coverage: number | null;
  source: string | null;
  reconstructed: boolean;
  targets: ScorecardTarget[];
}

export interface Scorecard {
  unit: { unit_id: string; code: string; name: string; level: string };
  period: string;
  rows: ScorecardRow[];
  data_as_of: string | null;
  /** true when the figures are the synthetic demo dataset */
  synthetic: boolean;
}

/**
 * The scorecard of a unit for a month, quarter or year, both resolved at the caller's edge
 * (pipelines/normalize/lookup.ts: readPeriod, then findUnit at the period's end).
 */
export async function scorecard(
  db: Database,
  unit: Unit,
  period: FigurePeriod,
  spread: Spread = inTurn,
): Promise<Scorecard> {
  const key = formatPeriod(period);
  const [rows, targets, meta] = await spread(db, [
    (db) =>
      db.values<Omit<ScorecardRow, 'targets'>>(
        `select i.indicator_id, i.name_vi, i.name_en, i.unit, a.actual, a.numerator, a.denominator,
                a.coverage, a.source, coalesce(a.reconstructed, false) reconstructed
         from core.indicators i
         left join core.actuals a on a.indicator_id = i.indicator_id and a.unit_id = $u and a.period = $p
         order by i.indicator_id`,
        { u: unit.unit_id, p: key },
      ),
    (db) =>
      db.values<ScorecardTarget & { indicator_id: string }>(
        `select s.indicator_id, s.target_id, s.target_value as value, s.comparator,
                strftime(s.deadline, '%Y-%m-%d') deadline, s.status, s.ratio, s.baseline, s.expected,
                s.projected, strftime(s.forecast_on, '%Y-%m-%d') forecast_on, t.plan_id, t.clause, t.measure
         from core.target_status s join core.targets t using (target_id)
         where s.unit_id = $u and s.period = $p
         order by s.deadline, s.target_id`,
        { u: unit.unit_id, p: key },
      ),
    (db) =>
      db.all<{ key: string; value: string }>(
        "select key, value from core.meta where key in ('data_as_of', 'demo_data')",
      ),
  ]);
  const dataAsOf = meta.find((m) => m.key === 'data_as_of')?.value;
  const demo = meta.find((m) => m.key === 'demo_data')?.value;
  return {
    unit: { unit_id: unit.unit_id, code: unit.code, name: unit.full_name, level: unit.level },
    period: key,
    rows: rows.map((r) => ({
      ...r,
      targets: targets
        .filter((t) => t.indicator_id === r.indicator_id)
        .map(({ indicator_id: _i, ...t }) => t),
    })),
    data_as_of: dataAsOf || null,
    synthetic: demo === 'synthetic',
  };
}
