// Plans with what they contain (counts, and how many targets have a measure), and one plan whole:
// targets with their measure, source and confidence, tasks, procedures, notes, and its lineage up
// to QĐ 06 and down to the plans derived from it.
import type { Database } from '../../pipelines/db/connect.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';
import type { PlanResponse, PlanRow, PlansResponse } from '../schemas/plans.ts';
import { requirePlan } from './common.ts';
import { TASK_COLUMNS, TASKS_FROM } from './tasks.ts';
import { PROCEDURE_COLUMNS } from './procedures.ts';

// grain: one row per plan, with the number of each thing it contains
const PLANS = `
  select p.plan_id, p.unit_code, p.document_no, p.title, strftime(p.issued_on, '%Y-%m-%d') issued_on, p.version,
         p.parent_plan_id, p.report_due_day, p.unit_id, p.unit_name, p.issuer, p.stub, p.source,
         p.source_kind, coalesce(p.source_urls, []) source_urls,
         (select count(*) from targets x where x.plan_id = p.plan_id)::integer targets,
         (select count(*) from targets x where x.plan_id = p.plan_id and x.indicator_id is not null)::integer indicator_targets,
         (select count(*) from targets x where x.plan_id = p.plan_id and x.measure_kind <> 'none')::integer targets_measured,
         (select count(*) from targets x where x.plan_id = p.plan_id)::integer targets_total,
         (select count(*) from targets x where x.plan_id = p.plan_id and x.adopted_from is not null)::integer targets_adopted,
         (select count(*) from tasks x where x.plan_id = p.plan_id)::integer tasks,
         (select count(*) from procedures x where x.plan_id = p.plan_id)::integer procedures,
         (select count(*) from core.plan_notes x where x.plan_id = p.plan_id)::integer notes,
         (select count(*) from core.plan_notes x
          where x.plan_id = p.plan_id and x.kind = 'inconsistency')::integer inconsistencies
  from plans p`;

export async function listPlans(
  db: Database,
  _units?: UnitIndex,
  _params: Record<string, never> = {},
): Promise<PlansResponse> {
  return {
    plans: await db.all<PlanRow>(`${PLANS} order by p.issued_on nulls last, p.plan_id`),
  };
}

const link = (p: PlanRow) => ({
  plan_id: p.plan_id,
  document_no: p.document_no,
  title: p.title,
  unit_code: p.unit_code,
  unit_name: p.unit_name,
  issued_on: p.issued_on,
  stub: p.stub,
});

export async function planDetail(
  db: Database,
  _units: UnitIndex | undefined,
  params: { plan_id: string },
): Promise<PlanResponse> {
  await requirePlan(db, params.plan_id);
  const id = { id: params.plan_id };
  const all = (await listPlans(db)).plans;
  const byId = new Map(all.map((p) => [p.plan_id, p]));
  const plan = byId.get(params.plan_id) as PlanRow;
  const ancestors: PlanRow[] = [];
  const seen = new Set([plan.plan_id]);
  for (let p = plan.parent_plan_id ? byId.get(plan.parent_plan_id) : undefined; p;) {
    if (seen.has(p.plan_id)) break; // a cycle in the data must not hang the server
    seen.add(p.plan_id);
    ancestors.unshift(p);
    p = p.parent_plan_id ? byId.get(p.parent_plan_id) : undefined;
  }
  const [extra] = await db.all<
    Pick<PlanResponse['plan'], 'issued_on_text' | 'report_due_clause' | 'definition_file'>
  >(
    'select issued_on_text, report_due_clause, definition_file from core.plans where plan_id = $id',
    id,
  );
  return {
    plan: { ...plan, ...extra },
    parent: ancestors.length ? link(ancestors[ancestors.length - 1]) : null,
    ancestors: ancestors.map(link),
    children: all.filter((p) => p.parent_plan_id === plan.plan_id).map(link),
    targets: await db.all<PlanResponse['targets'][number]>(
      `select target_id, plan_id, indicator_id, unit_code, level, comparator, value,
              strftime(window_start, '%Y-%m-%d') window_start, strftime(deadline, '%Y-%m-%d') deadline,
              clause, measure, unit_of_measure, quote, measure_kind, numerator_metric,
              denominator_metric, adopted_from, coalesce(source_urls, []) source_urls, confidence
       from targets where plan_id = $id order by deadline, target_id`,
      id,
    ),
    tasks: await db.all<PlanResponse['tasks'][number]>(
      `select ${TASK_COLUMNS} from ${TASKS_FROM} where t.plan_id = $id order by t.seq`,
      id,
    ),
    procedures: await db.all<PlanResponse['procedures'][number]>(
      `select ${PROCEDURE_COLUMNS} from procedures where plan_id = $id order by seq`,
      id,
    ),
    notes: await db.all<PlanResponse['notes'][number]>(
      'select seq, kind, clause, text, text_vi from core.plan_notes where plan_id = $id order by seq',
      id,
    ),
  };
}
