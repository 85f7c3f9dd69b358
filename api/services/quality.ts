// Data-quality findings (warnings that loaded, rules the engine checks), filtered by unit
// subtree, period, severity and batch, with counts by rule.
import type { Database } from '../../pipelines/db/connect.ts';
import type { Unit } from '../../pipelines/normalize/units.ts';
import type { QualityQuery, QualityResponse } from '../schemas/quality.ts';
import { countBy, filters, inRange, readRange } from './common.ts';

type Finding = QualityResponse['findings'][number];

// the unit and every unit under it, at any date
const SUBTREE = `unit_id in (
  with recursive sub(unit_id) as (
    select $unit::varchar
    union all
    select u.unit_id from core.units u join sub on u.parent_id = sub.unit_id
  )
  select unit_id from sub)`;

/** The query with its unit resolved at the edge (a code is read at the period's end, else today). */
export type QualityParams = Omit<QualityQuery, 'unit'> & { unit?: Unit };

export async function qualityFindings(
  db: Database,
  params: QualityParams,
): Promise<QualityResponse> {
  const range = params.period ? readRange(params.period, params.period) : null;
  const unit = params.unit ?? null;
  const { where, params: bound } = filters([
    params.severity ? ['severity = $severity', { severity: params.severity }] : null,
    params.batch ? ['batch_id = $batch', { batch: params.batch }] : null,
    unit ? [SUBTREE, { unit: unit.unit_id }] : null,
  ]);
  const rows = (
    await db.all<Finding>(
      `select batch_id, unit_id, period, metric, rule, severity, message, value,
              line::double line, strftime(found_at, '%Y-%m-%d %H:%M:%S') found_at
       from quality_findings ${where}
       order by found_at desc, rule, unit_id, period, metric`,
      bound,
    )
  ).filter((f) => !range || (f.period !== null && inRange(f.period, range)));
  const rules = new Map<string, QualityResponse['by_rule'][number]>();
  for (const f of rows) {
    const entry = rules.get(f.rule) ?? { rule: f.rule, severity: f.severity, count: 0 };
    entry.count += 1;
    rules.set(f.rule, entry);
  }
  return {
    total: rows.length,
    findings: rows.slice(0, params.limit ?? 500),
    by_rule: [...rules.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule)),
    by_severity: countBy(rows, (f) => f.severity),
  };
}
