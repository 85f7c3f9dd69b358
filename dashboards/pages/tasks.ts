// Tasks (Nhiệm vụ): the plans' tasks read against today, overdue first — the deadline timeline,
// a summary with overdue tasks by lead agency (links that filter), and every task grouped by plan
// with its counts (a collapsed <details> per plan: the whole list was 48,760 px tall), optionally
// only the plans of one unit (plansInScope, the overview's and the pack's rule).
import { listTasks } from '../../api/services/tasks.ts';
import { listPlans } from '../../api/services/plans.ts';
import { tasksQuery } from '../../api/schemas/tasks.ts';
import {
  chartLabels,
  taskState,
  taskStyle,
  timelineChart,
  type TaskState,
} from '../charts/index.ts';
import { renderPlot } from '../render/plot.ts';
import { html, raw } from '../render/html.ts';
import { layout, href, type PageContext } from '../layout.ts';
import type { PageData } from './index.ts';
import { statusForms } from './status-form.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import {
  langField,
  planLabel,
  planStatusWord,
  readQuery,
  selectField,
  unitChoices,
} from './common.ts';

const STATUSES = ['planned', 'in_progress', 'done', 'cancelled'] as const;

export async function render(ctx: PageContext, { db, units }: PageData): Promise<string> {
  const { w } = ctx;
  const query = readQuery(tasksQuery, ctx, ['as_of']);
  const asOf = ctx.today;
  const plans = (await listPlans(db)).plans;
  const planById = new Map(plans.map((p) => [p.plan_id, p]));
  // the filters' choices: the groups and leads of the chosen plan (or of every plan)
  const base = await listTasks(db, units, { plan: query.plan, unit: query.unit, as_of: asOf });
  const filtered =
    query.group || query.lead || query.agency || query.status || query.overdue !== undefined;
  const unit = query.unit ? findUnit(units, query.unit, asOf) : null;
  const data = filtered ? await listTasks(db, units, { ...query, as_of: asOf }) : base;
  const labels = chartLabels(ctx.lang);

  const groups = [...new Set(base.tasks.map((t) => t.group_name).filter((g) => g !== null))];
  const leads = [...new Set(base.tasks.flatMap((t) => t.leads))].sort((a, b) =>
    a.localeCompare(b, 'vi'),
  );
  const form = html`<form class="filters" method="get" action="/tasks">
    ${selectField(
      ctx,
      'unit',
      w.t('unit'),
      unitChoices(ctx, units, null, null, unit),
      unit?.unit_id,
    )}
    ${selectField(
      ctx,
      'plan',
      w.t('tasks_filter_plan'),
      plans.filter((p) => p.tasks > 0).map((p) => ({ value: p.plan_id, label: planLabel(p) })),
      query.plan,
    )}
    ${selectField(
      ctx,
      'group',
      w.t('tasks_filter_group'),
      groups.map((g) => ({ value: g, label: g })),
      query.group,
    )}
    ${selectField(
      ctx,
      'lead',
      w.t('tasks_filter_lead'),
      leads.map((l) => ({ value: l, label: l })),
      query.lead,
    )}
    ${selectField(
      ctx,
      'status',
      w.t('tasks_filter_status'),
      STATUSES.map((s) => ({ value: s, label: planStatusWord(w, s) })),
      query.status,
    )}
    <label class="check"
      ><input type="checkbox" name="overdue" value="true" ${query.overdue ? raw('checked') : ''} />
      ${w.t('tasks_filter_overdue')}</label
    >
    ${langField(ctx)}
    <button type="submit">${w.t('show')}</button>
  </form>`;

  // the timeline: one row per plan when every plan is shown, else per (first) lead agency
  const byPlan = !query.plan;
  const lane = (t: (typeof data.tasks)[number]) =>
    byPlan
      ? (planById.get(t.plan_id)?.document_no ?? planById.get(t.plan_id)?.unit_name ?? '—')
      : (t.leads[0] ?? labels.unassigned);
  const timelineTitle = `${w.t('tasks_timeline')} (${w.t(byPlan ? 'tasks_timeline_by_plan' : 'tasks_timeline_by_lead')})`;
  const timeline = timelineChart(
    data.tasks.map((t) => ({ ...t, lead: lane(t) })),
    { lang: ctx.lang, today: asOf, title: timelineTitle },
  );
  const states = new Map<TaskState, number>();
  for (const t of data.tasks) states.set(taskState(t), (states.get(taskState(t)) ?? 0) + 1);
  const chart = renderPlot(timeline, {
    title: timelineTitle,
    description: [
      ...[...states].map(([s, n]) => {
        const style = taskStyle(s, labels);
        return `${style.icon} ${style.word}: ${w.int(n)}`;
      }),
      `${labels.today} ${w.date(asOf)}`,
    ].join('; '),
  });

  const keep = {
    unit: query.unit,
    plan: query.plan,
    group: query.group,
    status: query.status,
    agency: query.agency,
  };
  const summary = html`<section aria-labelledby="summary">
    <h2 id="summary">${w.t('tasks_summary')}</h2>
    <div class="cards">
      <div class="card">
        <span class="big">${w.int(data.summary.total)}</span> ${w.t('tasks_total')}
      </div>
      <div class="card off_track">
        <span class="big">${w.int(data.summary.overdue)}</span>
        <a href="${href(ctx, '/tasks', { ...keep, lead: query.lead, overdue: 'true' })}"
          >${w.t('tasks_overdue')}</a
        >
      </div>
    </div>
    <p class="note">${w.t('tasks_as_of', { date: w.date(asOf) })}</p>
    ${
      data.summary.overdue_by_lead.length === 0
        ? ''
        : html`<table class="compact" id="overdue-by-lead">
            <caption>
              ${w.t('overdue_by_lead')}
            </caption>
            <thead>
              <tr>
                <th scope="col">${w.t('lead')}</th>
                <th scope="col" class="num">${w.t('overdue')}</th>
                <th scope="col" class="num">${w.t('tasks_open')}</th>
              </tr>
            </thead>
            <tbody>
              ${data.summary.overdue_by_lead.map(
                (l) =>
                  html`<tr>
                    <th scope="row">
                      ${
                        l.lead
                          ? html`<a
                              href="${href(ctx, '/tasks', {
                                ...keep,
                                ...(l.agency_id
                                  ? { agency: l.agency_id }
                                  : { agency: null, lead: l.lead }),
                                overdue: 'true',
                              })}"
                              >${l.lead}</a
                            >`
                          : w.t('tasks_no_lead')
                      }
                    </th>
                    <td class="num">${w.int(l.overdue)}</td>
                    <td class="num">${w.int(l.open)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;

  const statusForm = await statusForms(ctx, { db, units }, 'task');
  // every task, grouped by plan (its number and unit) with its counts; a plan opens on its own
  // page or when it is the only one shown, else its group is collapsed
  const byPlanId = new Map<string, typeof data.tasks>();
  for (const t of data.tasks) byPlanId.set(t.plan_id, [...(byPlanId.get(t.plan_id) ?? []), t]);
  const header = html`<thead>
    <tr>
      <th scope="col">${w.t('tasks_number')}</th>
      <th scope="col">${w.t('group')}</th>
      <th scope="col">${w.t('tasks_task')}</th>
      <th scope="col">${w.t('lead')}</th>
      <th scope="col">${w.t('partners')}</th>
      <th scope="col">${w.t('tasks_deadline_text')}</th>
      <th scope="col">${w.t('tasks_due_on')}</th>
      <th scope="col">${w.t('tasks_progress')}</th>
    </tr>
  </thead>`;
  const row = (t: (typeof data.tasks)[number]) => {
    const style = taskStyle(taskState(t), labels);
    return html`<tr data-state="${style.id}">
      <td>${t.number}</td>
      <td>${t.group_name ?? '—'}</td>
      <td>${t.title}</td>
      <td>${t.lead || '—'}</td>
      <td>${t.partners || '—'}</td>
      <td>${t.deadline_text ?? '—'}</td>
      <td>${w.date(t.due_on)}</td>
      <td>
        <span class="task-state ${style.id}"
          ><span aria-hidden="true">${style.icon}</span> ${style.word}</span
        ><br /><span class="task-status" data-status="${t.status}"
          >${planStatusWord(w, t.status)}${
            t.status_as_of
              ? html` <span class="muted"
                  >(${w.t('tasks_status_since', { date: w.date(t.status_as_of) })})</span
                >`
              : ''
          }</span
        >${statusForm(t)}
      </td>
    </tr>`;
  };
  const table = html`<div id="tasks-table">
    <p class="note">
      ${w.t('tasks_shown', { n: w.int(data.tasks.length) })} —
      ${w.t('tasks_groups', { n: w.int(byPlanId.size) })}
    </p>
    ${[...byPlanId].map(([planId, tasks]) => {
      const p = planById.get(planId);
      const late = tasks.filter((t) => t.overdue).length;
      return html`<details
        class="plan-group"
        data-plan="${planId}"
        ${byPlanId.size === 1 ? raw('open') : ''}
      >
        <summary>
          <strong>${p ? planLabel(p) : w.t('plan')}</strong> —
          ${w.t('tasks_group_counts', { n: w.int(tasks.length), k: w.int(late) })} ·
          <a href="${href(ctx, '/tasks', { plan: planId })}">${w.t('tasks_only_plan')}</a>
        </summary>
        <table class="tasks-table">
          ${header}
          <tbody>
            ${tasks.map(row)}
          </tbody>
        </table>
      </details>`;
    })}
  </div>`;

  const plan = query.plan ? planById.get(query.plan) : undefined;
  return layout(ctx, {
    title: plan ? `${w.t('tasks_title')} — ${planLabel(plan)}` : w.t('tasks_title'),
    page: 'tasks',
    body: html`${form} ${summary}
      <section aria-labelledby="timeline">
        <h2 id="timeline">${timelineTitle}</h2>
        <figure aria-describedby="timeline-note">
          ${raw(chart)}
          <figcaption id="timeline-note" class="note">${w.t('tasks_table_note')}</figcaption>
        </figure>
      </section>
      <section aria-labelledby="list">
        <h2 id="list">${w.t('tasks_table')}</h2>
        ${table}
      </section>`,
  });
}
