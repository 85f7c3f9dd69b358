// The scorecard of indicators/scorecard.ts (the CLI's `status`), with each indicator's actual in
// the previous period of the same grain beside it.
import type { Database } from '../../pipelines/db/connect.ts';
import { inTurn, type Spread } from '../../pipelines/db/spread.ts';
import { formatPeriod, previousPeriod } from '../../pipelines/normalize/periods.ts';
import type { Unit } from '../../pipelines/normalize/units.ts';
import type { FigurePeriod } from '../../pipelines/normalize/lookup.ts';
import { scorecard } from '../../indicators/scorecard.ts';
import type { ScorecardResponse } from '../schemas/scorecard.ts';

export async function unitScorecard(
  db: Database,
  params: { unit: Unit; period: FigurePeriod },
  spread: Spread = inTurn,
): Promise<ScorecardResponse> {
  const before = previousPeriod(params.period);
  const previousPeriodText = before ? formatPeriod(before) : null;
  const [card, rows] = await spread(db, [
    (db) => scorecard(db, params.unit, params.period, spread),
    (db) =>
      previousPeriodText
        ? db.all<{ indicator_id: string; actual: number | null }>(
            'select indicator_id, actual from core.actuals where unit_id = $u and period = $p',
            { u: params.unit.unit_id, p: previousPeriodText },
          )
        : Promise.resolve([]),
  ]);
  const previous = new Map(rows.map((r) => [r.indicator_id, r.actual]));
  return {
    ...card,
    unit: { ...card.unit, level: card.unit.level as ScorecardResponse['unit']['level'] },
    previous_period: previousPeriodText,
    rows: card.rows.map((r) => ({
      ...r,
      source: r.source as ScorecardResponse['rows'][number]['source'],
      previous: previous.get(r.indicator_id) ?? null,
      targets: r.targets.map((t) => ({
        ...t,
        status: t.status as ScorecardResponse['rows'][number]['targets'][number]['status'],
        comparator: t.comparator as '>=' | '>' | '<=' | '<',
      })),
    })),
  };
}
