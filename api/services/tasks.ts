// Plan tasks with their deadlines and recorded statuses read against a date: which are overdue,
// overdue by lead agency — one agency once, whichever way a plan spells it
// (indicators/catalogue/agencies.yaml) — and completion by lead agency and by group.
import type { Database } from '../../pipelines/db/connect.ts';
import type { Unit, UnitIndex } from '../../pipelines/normalize/units.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { planPlaces, plannerScope } from '../../indicators/work/scope.ts';
import { readHistory, type HistoryRow } from '../../indicators/work/history.ts';
import {
  completionRate,
  isOpen,
  isOverdue,
  statusOn,
  type Status,
} from '../../indicators/work/status.ts';
import { notFound } from '../errors.ts';
import type {
  HistoryEntry,
  ListedTask,
  TaskDetailResponse,
  TaskRow,
  TasksQuery,
  TasksResponse,
} from '../schemas/tasks.ts';
import { countBy, filters, requirePlan, today } from './common.ts';

/** The `tasks` view's columns with the lead units as a list (core.tasks) and their agencies. */
export const TASK_COLUMNS = `
  t.plan_id, t.seq, t.number, t.group_name, t.title, t.lead, c.lead leads,
  coalesce((select list(a.agency_id order by a.position) from core.task_agencies a
            where a.plan_id = t.plan_id and a.seq = t.seq and a.role = 'lead'), []) lead_agency_ids,
  t.partners,
  t.deadline_text, t.deadline_kind, t.deadline_qualifiers, strftime(t.due_on, '%Y-%m-%d') due_on,
  [strftime(m, '%Y-%m-%d') for m in t.milestones] milestones, t.product, t.clause, t.status,
  strftime(t.status_as_of, '%Y-%m-%d') status_as_of`;
export const TASKS_FROM = 'tasks t join core.tasks c using (plan_id, seq)';

/** A kept change as the API shows it. */
export const entryOf = (h: HistoryRow): HistoryEntry => ({
  status: h.status,
  as_of: h.as_of,
  note: h.note,
  evidence_url: h.evidence_url,
  recorded_by: h.recorded_by,
  recorded_at: h.recorded_at,
  entry_id: h.entry_id,
  source: h.source,
});

/** Changes by item (`plan_id seq`), oldest first; detached changes are left out. */
export function byItem(rows: readonly HistoryRow[]): Map<string, HistoryRow[]> {
  const out = new Map<string, HistoryRow[]>();
  for (const h of rows) {
    if (h.seq === null) continue;
    const key = `${h.plan_id} ${h.seq}`;
    out.set(key, [...(out.get(key) ?? []), h]);
  }
  return out;
}

/**
 * Rows as they stood on `asOf`: the view holds the current status; a day before today reads the
 * status in force then (a task done in March was open in January). Overdue follows that status.
 */
export function readAt<
  R extends {
    plan_id: string;
    seq: number;
    due_on: string | null;
    status: string;
    status_as_of: string | null;
  },
>(
  rows: readonly R[],
  history: Map<string, HistoryRow[]> | null,
  asOf: string,
  withHistory: boolean,
): Array<R & { overdue: boolean; history?: HistoryEntry[] }> {
  const now = today();
  return rows.map((r) => {
    const changes = history?.get(`${r.plan_id} ${r.seq}`) ?? [];
    let { status, status_as_of } = r;
    if (asOf < now) {
      const then = statusOn(changes, asOf);
      status = (then?.status ?? 'planned') as R['status'];
      status_as_of = then?.as_of ?? null;
    }
    return {
      ...r,
      status,
      status_as_of,
      overdue: isOverdue(r.due_on, status, asOf),
      ...(withHistory ? { history: changes.map(entryOf) } : {}),
    };
  });
}

type Summary = TasksResponse['summary'];
type Completion = Omit<Summary['completion_by_group'][number], 'plan_id' | 'group_name'>;

const emptyCompletion = (): Completion => ({
  total: 0,
  done: 0,
  in_progress: 0,
  cancelled: 0,
  overdue: 0,
  rate: null,
});

function count(c: Completion, task: ListedTask): void {
  c.total += 1;
  if (task.status === 'done') c.done += 1;
  if (task.status === 'in_progress') c.in_progress += 1;
  if (task.status === 'cancelled') c.cancelled += 1;
  if (task.overdue) c.overdue += 1;
  c.rate = completionRate(c);
}

/** A task's leads as counted: by agency where the name maps to one, else by the name as printed. */
function leadsOf(task: ListedTask): Array<{ key: string; name: string; agency: string | null }> {
  const named = task.leads.length
    ? task.leads.map((name, i) => ({ name, agency: task.lead_agency_ids[i] ?? null }))
    : [{ name: '', agency: null }];
  const seen = new Set<string>();
  // a task counts once for an agency it names twice
  return named
    .map((n) => ({ ...n, key: n.agency === null ? `name:${n.name}` : `agency:${n.agency}` }))
    .filter((n) => !seen.has(n.key) && seen.add(n.key));
}

function summarise(all: ListedTask[], agencyNames: Map<string, string>): Summary {
  type Lead = Summary['overdue_by_lead'][number];
  const overdueLeads = new Map<string, Lead>();
  type Done = Summary['completion_by_lead'][number];
  const doneLeads = new Map<string, Done>();
  const groups = new Map<string, Summary['completion_by_group'][number]>();
  const leadName = (name: string, agency: string | null) =>
    agency === null ? name : (agencyNames.get(agency) ?? name);
  for (const task of all) {
    for (const { key, name, agency } of leadsOf(task)) {
      const done = doneLeads.get(key) ?? {
        lead: leadName(name, agency),
        agency_id: agency,
        ...emptyCompletion(),
      };
      count(done, task);
      doneLeads.set(key, done);
      if (!isOpen(task.status)) continue;
      const entry = overdueLeads.get(key) ?? {
        lead: leadName(name, agency),
        agency_id: agency,
        names: [],
        overdue: 0,
        open: 0,
      };
      if (name && !entry.names.includes(name)) entry.names.push(name);
      entry.open += 1;
      if (task.overdue) entry.overdue += 1;
      overdueLeads.set(key, entry);
    }
    const groupKey = `${task.plan_id}\u0000${task.group_name ?? ''}`;
    const group = groups.get(groupKey) ?? {
      plan_id: task.plan_id,
      group_name: task.group_name,
      ...emptyCompletion(),
    };
    count(group, task);
    groups.set(groupKey, group);
  }
  return {
    total: all.length,
    overdue: all.filter((r) => r.overdue).length,
    by_status: countBy(all, (r) => r.status),
    overdue_by_lead: [...overdueLeads.values()]
      .filter((l) => l.overdue > 0)
      .sort((a, b) => b.overdue - a.overdue || a.lead.localeCompare(b.lead, 'vi')),
    completion_by_lead: [...doneLeads.values()].sort(
      (a, b) => b.total - a.total || a.lead.localeCompare(b.lead, 'vi'),
    ),
    completion_by_group: [...groups.values()],
  };
}

/**
 * The plans whose tasks and procedures count for a unit (issue 15.3): those issued by the unit, by
 * a unit it continues across the 2025 reform (merged or renamed into it) or by a unit below either
 * — the planner's scope (indicators/work/scope.ts), so what a unit is counted for is what its
 * planners answer for. A plan whose unit is not in the database counts where its parent plan sits.
 * The overview, GET /api/tasks?unit=, GET /api/procedures?unit= and the quarterly pack use it.
 */
export async function plansInScope(
  db: Database,
  units: UnitIndex,
  unit: Unit,
): Promise<Set<string>> {
  const scope = await plannerScope(db, units, unit);
  const places = await planPlaces(db);
  return new Set([...places.values()].filter((p) => scope.covers(p)).map((p) => p.plan_id));
}

/** The `unit` parameter of a work list: a unit id, or a code read at `asOf`. */
export async function scopeOf(
  db: Database,
  units: UnitIndex,
  unitText: string | undefined,
  asOf: string,
): Promise<Set<string> | null> {
  return unitText ? plansInScope(db, units, findUnit(units, unitText, asOf)) : null;
}

export async function listTasks(
  db: Database,
  units: UnitIndex,
  params: TasksQuery,
): Promise<TasksResponse> {
  const asOf = params.as_of ?? today();
  if (params.plan) await requirePlan(db, params.plan);
  const scope = await scopeOf(db, units, params.unit, asOf);
  const { where, params: bound } = filters([
    params.plan ? ['t.plan_id = $plan', { plan: params.plan }] : null,
    // stored text is NFC; a caller's may be NFD
    params.group ? ['t.group_name = $group', { group: params.group.normalize('NFC') }] : null,
    params.lead
      ? ['contains(lower(t.lead), lower($lead))', { lead: params.lead.normalize('NFC') }]
      : null,
    // every spelling of one agency (agencies view)
    params.agency
      ? [
          `exists (select 1 from core.task_agencies a
                   where a.plan_id = t.plan_id and a.seq = t.seq and a.role = 'lead'
                     and a.agency_id = $agency)`,
          { agency: params.agency },
        ]
      : null,
  ]);
  const agencyNames = new Map(
    (
      await db.all<{ agency_id: string; name_vi: string }>(
        'select agency_id, name_vi from core.agencies',
      )
    ).map((a) => [a.agency_id, a.name_vi]),
  );
  const rows = (
    await db.all<TaskRow>(
      `select ${TASK_COLUMNS} from ${TASKS_FROM} ${where} order by t.plan_id, t.seq`,
      bound,
    )
  ).filter((r) => scope === null || scope.has(r.plan_id));
  const withHistory = params.history ?? false;
  const history =
    withHistory || asOf < today()
      ? byItem(await readHistory(db, 'task', { plan_id: params.plan }))
      : null;
  const all: ListedTask[] = readAt(rows, history, asOf, withHistory);
  const tasks = all
    .filter((r) => (!params.status || r.status === params.status) && (!params.overdue || r.overdue))
    .sort(
      (a, b) =>
        Number(b.overdue) - Number(a.overdue) ||
        (a.due_on ?? '9999').localeCompare(b.due_on ?? '9999') ||
        a.plan_id.localeCompare(b.plan_id) ||
        a.seq - b.seq,
    );
  return { as_of: asOf, tasks, summary: summarise(all, agencyNames) };
}

/** One task read against `asOf` (default today) with every recorded change; 404 if none. */
export async function taskDetail(
  db: Database,
  planId: string,
  seq: number,
  asOf = today(),
): Promise<TaskDetailResponse> {
  await requirePlan(db, planId);
  const rows = await db.all<TaskRow>(
    `select ${TASK_COLUMNS} from ${TASKS_FROM} where t.plan_id = $plan and t.seq = $seq`,
    { plan: planId, seq },
  );
  if (rows.length === 0) {
    throw notFound('UNKNOWN_TASK', `plan ${planId} has no task at seq ${seq}`);
  }
  const history = byItem(await readHistory(db, 'task', { plan_id: planId, seq }));
  const [task] = readAt(rows, history, asOf, true);
  return { as_of: asOf, task: { ...task, history: task.history ?? [] } };
}

export type { Status };
