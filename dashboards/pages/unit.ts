// Unit (Đơn vị): drill-down through the hierarchy as of a date — breadcrumbs, the unit's level and
// validity, its place in the 2025 reform (predecessors and successors, with dates and kind), and
// its children with their key figures for a quarter, each linking to its own page and overview.
import { childrenDate, unitDetail } from '../../api/services/units.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { ranking } from '../../api/services/ranking.ts';
import { shared } from '../render/memo.ts';
import { unitScorecard } from '../../api/services/scorecard.ts';
import { badRequest } from '../../api/errors.ts';
import { isIsoDate } from '../../pipelines/normalize/calendar.ts';
import { formatPeriod } from '../../pipelines/normalize/periods.ts';
import type { RankingResponse } from '../../api/schemas/ranking.ts';
import type { UnitResponse } from '../../api/schemas/units.ts';
import { html, raw, type Html } from '../render/html.ts';
import { layout, href, type PageContext } from '../layout.ts';
import type { Key } from '../i18n/index.ts';
import {
  figure,
  headlineCards,
  levelWord,
  pageScope,
  stateBadge,
  stateCounts,
  targetState,
} from './common.ts';
import type { PageData } from './index.ts';

/** The figures shown beside each child: coverage of the ID card, VNeID, online dossiers. */
export const KEY_INDICATORS = [
  'cccd_coverage',
  'vneid_activation_rate',
  'dossier_online_rate',
] as const;

const KINDS: Record<string, Key> = {
  merge: 'unit_kind_merge',
  continue: 'unit_kind_continue',
  rename: 'unit_kind_rename',
  split: 'unit_kind_split',
};

/** The first day of the reform: figures of units created on it are rebuilt before it. */
const REFORM_DAY = '2025-07-01';

/** The date field: dd/mm/yyyy as a Vietnamese reader writes it, or ISO (links, the API). */
function readDate(text: string | undefined): string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  const iso = dmy ? `${dmy[3]}-${dmy[2].padStart(2, '0')}-${dmy[1].padStart(2, '0')}` : text.trim();
  if (!isIsoDate(iso))
    throw badRequest('INVALID_DATE', `invalid date: ${text} (DD/MM/YYYY or YYYY-MM-DD)`);
  return iso;
}

/** A date as the field shows it, whatever the browser's locale (a date input shows the OS's). */
const fieldDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

const unitPath = (id: string) => `/unit/${encodeURIComponent(id)}`;

export async function render(
  ctx: PageContext,
  { db, units, params, spread }: PageData,
): Promise<string> {
  const { w } = ctx;
  const asOf = readDate(ctx.query.as_of) ?? ctx.today;
  const asked = findUnit(units, params.unit ?? 'VN', asOf);
  const keepDate = ctx.query.as_of ? { as_of: asOf } : {};

  // the unit with its children and links (GET /api/units/:id), and at once its scorecard for the
  // quarter of the figures: the last complete one before the children's date (or asked for)
  const [detail, { scope, card }] = await spread(db, [
    (db) => unitDetail(db, units, { unit: asked.unit_id, as_of: asOf }),
    async (db) => {
      const today = childrenDate(asked, asOf);
      const scope = await pageScope(db, { ...ctx, today }, asked.unit_id, units);
      const card = await unitScorecard(db, { unit: scope.unit, period: scope.quarter }, spread);
      return { scope, card };
    },
  ]);
  const u = detail.unit;
  const quarter = formatPeriod(scope.quarter);
  // targets counted by the state they show: no verdict for a target without a figure this quarter
  const counts = stateCounts(
    card.rows.flatMap((r) => r.targets.map((t) => targetState(t, r.actual))),
  );
  const names = new Map(card.rows.map((r) => [r.indicator_id, r]));
  const indicatorName = (id: string) => {
    const r = names.get(id);
    return r ? (ctx.lang === 'vi' ? r.name_vi : r.name_en) : id;
  };
  const indicatorUnit = (id: string) => names.get(id)?.unit ?? 'percent';

  const figures = new Map<string, RankingResponse>();
  if (detail.children.length) {
    for (const id of KEY_INDICATORS) {
      figures.set(
        id,
        // one ranking per indicator, unit and period for this data version (render/memo.ts)
        await shared(ctx, db, ranking, { indicator: id, unit: scope.unit, period: scope.quarter }),
      );
    }
  }
  const childFigure = (indicatorId: string, unitId: string) =>
    figures.get(indicatorId)?.rows.find((r) => r.unit_id === unitId) ?? null;

  const crumbs = html`<nav class="crumbs" aria-label="${w.t('breadcrumbs')}">
    <ol>
      ${detail.ancestors.map(
        (a) => html`<li><a href="${href(ctx, unitPath(a.unit_id), keepDate)}">${a.name}</a></li>`,
      )}
      <li><span aria-current="page">${u.full_name}</span></li>
    </ol>
  </nav>`;

  const validity = (from: string | null, to: string | null) =>
    html`${from ? w.date(from) : w.t('unit_before_records')} –
    ${to ? w.date(to) : w.t('unit_present')}`;

  const facts = html`<dl class="unit-facts">
    <dt>${w.t('unit_code')}</dt>
    <dd>${u.code}</dd>
    <dt>${w.t('unit_level')}</dt>
    <dd>${levelWord(w, u.level)}</dd>
    <dt>${w.t('valid_from')} / ${w.t('valid_to')}</dt>
    <dd>${validity(u.valid_from, u.valid_to)}</dd>
    <dt>${w.t('source')}</dt>
    <dd class="muted">${sourceText(u.source)}</dd>
    <dt>${w.t('unit_links')}</dt>
    <dd>
      <a href="${href(ctx, '/', { unit: u.unit_id, period: quarter })}">${w.t('nav_overview')}</a>
      ·
      <a href="${href(ctx, '/pack', { unit: u.unit_id, period: quarter })}">${w.t('nav_pack')}</a>
      ·
      <a href="${href(ctx, '/api/template', { unit: u.unit_id, period: quarter })}"
        >${w.t('upload_template')}</a
      >
      ·
      ${KEY_INDICATORS.map(
        (id, i) =>
          html`${i ? ' · ' : ''}<a
              href="${href(ctx, `/indicator/${id}`, { unit: u.unit_id, period: quarter })}"
              >${indicatorName(id)}</a
            >`,
      )}
    </dd>
  </dl>`;

  const body = html`
    ${crumbs}
    <form class="filters" method="get" action="${unitPath(u.unit_id)}">
      <label
        >${w.t('as_of')}
        <input
          type="text"
          name="as_of"
          value="${fieldDate(asOf)}"
          inputmode="numeric"
          pattern="\\d{1,2}/\\d{1,2}/\\d{4}|\\d{4}-\\d{2}-\\d{2}"
          placeholder="dd/mm/yyyy"
          size="11"
          aria-describedby="as-of-format"
        />
        <span class="muted" id="as-of-format">${w.t('date_format_hint')}</span>
      </label>
      ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
      <button type="submit">${w.t('show')}</button>
    </form>
    ${facts} ${reform(ctx, detail)}
    <section aria-labelledby="headline">
      <h2 id="headline">${w.t('pack_headline')} — ${w.period(card.period)}</h2>
      ${headlineCards(w, counts)}
    </section>
    <section aria-labelledby="children">
      <h2 id="children">
        ${w.t('children')} (${w.int(detail.children.length)}) — ${w.t('as_of').toLowerCase()}
        ${w.date(detail.children_as_of)}
      </h2>
      ${
        u.valid_to !== null && u.valid_to < asOf
          ? html`<p class="note" role="note">
              ${w.t('unit_ceased', { date: w.date(u.valid_to) })}
            </p>`
          : ''
      }
      ${
        detail.children.length === 0
          ? html`<p class="muted">${w.t('unit_no_children')}</p>`
          : html`<table class="children">
              <caption>
                ${w.t('children')} — ${u.full_name};
                ${w.t('unit_figures_for', { period: w.period(quarter) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${w.t('unit_code')}</th>
                  <th scope="col">${w.t('unit_name')}</th>
                  <th scope="col">${w.t('unit_level')}</th>
                  <th scope="col" class="num">${w.t('unit_children_count')}</th>
                  ${KEY_INDICATORS.map(
                    (id) =>
                      html`<th scope="col" class="num">
                        <a
                          href="${href(ctx, `/indicator/${id}`, { unit: u.unit_id, period: quarter })}"
                          >${indicatorName(id)}</a
                        >
                      </th>`,
                  )}
                  <th scope="col">${w.t('nav_overview')}</th>
                </tr>
              </thead>
              <tbody>
                ${detail.children.map(
                  (c) =>
                    html`<tr data-unit="${c.unit_id}">
                      <td>${c.code}</td>
                      <th scope="row">
                        <a href="${href(ctx, unitPath(c.unit_id), keepDate)}">${c.full_name}</a>
                      </th>
                      <td>${levelWord(w, c.level)}</td>
                      <td class="num">${w.int(c.children)}</td>
                      ${KEY_INDICATORS.map((id) => {
                        const f = childFigure(id, c.unit_id);
                        return html`<td class="num">
                          <a
                            href="${href(ctx, `/indicator/${id}`, { unit: c.unit_id, period: quarter })}"
                            >${figure(w, indicatorUnit(id), f?.actual)}</a
                          >
                          ${
                            f?.coverage !== null && f?.coverage !== undefined && f.coverage < 1
                              ? html`<br /><span class="muted"
                                    >${w.t('coverage_of', { pct: w.pct(f.coverage * 100, 0) })}</span
                                  >`
                              : ''
                          }
                          ${f?.target ? html`<br />${stateBadge(w, targetState(f.target, f.actual))}` : ''}
                        </td>`;
                      })}
                      <td>
                        <a href="${href(ctx, '/', { unit: c.unit_id, period: quarter })}"
                          >${w.t('nav_overview')}</a
                        >
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
  `;
  return layout(ctx, {
    title: `${w.t('unit_title')}: ${u.full_name}`,
    page: 'unit',
    body,
  });
}

/** The unit's place in the 2025 reform: what it replaced, what replaced it, and what that means. */
function reform(ctx: PageContext, detail: UnitResponse): Html {
  const { w } = ctx;
  const u = detail.unit;
  type Link = UnitResponse['predecessors'][number];
  const table = (caption: string, links: Link[]) =>
    html`<table class="succession">
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">${w.t('unit_name')}</th>
          <th scope="col">${w.t('unit_code')}</th>
          <th scope="col">${w.t('unit_level')}</th>
          <th scope="col">${w.t('valid_from')} / ${w.t('valid_to')}</th>
          <th scope="col">${w.t('unit_effective_on')}</th>
          <th scope="col">${w.t('unit_kind')}</th>
        </tr>
      </thead>
      <tbody>
        ${links.map(
          (l) =>
            html`<tr>
              <th scope="row"><a href="${href(ctx, unitPath(l.unit_id))}">${l.name}</a></th>
              <td>${l.code}</td>
              <td>${levelWord(w, l.level)}</td>
              <td>
                ${l.valid_from ? w.date(l.valid_from) : w.t('unit_before_records')} –
                ${l.valid_to ? w.date(l.valid_to) : w.t('unit_present')}
              </td>
              <td>${w.date(l.effective_on)}</td>
              <td>${KINDS[l.kind] ? w.t(KINDS[l.kind]) : l.kind}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  const rebuilt =
    detail.predecessors.length > 0 && u.valid_from !== null && u.valid_from >= REFORM_DAY;
  return html`<section aria-labelledby="reform">
    <h2 id="reform">${w.t('unit_reform')}</h2>
    ${rebuilt ? html`<p class="note reconstructed" role="note">${w.t('reconstructed_note')}</p>` : ''}
    ${detail.predecessors.length ? table(w.t('predecessors'), detail.predecessors) : ''}
    ${detail.successors.length ? table(w.t('successors'), detail.successors) : ''}
    ${
      detail.predecessors.length + detail.successors.length === 0
        ? html`<p class="muted">${w.t('unit_no_reform')}</p>`
        : raw('')
    }
  </section>`;
}

/**
 * A unit's source as stored: "data/units/provinces-2025.csv (NQ 60-NQ/TW; …)": the file path is
 * for analysts (in <code>), the documents in parentheses are what a reader cites.
 */
function sourceText(source: string | null): Html {
  if (!source) return html`—`;
  const m = /^(\S+\.\w+)(?:\s+\((.*)\))?$/.exec(source);
  if (!m) return html`${source}`;
  return html`${m[2] ?? ''} <code>${m[1]}</code>`;
}
