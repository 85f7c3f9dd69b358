// Indicator (Chỉ tiêu): one indicator of one unit — its series against every binding target
// (baseline, expected path, projection, forecast date; rebuilt points marked), a sentence with the
// latest actual and each target's state, the unit's children ranked for a quarter (an HTML bar
// list: a child without a target or without a figure says so, never a verdict it does not have), a
// table behind each chart, and how the indicator is computed.
import { series } from '../../api/services/series.ts';
import { ranking } from '../../api/services/ranking.ts';
import { catalogue } from '../../api/services/indicators.ts';
import { listPlans } from '../../api/services/plans.ts';
import { requireIndicator } from '../../api/services/common.ts';
import { badRequest } from '../../api/errors.ts';
import { formatPeriod, periodEnd } from '../../pipelines/normalize/periods.ts';
import { seriesChart } from '../charts/index.ts';
import { renderPlotCached } from '../render/plot.ts';
import { shared } from '../render/memo.ts';
import { provinceMap } from '../render/map.ts';
import { html, raw, type Html } from '../render/html.ts';
import { layout, href, type PageContext } from '../layout.ts';
import {
  COMPARATORS,
  actualBar,
  figure,
  pageScope,
  stateBadge,
  targetState,
  unitQuarterForm,
} from './common.ts';
import type { PageData } from './index.ts';

const GRAINS = ['month', 'quarter'] as const;
type Grain = (typeof GRAINS)[number];

function readGrain(text: string | undefined): Grain {
  if (text === undefined || text === '') return 'month';
  if ((GRAINS as readonly string[]).includes(text)) return text as Grain;
  throw badRequest('INVALID_GRAIN', `invalid grain: ${text} (month or quarter)`);
}

/**
 * The svg of a chart, named and described by the builder's own accessible text; drawn once per
 * distinct `input` (everything the builder reads: render/plot.ts renderPlotCached).
 */
function chart(input: unknown, build: () => ReturnType<typeof seriesChart>): Html {
  return raw(
    renderPlotCached(input, build, (options) => ({
      title: String(options.ariaLabel ?? ''),
      description: String(options.ariaDescription ?? ''),
    })),
  );
}

export async function render(
  ctx: PageContext,
  { db, units, params, spread }: PageData,
): Promise<string> {
  const { w } = ctx;
  // the catalogue first: an unknown indicator is a 404 whatever the other parameters say
  const info = await requireIndicator(db, params.id ?? '');
  const grain = readGrain(ctx.query.grain);
  // a code is read at the quarter's end, as the overview and the ranking read it
  const scope = await pageScope(db, ctx, ctx.query.unit ?? 'VN', units);
  const { unit } = scope;
  const quarter = formatPeriod(scope.quarter);
  const name = ctx.lang === 'vi' ? info.name_vi : info.name_en;
  const fmt = (v: number | null | undefined) => figure(w, info.unit, v);

  // the series as of the chosen quarter: its points up to then, the targets' projections as
  // evaluated then (a later reading may know better; the page says what was known)
  // and, at once, the ranking of the units below in that quarter
  const [s, rank] = await spread(db, [
    (db) => series(db, { indicator: info.indicator_id, unit, grain, to: scope.quarter }, spread),
    (db) => ranking(db, { indicator: info.indicator_id, unit, period: scope.quarter }, spread),
  ]);
  const plans = new Map((await shared(ctx, db, listPlans)).plans.map((p) => [p.plan_id, p]));
  const cite = (planId: string) => plans.get(planId)?.document_no ?? planId;
  const cat = await shared(ctx, db, catalogue);
  const definition = cat.indicators.find((i) => i.indicator_id === info.indicator_id);
  const metricName = (id: string | null) => {
    const m = id ? cat.metrics.find((x) => x.metric_id === id) : undefined;
    return m
      ? html`${ctx.lang === 'vi' ? m.name_vi : m.name_en} (<code>${m.metric_id}</code>)`
      : html`<code>${id ?? '—'}</code>`;
  };
  const quarterEnd = periodEnd(scope.quarter);

  const link = (unitId: string, extra: Record<string, string> = {}) =>
    href(ctx, `/indicator/${encodeURIComponent(info.indicator_id)}`, {
      unit: unitId,
      period: quarter,
      grain: grain === 'month' ? null : grain,
      ...extra,
    });

  // ---- the series
  const ratio = info.denominator !== null;
  const latest = [...s.points].reverse().find((p) => p.actual !== null) ?? null;
  const rebuilt = s.points.filter((p) => p.reconstructed).length;
  const projectionOf = new Map(s.projection.map((p) => [p.target_id, p]));
  const seriesInput = {
    lang: ctx.lang,
    unit: info.unit,
    title: `${name} — ${s.unit.name}`,
    plans: Object.fromEntries(s.targets.map((t) => [t.plan_id, cite(t.plan_id)])),
  };

  const headline = html`<p class="lead">
      ${
        latest
          ? html`${w.t('indicator_latest', { period: w.period(latest.period) })}:
              <strong class="latest">${fmt(latest.actual)}</strong>
              ${
                info.unit === 'percent' && latest.numerator !== null
                  ? html`<span class="muted"
                      >(${w.int(latest.numerator)}/${w.int(latest.denominator)})</span
                    >`
                  : ''
              }
              ${
                latest.coverage !== null && latest.coverage < 1
                  ? html`<span class="muted"
                      >— ${w.t('coverage_of', { pct: w.pct(latest.coverage * 100, 0) })}</span
                    >`
                  : ''
              }
              ${latest.reconstructed ? html`<span class="muted reconstructed">— ${w.t('reconstructed')}</span>` : ''}.`
          : html`${w.t('no_data')}.`
      }
    </p>
    ${
      s.targets.length === 0
        ? html`<p class="muted">${w.t('no_target')}.</p>`
        : html`<ul class="targets">
            ${s.targets.map((t) => {
              const p = projectionOf.get(t.target_id);
              // the verdict as of the quarter shown, beside the unit's own figure in it
              const state = targetState(
                { status: p?.status, window_start: t.window_start },
                rank.parent.actual,
                quarterEnd,
              );
              return html`<li data-target="${t.target_id}">
                ${stateBadge(w, state, t.window_start)} ${w.t('target')}:
                ${COMPARATORS[t.comparator]} ${fmt(t.value)}, ${w.t('deadline').toLowerCase()}
                ${w.date(t.deadline)} (${w.t('source').toLowerCase()}:
                <a href="${href(ctx, `/plans/${encodeURIComponent(t.plan_id)}`)}"
                  >${cite(t.plan_id)}</a
                >,
                ${t.clause})${
                  p?.projected !== null && p?.projected !== undefined
                    ? html` — ${w.t('projected').toLowerCase()} ${fmt(p.projected)}`
                    : ''
                }${p?.forecast_on ? html`; ${w.t('forecast_on').toLowerCase()} ${w.date(p.forecast_on)}` : ''}.
                ${
                  state === 'no_figure' || state === 'not_started' || state === 'superseded'
                    ? ''
                    : actualBar(w, {
                        unit: info.unit,
                        actual: rank.parent.actual,
                        baseline: t.baseline,
                        target: t.value,
                        comparator: t.comparator,
                        projected: p?.projected,
                        state,
                      })
                }
              </li>`;
            })}
          </ul>`
    }`;

  const seriesTable = html`<table class="series">
    <caption>
      ${name} — ${s.unit.name}
      (${w.t(grain === 'month' ? 'indicator_grain_month' : 'indicator_grain_quarter')})
    </caption>
    <thead>
      <tr>
        <th scope="col">${w.t('period')}</th>
        <th scope="col" class="num">${w.t('actual')}</th>
        ${
          ratio
            ? html`<th scope="col" class="num">${w.t('numerator')}</th>
                <th scope="col" class="num">${w.t('denominator')}</th>`
            : ''
        }
        <th scope="col" class="num">${w.t('coverage')}</th>
        <th scope="col">${w.t('source')}</th>
      </tr>
    </thead>
    <tbody>
      ${s.points.map(
        (p) =>
          html`<tr data-period="${p.period}" class="${p.reconstructed ? 'reconstructed' : ''}">
            <th scope="row">${w.period(p.period)}</th>
            <td class="num">${fmt(p.actual)}</td>
            ${
              ratio
                ? html`<td class="num">${w.int(p.numerator)}</td>
                    <td class="num">${w.int(p.denominator)}</td>`
                : ''
            }
            <td class="num">${p.coverage === null ? '—' : w.pct(p.coverage * 100, 0)}</td>
            <td>
              ${p.reconstructed ? html`<span class="muted">${w.t('reconstructed')}</span>` : ''}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;

  const targetsTable = s.targets.length
    ? html`<table class="series-targets">
        <caption>
          ${w.t('indicator_targets_table')}
        </caption>
        <thead>
          <tr>
            <th scope="col">${w.t('target')}</th>
            <th scope="col">${w.t('deadline')}</th>
            <th scope="col" class="num">${w.t('baseline')}</th>
            <th scope="col" class="num">${w.t('projected')}</th>
            <th scope="col">${w.t('forecast_on')}</th>
            <th scope="col">${w.t('status')}</th>
            <th scope="col">${w.t('source')}</th>
          </tr>
        </thead>
        <tbody>
          ${s.targets.map((t) => {
            const p = projectionOf.get(t.target_id);
            return html`<tr>
              <td>${COMPARATORS[t.comparator]} ${fmt(t.value)}</td>
              <td>${w.date(t.window_start)} – ${w.date(t.deadline)}</td>
              <td class="num">${fmt(t.baseline)}</td>
              <td class="num">${fmt(p?.projected)}</td>
              <td>${w.date(p?.forecast_on)}</td>
              <td>
                ${stateBadge(
                  w,
                  targetState(
                    { status: p?.status, window_start: t.window_start },
                    rank.parent.actual,
                    quarterEnd,
                  ),
                  t.window_start,
                )}
              </td>
              <td>${cite(t.plan_id)}, ${t.clause}</td>
            </tr>`;
          })}
        </tbody>
      </table>`
    : '';

  // ---- the children ranked: bars to the best figure, the state each child's figure earns
  const best = Math.max(0, ...rank.rows.map((r) => Math.abs(r.actual ?? 0)));
  const rankingSection = rank.rows.length
    ? html`<table class="ranking">
        <caption>
          ${w.t('ranking')}: ${name} — ${rank.unit.name}, ${w.period(rank.period)}
        </caption>
        <thead>
          <tr>
            <th scope="col" class="num">${w.t('indicator_rank')}</th>
            <th scope="col">${w.t('unit')}</th>
            <th scope="col" class="num">${w.t('actual')}</th>
            <th scope="col" class="rank-bar-col">
              <span class="visually-hidden">${w.t('chart')}</span>
            </th>
            <th scope="col" class="num">${w.t('coverage')}</th>
            <th scope="col">${w.t('target')}</th>
            <th scope="col">${w.t('status')}</th>
          </tr>
        </thead>
        <tbody>
          ${rank.rows.map((r) => {
            const state = targetState(r.target, r.actual, quarterEnd);
            return html`<tr data-unit="${r.unit_id}" data-state="${state}">
              <td class="num">${r.rank ?? '—'}</td>
              <th scope="row"><a href="${link(r.unit_id)}">${r.name}</a></th>
              <td class="num">
                ${fmt(r.actual)}
                ${r.reconstructed ? html`<br /><span class="muted reconstructed">${w.t('reconstructed')}</span>` : ''}
              </td>
              <td class="rank-bar-col">
                ${
                  r.actual === null || best === 0
                    ? ''
                    : html`<div
                        class="bar rank"
                        aria-hidden="true"
                        style="--status-colour:${w.state(state).verdict ? w.state(state).colour : 'var(--muted)'}"
                      >
                        <span
                          class="fill"
                          style="width:${((Math.abs(r.actual) / best) * 100).toFixed(1)}%"
                        ></span>
                      </div>`
                }
              </td>
              <td class="num">${r.coverage === null ? '—' : w.pct(r.coverage * 100, 0)}</td>
              <td>
                ${
                  r.target
                    ? html`${COMPARATORS[r.target.comparator]} ${fmt(r.target.value)},
                      ${w.date(r.target.deadline)}`
                    : '—'
                }
              </td>
              <td>${stateBadge(w, state)}</td>
            </tr>`;
          })}
        </tbody>
      </table>`
    : html`<p class="muted">${w.t('indicator_no_children')}</p>`;

  const body = html`
    ${unitQuarterForm(
      ctx,
      units,
      unit,
      scope.quarter,
      `/indicator/${encodeURIComponent(info.indicator_id)}`,
      grainField(ctx, grain),
    )}
    <p class="grain-switch">
      ${w.t('indicator_grain')}:
      ${GRAINS.map(
        (g) =>
          html`<a
              href="${link(unit.unit_id, { grain: g === 'month' ? '' : g })}"
              ${g === grain ? raw('aria-current="true"') : ''}
              >${w.t(g === 'month' ? 'indicator_grain_month' : 'indicator_grain_quarter')}</a
            >${g === GRAINS[GRAINS.length - 1] ? '' : ' · '}`,
      )}
      ·
      <a href="${href(ctx, '/', { unit: unit.unit_id, period: quarter })}"
        >${w.t('nav_overview')}</a
      >
      · <a href="${href(ctx, `/unit/${encodeURIComponent(unit.unit_id)}`)}">${w.t('nav_units')}</a>
    </p>
    <section aria-labelledby="series">
      <h2 id="series">${w.t('indicator_series')}</h2>
      ${headline}
      ${rebuilt ? html`<p class="note reconstructed" role="note">${w.t('reconstructed_note')} (${w.t('indicator_reconstructed_points', { n: rebuilt })})</p>` : ''}
      <figure class="chart" id="series-chart">
        ${chart(['series', s, seriesInput], () => seriesChart(s, seriesInput))}
      </figure>
      <details>
        <summary>${w.t('table_alternative')} — ${w.t('indicator_series')}</summary>
        ${seriesTable} ${targetsTable}
      </details>
    </section>
    <section aria-labelledby="ranking">
      <h2 id="ranking">${w.t('ranking')} — ${w.period(rank.period)}</h2>
      <p>
        ${w.t('indicator_own_figure')} (${rank.unit.name}):
        <strong>${fmt(rank.parent.actual)}</strong>
        ${
          rank.parent.coverage !== null && rank.parent.coverage < 1
            ? html`<span class="muted"
                >— ${w.t('coverage_of', { pct: w.pct(rank.parent.coverage * 100, 0) })}</span
              >`
            : ''
        }
      </p>
      ${rankingSection}
    </section>
    ${await provinceMap(db, ctx, { indicator: info.indicator_id, period: scope.quarter, selected: unit, ranking: rank })}
    <section aria-labelledby="definition">
      <h2 id="definition">${w.t('indicator_definition')}</h2>
      <dl class="definition">
        <dt>${w.t('numerator')}</dt>
        <dd>${metricName(info.numerator)}</dd>
        ${
          info.denominator
            ? html`<dt>${w.t('denominator')}</dt>
                <dd>${metricName(info.denominator)}</dd>`
            : ''
        }
        <dt>${w.t('indicator_formula')}</dt>
        <dd><code>${definition?.description ?? '—'}</code></dd>
        <dt>${w.t('unit')}</dt>
        <dd>
          ${w.t(info.unit === 'percent' ? 'indicator_unit_percent' : 'indicator_unit_count')} —
          ${w.t(info.direction === 'down' ? 'indicator_direction_down' : 'indicator_direction_up')}
        </dd>
      </dl>
    </section>
  `;
  return layout(ctx, {
    title: `${name} — ${s.unit.name}`,
    page: 'indicator',
    body,
  });
}

/** The indicator page's one filter beyond unit and quarter. */
function grainField(ctx: PageContext, grain: Grain): Html {
  const { w } = ctx;
  return html`<label
    >${w.t('indicator_grain')}
    <select name="grain">
      ${GRAINS.map(
        (g) =>
          html`<option value="${g}" ${g === grain ? raw('selected') : ''}>
            ${w.t(g === 'month' ? 'indicator_grain_month' : 'indicator_grain_quarter')}
          </option>`,
      )}
    </select>
  </label>`;
}
