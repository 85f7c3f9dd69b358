// Overview (Tổng quan): a unit's scorecard for a quarter — every indicator with its actual, each
// binding target with its source, progress by the actual and its state (indicators/i18n/status.ts:
// no verdict beside an empty cell), a sparkline and the change since the previous quarter — then
// overdue tasks by lead, procedures and reporting, counted over the unit's own plans (plansInScope).
import { unitScorecard } from '../../api/services/scorecard.ts';
import { recentPoints } from '../../api/services/series.ts';
import { listTasks, plansInScope } from '../../api/services/tasks.ts';
import { listPlans } from '../../api/services/plans.ts';
import { listProcedures } from '../../api/services/procedures.ts';
import { reportingGrid } from '../../api/services/reporting.ts';
import { sparkline } from '../charts/index.ts';
import { renderPlotCached } from '../render/plot.ts';
import { shared } from '../render/memo.ts';
import { provinceMap } from '../render/map.ts';
import { html, query, raw, type Html } from '../render/html.ts';
import { layout, href, type PageContext } from '../layout.ts';
import {
  COMPARATORS,
  actualBar,
  figure,
  headlineCards,
  pageScope,
  planStatusWord,
  stateBadge,
  stateCounts,
  targetState,
  unitQuarterForm,
} from './common.ts';
import type { PageData } from './index.ts';
import { periodsIn, formatPeriod, periodEnd } from '../../pipelines/normalize/periods.ts';

export async function render(ctx: PageContext, { db, units, spread }: PageData): Promise<string> {
  const { w } = ctx;
  const unitText = ctx.query.unit ?? 'VN';
  const { unit, quarter } = await pageScope(db, ctx, unitText, units);
  const monthsIn = periodsIn(quarter, 'month');
  // the scorecard, the sparklines' last eight quarters and the quarter's reporting, at once
  const [card, recent, reporting] = await spread(db, [
    (db) => unitScorecard(db, { unit, period: quarter }, spread),
    (db) => recentPoints(db, unit.unit_id, 'quarter', formatPeriod(quarter), 8),
    (db) => reportingGrid(db, { unit, from: monthsIn[0], to: monthsIn.at(-1) }),
  ]);
  const name = (r: { name_vi: string; name_en: string }) =>
    ctx.lang === 'vi' ? r.name_vi : r.name_en;
  const fmt = (unitKind: string, v: number | null) => figure(w, unitKind, v);

  // sparklines: the last eight quarters of each indicator
  const sparks = new Map<string, Html>();
  for (const row of card.rows) {
    const points = recent.get(row.indicator_id) ?? [];
    sparks.set(
      row.indicator_id,
      points.length
        ? raw(
            // drawn once per distinct input (render/plot.ts): Plot is most of this page's time
            renderPlotCached(
              ['sparkline', points, ctx.lang, row.unit],
              () => sparkline(points, { lang: ctx.lang, unit: row.unit }),
              {
                title: `${w.t('trend')}: ${name(row)}`,
                description: points
                  .map((p) => `${w.period(p.period)}: ${fmt(row.unit, p.actual)}`)
                  .join('; '),
              },
            ),
          )
        : html`<span class="muted">—</span>`,
    );
  }

  // every target's state as shown (a target of a unit without a figure counts as "no figure")
  const counts = stateCounts(
    card.rows.flatMap((r) => r.targets.map((t) => targetState(t, r.actual, periodEnd(quarter)))),
  );

  // tasks and procedures of the plans this unit (or one it continues, or one below) issued: the
  // rule GET /api/tasks?unit= and the quarterly pack count by; shared by every page of this data
  // version (render/memo.ts)
  const scope = await shared(ctx, db, plansInScope, units, unit);
  const tasks = await shared(ctx, db, listTasks, units, { as_of: ctx.today, unit: unit.unit_id });
  const procedures = await shared(ctx, db, listProcedures, units, { unit: unit.unit_id });
  const plans = new Map((await shared(ctx, db, listPlans)).plans.map((p) => [p.plan_id, p]));
  const cite = (planId: string) =>
    plans.get(planId)?.document_no ?? plans.get(planId)?.title ?? planId;
  const months = monthsIn.map(formatPeriod);

  const scorecardTable = html`<table>
    <caption>
      ${w.t('pack_scorecard')} — ${card.unit.name}, ${w.period(card.period)}
    </caption>
    <thead>
      <tr>
        <th scope="col">${w.t('indicator')}</th>
        <th scope="col" class="num">${w.t('actual')}</th>
        <th scope="col">${w.t('trend')}</th>
        <th scope="col" class="num">${w.t('change_quarter')}</th>
        <th scope="col">${w.t('scorecard_targets')}</th>
      </tr>
    </thead>
    <tbody>
      ${card.rows.map((row) => {
        const change =
          row.actual !== null && row.previous !== null ? row.actual - row.previous : null;
        return html`<tr>
          <th scope="row">
            <a
              href="${href(ctx, `/indicator/${row.indicator_id}`, { unit: card.unit.unit_id, period: card.period })}"
              >${name(row)}</a
            >
          </th>
          <td class="num">
            ${fmt(row.unit, row.actual)}
            ${
              row.unit === 'percent' && row.numerator !== null
                ? html`<br /><span class="muted"
                      >${w.int(row.numerator)}/${w.int(row.denominator)}</span
                    >`
                : ''
            }
            ${
              row.coverage !== null && row.coverage < 1
                ? html`<br /><span class="muted"
                      >${w.t('coverage_of', { pct: w.pct(row.coverage * 100, 0) })}</span
                    >`
                : ''
            }
            ${row.reconstructed ? html`<br /><span class="muted reconstructed">${w.t('reconstructed')}</span>` : ''}
            <br /><a
              class="muted"
              href="${`/api/export/observations.csv${query({ unit: card.unit.unit_id, indicator: row.indicator_id, from: card.period, to: card.period })}`}"
              >${w.t('source_rows')}</a
            >
          </td>
          <td>${sparks.get(row.indicator_id)}</td>
          <td class="num">${w.signed(change, row.unit === 'percent' ? 1 : 0)}</td>
          <td>
            ${
              row.targets.length === 0
                ? stateBadge(w, 'no_target')
                : html`<ul class="targets">
                    ${row.targets.map((t) => {
                      const state = targetState(t, row.actual, periodEnd(quarter));
                      return html`<li data-target="${t.target_id}">
                        ${stateBadge(w, state)} ${w.t('target')}: ${COMPARATORS[t.comparator]}
                        ${fmt(row.unit, t.value)} — ${w.t('deadline').toLowerCase()}
                        ${w.date(t.deadline)}
                        ${
                          state === 'no_figure' || state === 'superseded'
                            ? ''
                            : actualBar(w, {
                                unit: row.unit,
                                actual: row.actual,
                                baseline: t.baseline,
                                target: t.value,
                                comparator: t.comparator,
                                projected: t.projected,
                                state,
                              })
                        }
                        <span class="muted"
                          >${w.t('source')}:
                          <a href="${href(ctx, `/plans/${t.plan_id}`)}">${cite(t.plan_id)}</a>,
                          ${t.clause}</span
                        >
                      </li>`;
                    })}
                  </ul>`
            }
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;

  const overdueByLead = tasks.summary.overdue_by_lead.slice(0, 10);
  const body = html`
    ${unitQuarterForm(ctx, units, unit, quarter, '/')}
    <section aria-labelledby="headline">
      <h2 id="headline">${w.t('pack_headline')}</h2>
      ${headlineCards(w, counts)}
      <p class="muted">${w.t('counts_note')}</p>
    </section>
    <section aria-labelledby="scorecard">
      <h2 id="scorecard">${w.t('pack_scorecard')}</h2>
      ${scorecardTable}
    </section>
    ${await provinceMap(db, ctx, { period: quarter, selected: unit, choices: card.rows })}
    <div class="grid-2">
      <section aria-labelledby="tasks">
        <h2 id="tasks">${w.t('overdue_by_lead')}</h2>
        <p>
          <a
            href="${href(ctx, '/tasks', { unit: unit.unit_id, overdue: 'true' })}"
            data-count="overdue"
            >${w.t('tasks_overdue')}: ${w.int(tasks.summary.overdue)}</a
          >
          / ${w.int(tasks.summary.total)}
        </p>
        <p class="muted">${w.t('work_scope', { unit: card.unit.name, n: w.int(scope.size) })}</p>
        ${
          overdueByLead.length
            ? html`<table>
                <thead>
                  <tr>
                    <th scope="col">${w.t('lead')}</th>
                    <th scope="col" class="num">${w.t('overdue')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${overdueByLead.map(
                    (l) =>
                      html`<tr>
                        <td>
                          <a
                            href="${href(ctx, '/tasks', { unit: unit.unit_id, lead: l.lead, overdue: 'true' })}"
                            >${l.lead || '—'}</a
                          >
                        </td>
                        <td class="num">${w.int(l.overdue)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
            : html`<p class="muted">${w.t('none')}</p>`
        }
      </section>
      <section aria-labelledby="procedures">
        <h2 id="procedures">${w.t('procedures')}</h2>
        <ul>
          ${Object.entries(procedures.summary.by_status).map(
            ([status, n]) => html`<li>${planStatusWord(w, status)}: ${w.int(n)}</li>`,
          )}
        </ul>
        <p>
          <a href="${href(ctx, '/procedures', { unit: unit.unit_id })}"
            >${w.t('nav_procedures')} →</a
          >
        </p>
      </section>
      <section aria-labelledby="reporting">
        <h2 id="reporting">${w.t('reporting')} — ${w.period(card.period)}</h2>
        <ul>
          ${(['on_time', 'late', 'missing', 'pending'] as const).map(
            (s) =>
              html`<li>
                ${w.t(s === 'pending' ? 'reporting_not_due' : `reporting_${s}`)}:
                ${w.int(reporting.summary[s] ?? 0)}
              </li>`,
          )}
        </ul>
        <p>
          <a
            href="${href(ctx, '/reporting', { unit: card.unit.unit_id, from: months[0], to: months[2] })}"
            >${w.t('nav_reporting')} →</a
          >
        </p>
      </section>
    </div>
  `;
  return layout(ctx, {
    title: `${w.t('nav_overview')} — ${card.unit.name}, ${w.period(card.period)}`,
    page: 'overview',
    body,
  });
}
