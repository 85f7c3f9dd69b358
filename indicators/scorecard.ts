// The scorecard of a unit for a period: every indicator's actual with each binding target and
// its status. One shape for the CLI (`chitieu status --json`) and the API (GET /api/scorecard).
import type { Database } from '../pipelines/db/connect.ts';
import { formatPeriod, parsePeriod, periodEnd } from '../pipelines/normalize/periods.ts';
import { UnitIndex, type Unit } from '../pipelines/normalize/units.ts';
import { allUnits } from '../pipelines/load/units.ts';

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

export class LookupError extends Error {
  constructor(
    readonly code: 'UNKNOWN_UNIT' | 'AMBIGUOUS_UNIT' | 'INVALID_PERIOD',
    message: string,
  ) {
    super(message);
  }
}

/** A period as given ("2024-Q3", "Quý III/2024", "2024-07") in canonical form, with its end. */
export function readPeriod(text: string): { period: string; end: string } {
  const p = parsePeriod(text);
  if (p === null || p.grain === 'day') {
    throw new LookupError('INVALID_PERIOD', `invalid period: ${text} (a month, quarter or year)`);
  }
  return { period: formatPeriod(p), end: periodEnd(p) };
}

/** A unit by id ("p91@2025-07-01"), by GSO code read at `date`, or "VN". */
export function findUnit(index: UnitIndex, text: string, date: string | null): Unit {
  const byId = index.get(text);
  if (byId) return byId;
  const found = index.byCodeAt(text, date);
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new LookupError(
      'AMBIGUOUS_UNIT',
      `code ${text} names ${found.length} units on ${date}: ${found.map((u) => u.unit_id).join(', ')}`,
    );
  }
  const then = index
    .byCodeAt(text, null)
    .map((u) => `${u.unit_id} (${u.valid_from ?? '…'} – ${u.valid_to ?? 'now'})`);
  throw new LookupError(
    'UNKNOWN_UNIT',
    `no unit has code or id ${text}${date ? ` on ${date}` : ''}${then.length ? `; it named ${then.join(', ')}` : ''}`,
  );
}

export async function scorecard(
  db: Database,
  unitText: string,
  periodText: string,
  index?: UnitIndex,
): Promise<Scorecard> {
  const { period, end } = readPeriod(periodText);
  const unit = findUnit(index ?? new UnitIndex(await allUnits(db)), unitText, end);
  const rows = await db.values<Omit<ScorecardRow, 'targets'>>(
    `select i.indicator_id, i.name_vi, i.name_en, i.unit, a.actual, a.numerator, a.denominator,
            a.coverage, a.source, coalesce(a.reconstructed, false) reconstructed
     from core.indicators i
     left join core.actuals a on a.indicator_id = i.indicator_id and a.unit_id = $u and a.period = $p
     order by i.indicator_id`,
    { u: unit.unit_id, p: period },
  );
  const targets = await db.values<ScorecardTarget & { indicator_id: string }>(
    `select s.indicator_id, s.target_id, s.target_value as value, s.comparator,
            strftime(s.deadline, '%Y-%m-%d') deadline, s.status, s.ratio, s.baseline, s.expected,
            s.projected, strftime(s.forecast_on, '%Y-%m-%d') forecast_on, t.plan_id, t.clause, t.measure
     from core.target_status s join core.targets t using (target_id)
     where s.unit_id = $u and s.period = $p
     order by s.deadline, s.target_id`,
    { u: unit.unit_id, p: period },
  );
  const dataAsOf = await db.scalar<string | undefined>(
    "select value from core.meta where key = 'data_as_of'",
  );
  const demo = await db.scalar<string | undefined>(
    "select value from core.meta where key = 'demo_data'",
  );
  return {
    unit: { unit_id: unit.unit_id, code: unit.code, name: unit.full_name, level: unit.level },
    period,
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
