// Plan tasks with their deadlines read against a date: which are overdue, and overdue by lead unit.
import type { Database } from '../../pipelines/db/connect.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';
import type { TaskRow, TasksQuery, TasksResponse } from '../schemas/tasks.ts';
import { countBy, filters, requirePlan, today } from './common.ts';

/** The `tasks` view's columns with the lead units as a list (core.tasks). */
export const TASK_COLUMNS = `
  t.plan_id, t.seq, t.number, t.group_name, t.title, t.lead, c.lead leads, t.partners,
  t.deadline_text, t.deadline_kind, t.deadline_qualifiers, strftime(t.due_on, '%Y-%m-%d') due_on,
  [strftime(m, '%Y-%m-%d') for m in t.milestones] milestones, t.product, t.clause, t.status`;
export const TASKS_FROM = 'tasks t join core.tasks c using (plan_id, seq)';

const OPEN = new Set(['planned', 'in_progress']);

export async function listTasks(
  db: Database,
  _units: UnitIndex,
  params: TasksQuery,
): Promise<TasksResponse> {
  const asOf = params.as_of ?? today();
  if (params.plan) await requirePlan(db, params.plan);
  const { where, params: bound } = filters([
    params.plan ? ['t.plan_id = $plan', { plan: params.plan }] : null,
    // stored text is NFC; a caller's may be NFD
    params.group ? ['t.group_name = $group', { group: params.group.normalize('NFC') }] : null,
    params.lead
      ? ['contains(lower(t.lead), lower($lead))', { lead: params.lead.normalize('NFC') }]
      : null,
  ]);
  const rows = await db.all<TaskRow>(
    `select ${TASK_COLUMNS} from ${TASKS_FROM} ${where} order by t.plan_id, t.seq`,
    bound,
  );
  const all = rows.map((r) => ({
    ...r,
    overdue: r.due_on !== null && r.due_on < asOf && OPEN.has(r.status),
  }));
  const overdue = all.filter((r) => r.overdue);
  const leads = new Map<string, { lead: string; overdue: number; open: number }>();
  for (const task of all.filter((r) => OPEN.has(r.status))) {
    for (const lead of task.leads.length ? task.leads : ['']) {
      const entry = leads.get(lead) ?? { lead, overdue: 0, open: 0 };
      entry.open += 1;
      if (task.overdue) entry.overdue += 1;
      leads.set(lead, entry);
    }
  }
  const tasks = all
    .filter((r) => (!params.status || r.status === params.status) && (!params.overdue || r.overdue))
    .sort(
      (a, b) =>
        Number(b.overdue) - Number(a.overdue) ||
        (a.due_on ?? '9999').localeCompare(b.due_on ?? '9999') ||
        a.plan_id.localeCompare(b.plan_id) ||
        a.seq - b.seq,
    );
  return {
    as_of: asOf,
    tasks,
    summary: {
      total: all.length,
      overdue: overdue.length,
      by_status: countBy(all, (r) => r.status),
      overdue_by_lead: [...leads.values()]
        .filter((l) => l.overdue > 0)
        .sort((a, b) => b.overdue - a.overdue || a.lead.localeCompare(b.lead, 'vi')),
    },
  };
}
