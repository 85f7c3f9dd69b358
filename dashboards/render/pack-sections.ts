// The quarterly pack's sections, as the document prints them: the one-page summary (counts and
// every binding target with actual, goal, gap, status and the change since the previous quarter),
// a small chart per key indicator, overdue tasks by lead agency (the full list is the annex), late
// reporters and the data caveats.
import type { PackData, PackRow, PackTarget } from '../pack.ts';
import { trendChart } from '../charts/trend.ts';
import { renderPlot } from './plot.ts';
import { html, raw, type Html } from './html.ts';
import type { PageContext } from '../layout.ts';
import { COMPARATORS, figure, HEADLINE, stateBadge, targetState } from '../pages/common.ts';
import { DISPLAY_IDS, displayId, type DisplayId } from '../../indicators/i18n/status.ts';

/** The late reporters the body lists; the rest are counted. */
const LATE_SHOWN = 12;

const nameOf = (ctx: PageContext, r: Pick<PackRow, 'name_vi' | 'name_en'>) =>
  ctx.lang === 'vi' ? r.name_vi : r.name_en;

/** actual − goal for "at least" targets, goal − actual for "at most": negative is short of it. */
export function targetGap(actual: number | null, t: Pick<PackTarget, 'value' | 'comparator'>) {
  if (actual === null) return null;
  return t.comparator === '>=' || t.comparator === '>' ? actual - t.value : t.value - actual;
}

/** The state a pack shows for a target: a verdict only beside a figure (issue 15.1). */
export function packState(r: PackRow, t: PackTarget, periodEnd: string): DisplayId {
  return targetState(t, r.actual, periodEnd);
}

/** The previous quarter's state of a target (null: it was not evaluated then). */
function previousState(r: PackRow, t: PackTarget): DisplayId | null {
  if (t.previous_status === null) return null;
  const before = r.previous;
  return displayId({ status: t.previous_status, actual: before, hasTarget: true });
}

export function summarySection(ctx: PageContext, d: PackData): Html {
  const { w } = ctx;
  const targets = d.rows.flatMap((r) => r.targets.map((t) => ({ r, t })));
  const states = targets.map(({ r, t }) => packState(r, t, d.as_of));
  const n = (id: DisplayId) => states.filter((s) => s === id).length;
  // the four headline states always, then every other state some target shows, in legend order
  const counted = DISPLAY_IDS.filter((id) => HEADLINE.includes(id as never) || n(id) > 0).map(
    (id) => `${w.int(n(id))} ${w.state(id).icon} ${w.state(id).word}`,
  );
  return html`<section aria-labelledby="pack-summary">
    <h2 id="pack-summary">${w.t('pack_summary')}</h2>
    <p>
      ${w.t('pack_summary_counts', { n: w.int(targets.length), states: counted.join(', ') })}
      ${w.t('pack_summary_work', {
        overdue: w.int(d.overdue_tasks.length),
        late: w.int(d.late_reporters.length),
      })}
    </p>
    <table class="pack-targets">
      <caption>
        ${w.t('pack_targets_caption', { period: w.period(d.quarter) })}
      </caption>
      <colgroup>
        <col class="name" />
        <col class="fig" />
        <col class="fig" />
        <col class="fig" />
        <col class="state" />
        <col class="change" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">${w.t('pack_col_target')}</th>
          <th scope="col" class="num">${w.t('pack_col_actual')}</th>
          <th scope="col" class="num">${w.t('pack_col_goal')}</th>
          <th scope="col" class="num">${w.t('pack_col_gap')}</th>
          <th scope="col">${w.t('pack_col_status')}</th>
          <th scope="col">${w.t('pack_col_change')}</th>
        </tr>
      </thead>
      <tbody>
        ${targets.map(({ r, t }) => {
          const state = packState(r, t, d.as_of);
          const before = previousState(r, t);
          const change =
            r.actual !== null && r.previous !== null
              ? w.signed(r.actual - r.previous, r.unit === 'percent' ? 1 : 0)
              : '—';
          return html`<tr>
            <th scope="row">
              ${nameOf(ctx, r)}
              <br /><span class="muted"
                >${w.t('pack_by_deadline', { date: w.date(t.deadline) })} ·
                <code>${t.plan_id}</code>, ${t.clause}</span
              >
            </th>
            <td class="num">${figure(w, r.unit, r.actual)}</td>
            <td class="num">${COMPARATORS[t.comparator]} ${figure(w, r.unit, t.value)}</td>
            <td class="num">${w.signed(targetGap(r.actual, t), r.unit === 'percent' ? 1 : 0)}</td>
            <td>${stateBadge(w, state)}</td>
            <td>
              ${change}
              <br /><span class="muted"
                >${
                  before === null
                    ? w.t('pack_new_target')
                    : before === state
                      ? w.t('pack_unchanged')
                      : html`${w.state(before).icon} ${w.state(before).word} →
                        ${w.state(state).icon} ${w.state(state).word}`
                }</span
              >
            </td>
          </tr>`;
        })}
      </tbody>
    </table>
    ${
      d.lower_level_targets
        ? html`<p class="muted">
            ${w.t('pack_lower_levels', { n: w.int(d.lower_level_targets) })}
          </p>`
        : ''
    }
  </section>`;
}

export function chartsSection(ctx: PageContext, d: PackData): Html {
  const { w } = ctx;
  const rows = new Map(d.rows.map((r) => [r.indicator_id, r]));
  const trends = (d.trends ?? []).filter((t) => rows.has(t.indicator_id));
  if (trends.length === 0) return html``;
  return html`<section aria-labelledby="pack-charts">
    <h2 id="pack-charts">${w.t('pack_charts')}</h2>
    <p class="muted">${w.t('pack_chart_target')}</p>
    <div class="pack-charts">
      ${trends.map((trend) => {
        const r = rows.get(trend.indicator_id) as PackRow;
        const target = r.targets.find((t) => t.deadline >= d.as_of) ?? r.targets.at(-1) ?? null;
        const title = nameOf(ctx, r);
        const options = trendChart(trend.points, {
          lang: ctx.lang,
          unit: r.unit === 'percent' ? 'percent' : 'count',
          title,
          target: target?.value ?? null,
        });
        return html`<figure class="chart">
          <figcaption>${title}</figcaption>
          ${raw(renderPlot(options, { title, description: String(options.ariaDescription ?? '') }))}
        </figure>`;
      })}
    </div>
  </section>`;
}

/** Overdue tasks counted by lead agency, most first. */
export function overdueByLead(d: PackData): { lead: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const t of d.overdue_tasks) {
    const lead = t.lead?.trim() || '—';
    counts.set(lead, (counts.get(lead) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([lead, count]) => ({ lead, count }))
    .sort((a, b) => b.count - a.count || a.lead.localeCompare(b.lead, 'vi'));
}

export function overdueSection(ctx: PageContext, d: PackData): Html {
  const { w } = ctx;
  const leads = overdueByLead(d);
  return html`<section aria-labelledby="pack-overdue">
    <h2 id="pack-overdue">${w.t('pack_overdue_by_lead')}</h2>
    <p>${w.t('pack_overdue_total', { n: w.int(d.overdue_tasks.length), date: w.date(d.as_of) })}</p>
    ${
      leads.length
        ? html`<table>
            <thead>
              <tr>
                <th scope="col">${w.t('pack_col_lead')}</th>
                <th scope="col" class="num">${w.t('pack_col_overdue')}</th>
              </tr>
            </thead>
            <tbody>
              ${leads.map(
                (l) =>
                  html`<tr>
                    <td>${l.lead}</td>
                    <td class="num">${w.int(l.count)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : ''
    }
  </section>`;
}

export function lateSection(ctx: PageContext, d: PackData): Html {
  const { w } = ctx;
  const shown = d.late_reporters.slice(0, LATE_SHOWN);
  const more = d.late_reporters.length - shown.length;
  return html`<section aria-labelledby="pack-late">
    <h2 id="pack-late">${w.t('pack_late_section')}</h2>
    ${
      shown.length === 0
        ? html`<p>${w.t('none')}</p>`
        : html`<table>
              <thead>
                <tr>
                  <th scope="col">${w.t('unit')}</th>
                  <th scope="col" class="num">${w.t('reporting_late')}</th>
                  <th scope="col" class="num">${w.t('reporting_missing')}</th>
                </tr>
              </thead>
              <tbody>
                ${shown.map(
                  (u) =>
                    html`<tr>
                      <td>${u.name}</td>
                      <td class="num">${w.int(u.late)}</td>
                      <td class="num">${w.int(u.missing)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            ${more > 0 ? html`<p class="muted">${w.t('pack_late_more', { n: w.int(more) })}</p>` : ''}`
    }
  </section>`;
}

export function caveatsSection(ctx: PageContext, d: PackData): Html {
  const { w } = ctx;
  const rows = new Map(d.rows.map((r) => [r.indicator_id, r]));
  const name = (id: string) => {
    const r = rows.get(id);
    return r ? nameOf(ctx, r) : id;
  };
  return html`<section aria-labelledby="pack-caveats">
    <h2 id="pack-caveats">${w.t('pack_caveats_section')}</h2>
    <ul>
      ${d.synthetic ? html`<li><strong>${w.t('synthetic_banner')}</strong></li>` : ''}
      ${d.caveats.partial_coverage.map(
        (c) =>
          html`<li>
            ${name(c.indicator_id)}: ${w.t('coverage_of', { pct: w.pct(c.coverage * 100, 0) })}
          </li>`,
      )}
      ${
        d.caveats.reconstructed.length
          ? html`<li>
              ${w.t('reconstructed_note')} (${d.caveats.reconstructed.map(name).join(', ')})
            </li>`
          : ''
      }
      ${
        d.caveats.no_data.length
          ? html`<li>${w.t('no_data')}: ${d.caveats.no_data.map(name).join(', ')}</li>`
          : ''
      }
      <li>${w.t('pack_quality_line', { n: w.int(d.caveats.quality_findings) })}</li>
    </ul>
  </section>`;
}

/** The annex: every overdue task, on pages of its own after the signature. */
export function annexSection(ctx: PageContext, d: PackData): Html {
  const { w } = ctx;
  if (d.overdue_tasks.length === 0) return html``;
  return html`<section class="annex" aria-labelledby="pack-annex">
    <h2 id="pack-annex">${w.t('pack_annex')}</h2>
    <p class="muted">
      ${w.t('pack_annex_note', { n: w.int(d.overdue_tasks.length), date: w.date(d.as_of) })}
    </p>
    <table>
      <thead>
        <tr>
          <th scope="col">${w.t('plan')}</th>
          <th scope="col">#</th>
          <th scope="col">${w.t('tasks')}</th>
          <th scope="col">${w.t('lead')}</th>
          <th scope="col">${w.t('deadline')}</th>
        </tr>
      </thead>
      <tbody>
        ${d.overdue_tasks.map(
          (t) =>
            html`<tr>
              <td><code>${t.plan_id}</code></td>
              <td>${t.number}</td>
              <td>${t.title}</td>
              <td>${t.lead}</td>
              <td>${w.date(t.due_on)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
