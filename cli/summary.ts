// A plain-text summary of what the database holds, read back through the analyst views.
import type { Database } from '../pipelines/db/connect.ts';

export async function catalogueSummary(db: Database): Promise<string[]> {
  const units = await db.all<{ level: string; before: string; after: string }>(`
    select level,
      count(*) filter (where valid_from is null or valid_from < date '2025-07-01') as before,
      count(*) filter (where valid_to is null) as after
    from units group by level
    order by list_position(['national', 'province', 'district', 'commune'], level)`);
  const plans = await db.all<{
    plan_id: string;
    document_no: string | null;
    unit_name: string;
    unit_id: string | null;
    targets: string;
    tasks: string;
    procedures: string;
    report_due_day: number | null;
  }>(`
    select p.plan_id, p.document_no, p.unit_name, p.unit_id, p.report_due_day,
      (select count(*) from targets t where t.plan_id = p.plan_id) as targets,
      (select count(*) from tasks t where t.plan_id = p.plan_id) as tasks,
      (select count(*) from procedures t where t.plan_id = p.plan_id) as procedures
    from plans p order by p.issued_on nulls last, p.plan_id`);
  const counts = await db.all<{ metrics: string; indicators: string; observations: string }>(`
    select (select count(*) from metrics) as metrics, (select count(*) from indicators) as indicators,
           (select count(*) from observations) as observations`);
  const meta = Object.fromEntries(
    (await db.all<{ key: string; value: string }>('select key, value from core.meta')).map((m) => [
      m.key,
      m.value,
    ]),
  );
  const lines = [
    ...(meta.demo_data === 'synthetic'
      ? [
          'DỮ LIỆU MÔ PHỎNG — the figures in this database are synthetic demo data, not real reports',
        ]
      : []),
    ...(meta.data_as_of
      ? [`Data as of ${meta.data_as_of} (indicators computed ${meta.computed_at})`]
      : []),
    'Units (before 1/7/2025 → from 1/7/2025):',
  ];
  for (const u of units) lines.push(`  ${u.level.padEnd(9)} ${u.before.padStart(6)} → ${u.after}`);
  const c = counts[0];
  lines.push(
    `Catalogue: ${c.metrics} metrics, ${c.indicators} indicators; ${c.observations} observations`,
  );
  lines.push('Plans:');
  for (const p of plans) {
    lines.push(
      `  ${p.plan_id.padEnd(34)} ${(p.document_no ?? '(no number)').padEnd(14)} ${p.unit_name}` +
        `${p.unit_id ? '' : ' [unit not imported]'} — ${p.targets} targets, ${p.tasks} tasks, ` +
        `${p.procedures} procedures${p.report_due_day ? `, reports by day ${p.report_due_day}` : ''}`,
    );
  }
  return lines;
}
