// The indicator and metric catalogue, with how each indicator is computed and how many targets use it.
import type { Database } from '../../pipelines/db/connect.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';
import type { IndicatorsResponse } from '../schemas/indicators.ts';

type Row = Omit<IndicatorsResponse['indicators'][number], 'description'>;

export async function catalogue(
  db: Database,
  _units?: UnitIndex,
  _params: Record<string, never> = {},
): Promise<IndicatorsResponse> {
  const indicators = await db.all<Row>(
    `select i.indicator_id, i.name_vi, i.name_en, i.unit, i.direction, i.numerator, i.denominator,
            (select count(*) from targets t where t.indicator_id = i.indicator_id)::integer targets
     from indicators i order by i.indicator_id`,
  );
  const metrics = await db.all<IndicatorsResponse['metrics'][number]>(
    'select metric_id, name_vi, name_en, unit, kind from metrics order by metric_id',
  );
  return {
    indicators: indicators.map((i) => ({
      ...i,
      description: i.denominator
        ? `Σ${i.numerator} / Σ${i.denominator}${i.unit === 'percent' ? ' × 100' : ''}`
        : `Σ${i.numerator}`,
    })),
    metrics,
  };
}
