// The quarterly pack (Báo cáo quý): a printable A4 document for a unit and quarter. When the pack
// was saved as reviewed, it shows the reviewed figures, "as reviewed on <date>", and what differs
// in today's data; ?current=1 shows today's figures instead.
import type { Unit, UnitIndex } from '../../pipelines/normalize/units.ts';
import type { FigurePeriod } from '../../pipelines/normalize/lookup.ts';
import type { Database } from '../../pipelines/db/connect.ts';
import {
  latestReview,
  packData,
  packDifferences,
  type PackData,
  type PackReview,
} from '../pack.ts';
import { html, type Html } from '../render/html.ts';
import { layout, href, type PageContext } from '../layout.ts';
import {
  COMPARATORS,
  headlineCards,
  pageScope,
  progressBar,
  statusBadge,
  unitQuarterForm,
} from './common.ts';
import type { PageData } from './index.ts';

export interface PackPage {
  data: PackData;
  review: PackReview | null;
  /** differences between the reviewed pack and today's data (empty without a review) */
  differences: ReturnType<typeof packDifferences>;
  showing: 'reviewed' | 'current';
}

export async function loadPack(
  db: Database,
  units: UnitIndex,
  unit: Unit,
  quarter: FigurePeriod,
  current: boolean,
): Promise<PackPage> {
  const now = await packData(db, units, unit, quarter);
  const review = await latestReview(db, now.unit.unit_id, now.quarter);
  if (!review) return { data: now, review: null, differences: [], showing: 'current' };
  return {
    data: current ? now : review.snapshot,
    review,
    differences: packDifferences(review.snapshot, now),
    showing: current ? 'current' : 'reviewed',
  };
}

export function packBody(ctx: PageContext, page: PackPage, options: { forms: boolean }): Html {
  const { w } = ctx;
  const d = page.data;
  const rowsById = new Map(d.rows.map((r) => [r.indicator_id, r]));
  const name = (id: string) => {
    const r = rowsById.get(id);
    return r ? (ctx.lang === 'vi' ? r.name_vi : r.name_en) : id;
  };
  const fmt = (id: string, v: number | string | null) =>
    typeof v === 'string'
      ? w.status(v).word
      : rowsById.get(id)?.unit === 'percent'
        ? w.pct(v)
        : w.int(v);
  const reviewed = page.review
    ? html`<p class="reviewed" role="note">
        <strong>${w.t('pack_reviewed', { date: w.dateTime(page.review.reviewed_at) })}</strong>
        (${page.review.reviewed_by})${
          page.showing === 'reviewed'
            ? html` —
                <a
                  class="no-print"
                  href="${href(ctx, '/pack', { unit: d.unit.unit_id, period: d.quarter, current: '1' })}"
                  >${w.t('pack_differences')}</a
                >`
            : ''
        }
      </p>`
    : '';
  const differences = page.review
    ? html`<section aria-labelledby="differences">
        <h2 id="differences">${w.t('pack_differences')}</h2>
        ${
          page.differences.length === 0
            ? html`<p>${w.t('none')}</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th scope="col">${w.t('indicator')}</th>
                    <th scope="col">${w.t('target')}</th>
                    <th scope="col" class="num">
                      ${w.t('pack_reviewed', { date: w.date(page.review.reviewed_at) })}
                    </th>
                    <th scope="col" class="num">${w.t('as_of')} ${w.date(ctx.today)}</th>
                  </tr>
                </thead>
                <tbody>
                  ${page.differences.map(
                    (x) =>
                      html`<tr>
                        <td>
                          ${name(x.indicator_id)}
                          (${x.field === 'coverage' ? w.t('coverage') : x.field === 'status' ? w.t('status') : w.t('actual')})
                        </td>
                        <td>${x.target_id ?? '—'}</td>
                        <td class="num">
                          ${x.field === 'coverage' ? w.pct(((x.reviewed as number | null) ?? 0) * 100) : fmt(x.indicator_id, x.reviewed)}
                        </td>
                        <td class="num">
                          ${x.field === 'coverage' ? w.pct(((x.now as number | null) ?? 0) * 100) : fmt(x.indicator_id, x.now)}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>`
    : '';
  return html`
    ${reviewed}
    <section aria-labelledby="headline">
      <h2 id="headline">${w.t('pack_headline')}</h2>
      ${headlineCards(w, d.counts)}
    </section>
    <section aria-labelledby="changes">
      <h2 id="changes">
        ${w.t('pack_changes')}${d.previous_quarter ? ` (${w.period(d.previous_quarter)} → ${w.period(d.quarter)})` : ''}
      </h2>
      ${
        d.changes.length === 0
          ? html`<p>${w.t('none')}</p>`
          : html`<ul>
              ${d.changes.map(
                (c) =>
                  html`<li>
                    ${name(c.indicator_id)} (${c.target_id}):
                    ${c.from ? statusBadge(w, c.from) : '—'} → ${statusBadge(w, c.to)}
                  </li>`,
              )}
            </ul>`
      }
    </section>
    <section aria-labelledby="scorecard">
      <h2 id="scorecard">${w.t('pack_scorecard')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">${w.t('indicator')}</th>
            <th scope="col" class="num">${w.t('actual')}</th>
            <th scope="col" class="num">${w.t('change')}</th>
            <th scope="col">${w.t('targets')}</th>
          </tr>
        </thead>
        <tbody>
          ${d.rows.map((r) => {
            const change = r.actual !== null && r.previous !== null ? r.actual - r.previous : null;
            return html`<tr>
              <th scope="row">${ctx.lang === 'vi' ? r.name_vi : r.name_en}</th>
              <td class="num">
                ${fmt(r.indicator_id, r.actual)}
                ${r.coverage !== null && r.coverage < 1 ? html`<br /><span class="muted">${w.t('coverage_of', { pct: w.pct(r.coverage * 100, 0) })}</span>` : ''}
                ${r.reconstructed ? html`<br /><span class="muted reconstructed">${w.t('reconstructed')}</span>` : ''}
              </td>
              <td class="num">${w.signed(change, r.unit === 'percent' ? 1 : 0)}</td>
              <td>
                ${
                  r.targets.length === 0
                    ? html`<span class="muted">${w.t('no_target')}</span>`
                    : r.targets.map(
                        (t) =>
                          html`<div>
                            ${statusBadge(w, t.status)} ${COMPARATORS[t.comparator]}
                            ${fmt(r.indicator_id, t.value)}, ${w.t('deadline').toLowerCase()}
                            ${w.date(t.deadline)} ${progressBar(w, t.ratio, t.status)}
                            <span class="muted">${t.plan_id}, ${t.clause}</span>
                          </div>`,
                      )
                }
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </section>
    <section aria-labelledby="overdue">
      <h2 id="overdue">
        ${w.t('pack_overdue')} (${w.int(d.overdue_tasks.length)}, ${w.t('as_of').toLowerCase()}
        ${w.date(d.as_of)})
      </h2>
      ${
        d.overdue_tasks.length === 0
          ? html`<p>${w.t('none')}</p>`
          : html`<table>
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
                      <td>${t.plan_id}</td>
                      <td>${t.number}</td>
                      <td>${t.title}</td>
                      <td>${t.lead}</td>
                      <td>${w.date(t.due_on)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    <section aria-labelledby="late">
      <h2 id="late">${w.t('pack_late')}</h2>
      ${
        d.late_reporters.length === 0
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
                ${d.late_reporters.map(
                  (u) =>
                    html`<tr>
                      <td>${u.name}</td>
                      <td class="num">${w.int(u.late)}</td>
                      <td class="num">${w.int(u.missing)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    <section aria-labelledby="caveats">
      <h2 id="caveats">${w.t('pack_caveats')}</h2>
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
        ${d.caveats.no_data.length ? html`<li>${w.t('no_data')}: ${d.caveats.no_data.map(name).join(', ')}</li>` : ''}
        <li>
          ${w.t('quality')}: ${w.int(d.caveats.quality_findings)} ${w.t('findings').toLowerCase()}
          ${d.caveats.quality_by_rule.length ? `(${d.caveats.quality_by_rule.map((r) => `${r.rule} ${r.count}`).join(', ')})` : ''}
        </li>
      </ul>
    </section>
    ${differences}
    ${
      options.forms
        ? html`<section class="no-print" aria-labelledby="actions">
            <h2 id="actions">${w.t('pack_print')}</h2>
            <p>
              <a href="${href(ctx, '/pack.pdf', { unit: d.unit.unit_id, period: d.quarter })}"
                >PDF</a
              >
              ·
              <span class="muted"
                >npx chitieu report --unit ${d.unit.unit_id} --quarter ${d.quarter} --pdf
                bao-cao.pdf</span
              >
            </p>
            <form method="post" action="/pack/review">
              <input type="hidden" name="unit" value="${d.unit.unit_id}" />
              <input type="hidden" name="period" value="${d.quarter}" />
              <input type="hidden" name="lang" value="${ctx.lang}" />
              <label
                >Token (admin) <input type="password" name="token" autocomplete="off" required
              /></label>
              <button type="submit">${w.t('pack_freeze')}</button>
            </form>
          </section>`
        : ''
    }
  `;
}

export function packTitle(ctx: PageContext, d: PackData): string {
  return `${ctx.w.t('pack_title')} — ${d.unit.name}, ${ctx.w.period(d.quarter)}`;
}

export async function render(ctx: PageContext, { db, units }: PageData): Promise<string> {
  const { unit, quarter } = await pageScope(db, ctx, ctx.query.unit ?? 'VN', units);
  const page = await loadPack(db, units, unit, quarter, ctx.query.current === '1');
  return layout(ctx, {
    title: packTitle(ctx, page.data),
    page: 'pack',
    bodyClass: 'pack',
    body: html`${unitQuarterForm(ctx, units, unit, quarter, '/pack')}
    ${packBody(ctx, page, { forms: true })}`,
  });
}
