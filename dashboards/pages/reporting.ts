// Reporting (Báo cáo định kỳ): the unit × month grid of who reported when — by default the unit's
// own duties and its children's over the 12 months up to the last full month before today — as a
// chart and as a table, with counts per status and the plans that set each due day.
import { reportingGrid } from '../../api/services/reporting.ts';
import { listPlans } from '../../api/services/plans.ts';
import { spanOf } from '../../api/services/common.ts';
import { reportingQuery } from '../../api/schemas/reporting.ts';
import { addMonths, lastFullMonth, monthOfDate } from '../../pipelines/normalize/calendar.ts';
import { monthPeriod } from '../../pipelines/normalize/periods.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import {
  chartLabels,
  REPORTING_STATUSES,
  reportingChart,
  reportingStyle,
  shortPeriod,
  type ReportingStatus,
} from '../charts/index.ts';
import { renderPlot } from '../render/plot.ts';
import { html, raw } from '../render/html.ts';
import { layout, href, type PageContext } from '../layout.ts';
import type { PageData } from './index.ts';
import { langField, planLabel, readQuery, unitChoices, visuallyHidden } from './common.ts';

/**
 * A month chooser whose words are the page's ("Tháng 7/2025"), whatever the browser's locale (a
 * native month input shows the operating system's format): every month from the scheme's start.
 */
function monthSelect(ctx: PageContext, name: string, current: string, last: string) {
  const months: string[] = [];
  const end = current > last ? current : last;
  for (let m = end; m >= '2022-01'; m = addMonths(m, -1)) months.push(m);
  return html`<select name="${name}">
    ${months.map(
      (m) =>
        html`<option value="${m}" ${m === current ? raw('selected') : ''}>
          ${ctx.w.period(m)}
        </option>`,
    )}
  </select>`;
}

export async function render(ctx: PageContext, { db, units }: PageData): Promise<string> {
  const { w } = ctx;
  const query = readQuery(reportingQuery, ctx);
  const labels = chartLabels(ctx.lang);
  // by default the 12 months up to the last full month (or up to the month `from` ends in)
  const asked = query.from ? spanOf(query.from) : null;
  const lastMonth = lastFullMonth(ctx.today);
  const to =
    query.to ??
    monthPeriod(asked && monthOfDate(asked.start) > lastMonth ? monthOfDate(asked.end) : lastMonth);
  const toSpan = spanOf(to);
  const from = query.from ?? monthPeriod(addMonths(monthOfDate(toSpan.end), -11));
  const fromSpan = spanOf(from);
  const fromStart = fromSpan.start;
  const unit = findUnit(units, query.unit, toSpan.end);
  const data = await reportingGrid(db, { unit, from, to });
  const plans = new Map((await listPlans(db)).plans.map((p) => [p.plan_id, p]));

  const form = html`<form class="filters" method="get" action="/reporting">
    <label
      >${w.t('reporting_filter_unit')}
      <select name="unit">
        ${unitChoices(ctx, units, fromStart, toSpan.end, unit).map(
          (c) =>
            html`<option value="${c.value}" ${c.value === data.unit.unit_id ? raw('selected') : ''}>
              ${c.label}
            </option>`,
        )}
      </select>
    </label>
    <label
      >${w.t('reporting_from')} ${monthSelect(ctx, 'from', fromStart.slice(0, 7), lastMonth)}
    </label>
    <label
      >${w.t('reporting_to')} ${monthSelect(ctx, 'to', toSpan.end.slice(0, 7), lastMonth)}
    </label>
    ${langField(ctx)}
    <button type="submit">${w.t('show')}</button>
  </form>`;

  const counts = REPORTING_STATUSES.map((s) => ({
    style: reportingStyle(s, labels),
    n: data.summary[s] ?? 0,
  }));
  const title = `${w.t('reporting_grid')} — ${data.unit.name}`;
  const chart = renderPlot(reportingChart(data, { lang: ctx.lang, title }), {
    title,
    description: counts.map((c) => `${c.style.icon} ${c.style.word}: ${w.int(c.n)}`).join('; '),
  });

  const summary = html`<section aria-labelledby="summary">
    <h2 id="summary">${w.t('reporting_summary')}</h2>
    <table class="compact" id="reporting-summary">
      <thead>
        <tr>
          <th scope="col">${w.t('status')}</th>
          <th scope="col" class="num">${w.t('quality_count')}</th>
        </tr>
      </thead>
      <tbody>
        ${counts.map(
          (c) =>
            html`<tr data-status="${c.style.id}">
              <th scope="row"><span aria-hidden="true">${c.style.icon}</span> ${c.style.word}</th>
              <td class="num">${w.int(c.n)}</td>
            </tr>`,
        )}
        <tr>
          <th scope="row">${w.t('reporting_total')}</th>
          <td class="num">${w.int(data.cells.length)}</td>
        </tr>
      </tbody>
    </table>
  </section>`;

  const cellAt = new Map(data.cells.map((c) => [`${c.unit_id}|${c.period}`, c]));
  const table = html`<table id="reporting-grid">
    <caption>
      ${title}, ${w.period(data.periods[0] ?? fromSpan.period)} –
      ${w.period(data.periods.at(-1) ?? toSpan.period)}
    </caption>
    <thead>
      <tr>
        <th scope="col">${w.t('unit')}</th>
        ${data.periods.map(
          (p) =>
            html`<th scope="col" class="num">
              <abbr title="${w.period(p)}">${shortPeriod(p)}</abbr>
            </th>`,
        )}
      </tr>
    </thead>
    <tbody>
      ${data.units.map(
        (u) =>
          html`<tr>
            <th scope="row">
              ${
                u.unit_id === data.unit.unit_id
                  ? u.name
                  : html`<a
                      href="${href(ctx, '/reporting', { unit: u.unit_id, from: fromSpan.period, to: toSpan.period })}"
                      >${u.name}</a
                    >`
              }
            </th>
            ${data.periods.map((p) => {
              const c = cellAt.get(`${u.unit_id}|${p}`);
              if (!c) return html`<td class="num muted" title="${w.t('reporting_no_duty')}"></td>`;
              const style = reportingStyle(c.status as ReportingStatus, labels);
              const when = c.received_at
                ? w.t('reporting_received', { when: w.dateTime(c.received_at) })
                : w.t('reporting_due_on', { date: w.date(c.due_on) });
              return html`<td
                class="num rep ${c.status}"
                style="background:${style.colour}"
                title="${w.period(p)}: ${style.word} — ${when}"
              >
                <span aria-hidden="true">${style.icon}</span>${visuallyHidden(style.word)}
              </td>`;
            })}
          </tr>`,
      )}
    </tbody>
  </table>`;

  // which plan sets the due day, for how many of the rows
  const byPlan = new Map<string | null, Set<string>>();
  for (const c of data.cells) {
    byPlan.set(c.plan_id, (byPlan.get(c.plan_id) ?? new Set()).add(c.unit_id));
  }
  const plansTable = html`<section aria-labelledby="plans">
    <h2 id="plans">${w.t('reporting_plans')}</h2>
    ${
      byPlan.size === 0
        ? html`<p>${w.t('none')}</p>`
        : html`<table class="compact" id="reporting-plans">
            <thead>
              <tr>
                <th scope="col">${w.t('plan')}</th>
                <th scope="col">${w.t('reporting_due_day')}</th>
                <th scope="col">${w.t('reporting_units')}</th>
              </tr>
            </thead>
            <tbody>
              ${[...byPlan].map(([planId, ids]) => {
                const plan = planId ? plans.get(planId) : undefined;
                const names = [...ids].map(
                  (id) => data.units.find((u) => u.unit_id === id)?.name ?? id,
                );
                return html`<tr>
                  <th scope="row">
                    ${
                      plan
                        ? html`<a href="${href(ctx, `/plans/${plan.plan_id}`)}"
                              >${planLabel(plan)}</a
                            ><br /><span class="muted">${plan.title}</span>`
                        : (planId ?? '—')
                    }
                  </th>
                  <td>
                    ${
                      plan?.report_due_day
                        ? w.t('reporting_due_rule', { day: plan.report_due_day })
                        : w.t('reporting_due_unknown')
                    }
                  </td>
                  <td>${names.join('; ')}</td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
  </section>`;

  return layout(ctx, {
    title: `${w.t('reporting')} — ${data.unit.name}`,
    page: 'reporting',
    body: html`${form} ${summary}
      <section aria-labelledby="grid">
        <h2 id="grid">${w.t('reporting_grid')}</h2>
        <p class="note" id="grid-note">${w.t('reporting_grid_note')}</p>
        <figure aria-describedby="grid-note">${raw(chart)}</figure>
        ${table}
      </section>
      ${plansTable}`,
  });
}
