// Procedures (Thủ tục): the plans' essential procedures (TTHC thiết yếu) as a checklist per plan —
// number, name, online level, lead, due date and status — with counts per status and online level.
import { listProcedures } from '../../api/services/procedures.ts';
import { listPlans } from '../../api/services/plans.ts';
import { proceduresQuery } from '../../api/schemas/procedures.ts';
import type { ListedProcedure } from '../../api/schemas/procedures.ts';
import { html, type Html } from '../render/html.ts';
import { layout, href, type PageContext } from '../layout.ts';
import type { Words } from '../i18n/index.ts';
import type { PageData } from './index.ts';
import { statusForms } from './status-form.ts';
import { langField, planLabel, planStatusWord, readQuery, selectField } from './common.ts';

/** A checkbox drawn, not a control: ☑ done, ☒ cancelled, ☐ anything still to do. */
const BOX: Record<string, string> = { done: '☑', cancelled: '☒' };

function levelWord(w: Words, level: string | null): string {
  return level === null || level === 'unknown'
    ? w.t('procedures_level_unknown')
    : w.t('procedures_level', { n: level });
}

function countsTable(caption: string, head: string, w: Words, rows: [string, number][]): Html {
  return html`<table class="compact">
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        <th scope="col">${head}</th>
        <th scope="col" class="num">${w.t('procedures_count_col')}</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        ([label, n]) =>
          html`<tr>
            <th scope="row">${label}</th>
            <td class="num">${w.int(n)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export async function render(ctx: PageContext, { db, units }: PageData): Promise<string> {
  const { w } = ctx;
  const query = readQuery(proceduresQuery, ctx, ['as_of']);
  // read against the page's today, as the tasks page is
  const data = await listProcedures(db, units, { ...query, as_of: ctx.today });
  const plans = (await listPlans(db)).plans;
  const planById = new Map(plans.map((p) => [p.plan_id, p]));
  const statuses = Object.keys(data.summary.by_status);

  const form = html`<form class="filters" method="get" action="/procedures">
    ${selectField(
      ctx,
      'plan',
      w.t('plan'),
      plans.filter((p) => p.procedures > 0).map((p) => ({ value: p.plan_id, label: planLabel(p) })),
      query.plan,
    )}
    ${selectField(
      ctx,
      'status',
      w.t('procedures_filter_status'),
      statuses.map((s) => ({ value: s, label: planStatusWord(w, s) })),
      query.status,
    )}
    ${langField(ctx)}
    <button type="submit">${w.t('show')}</button>
  </form>`;

  const levels = Object.entries(data.summary.by_online_level).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  const summary = html`<section aria-labelledby="summary">
    <h2 id="summary">${w.t('procedures_summary')}</h2>
    <div class="cards">
      <div class="card">
        <span class="big">${w.int(data.summary.total)}</span> ${w.t('procedures_total')}
      </div>
    </div>
    <div class="grid-2">
      ${countsTable(
        w.t('procedures_by_status'),
        w.t('status'),
        w,
        Object.entries(data.summary.by_status).map(([s, n]) => [planStatusWord(w, s), n]),
      )}
      ${countsTable(
        w.t('procedures_by_level'),
        w.t('online_level'),
        w,
        levels.map(([l, n]) => [levelWord(w, l), n]),
      )}
    </div>
  </section>`;

  const byPlan = new Map<string, ListedProcedure[]>();
  for (const p of data.procedures) byPlan.set(p.plan_id, [...(byPlan.get(p.plan_id) ?? []), p]);
  const statusForm = await statusForms(ctx, { db, units }, 'procedure');
  const checklists = [...byPlan].map(([planId, rows]) => {
    const plan = planById.get(planId);
    const id = `plan-${planId}`;
    return html`<section aria-labelledby="${id}">
      <h2 id="${id}">
        ${plan ? planLabel(plan) : planId}
        <span class="muted">(${w.t('procedures_count', { n: w.int(rows.length) })})</span>
      </h2>
      ${
        plan
          ? html`<p class="note">
              <a href="${href(ctx, `/plans/${plan.plan_id}`)}">${plan.title}</a>
            </p>`
          : ''
      }
      <table class="checklist" data-plan="${planId}">
        <thead>
          <tr>
            <th scope="col">${w.t('tasks_number')}</th>
            <th scope="col">${w.t('procedures_name')}</th>
            <th scope="col">${w.t('online_level')}</th>
            <th scope="col">${w.t('lead')}</th>
            <th scope="col">${w.t('tasks_due_on')}</th>
            <th scope="col">${w.t('status')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map((r) => {
            const overdue = r.overdue;
            return html`<tr>
              <td>${r.number}</td>
              <th scope="row">${r.name}</th>
              <td>${levelWord(w, r.online_level)}</td>
              <td>${r.lead ?? '—'}</td>
              <td>
                ${w.date(r.due_on)}
                ${r.deadline_text ? html`<br /><span class="muted">${r.deadline_text}</span>` : ''}
              </td>
              <td>
                <span class="check-state ${r.status}"
                  ><span aria-hidden="true">${BOX[r.status] ?? '☐'}</span>
                  ${planStatusWord(w, r.status)}</span
                >${
                  r.status_as_of
                    ? html` <span class="muted"
                        >${w.t('tasks_status_since', { date: w.date(r.status_as_of) })}</span
                      >`
                    : ''
                }${overdue ? html` <span class="muted">(${w.t('procedures_overdue')})</span>` : ''}${statusForm(r)}
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
      ${
        query.plan
          ? ''
          : html`<p>
              <a href="${href(ctx, '/procedures', { plan: planId, status: query.status })}"
                >${plan ? planLabel(plan) : planId} →</a
              >
            </p>`
      }
    </section>`;
  });

  const plan = query.plan ? planById.get(query.plan) : undefined;
  return layout(ctx, {
    title: plan ? `${w.t('procedures')} — ${planLabel(plan)}` : w.t('procedures'),
    page: 'procedures',
    body: html`${form} ${summary} ${checklists.length ? checklists : html`<p>${w.t('none')}</p>`}`,
  });
}
