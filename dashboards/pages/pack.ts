// The quarterly pack (Báo cáo quý): an A4 document for a unit and quarter in the layout of Nghị
// định 30/2020/NĐ-CP (render/official.ts), its body in render/pack-sections.ts. When the pack was
// saved as reviewed, it shows the reviewed figures, who reviewed them and when, and what differs
// in today's data; ?current=1 shows today's figures instead. On screen it also carries the PDF
// link and the review form, never printed.
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
import { html, raw, type Html } from '../render/html.ts';
import { layout, href, type PageContext } from '../layout.ts';
import { pageScope, unitQuarterForm } from './common.ts';
import {
  OFFICIAL_STYLE,
  officialHeader,
  placeAndDate,
  placeName,
  recipientsAndSignature,
  superiorBody,
} from '../render/official.ts';
import {
  annexSection,
  caveatsSection,
  chartsSection,
  lateSection,
  overdueSection,
  summarySection,
} from '../render/pack-sections.ts';
import type { PageData } from './index.ts';
import {
  approvalCovering,
  approvedRevisions,
  type Approval,
  type ApprovedRevision,
} from '../../indicators/approvals.ts';

export interface PackPage {
  data: PackData;
  review: PackReview | null;
  /** differences between the reviewed pack and today's data (empty without a review) */
  differences: ReturnType<typeof packDifferences>;
  showing: 'reviewed' | 'current';
  /** figures of the unit's subtree revised after their period was approved (flagged loads) */
  lockedRevisions: Array<ApprovedRevision & { unit_name: string }>;
  /** the approval of the quarter for this unit or one above it, if given */
  approval: Approval | null;
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
  const lockedRevisions = (await approvedRevisions(db, now.unit.unit_id, quarter)).map((r) => ({
    ...r,
    unit_name: units.get(r.unit_id)?.name ?? r.unit_code ?? r.unit_id,
  }));
  const approval = await approvalCovering(db, units, unit, quarter);
  if (!review) {
    return {
      data: now,
      review: null,
      differences: [],
      showing: 'current',
      lockedRevisions,
      approval,
    };
  }
  return {
    data: current ? now : review.snapshot,
    review,
    differences: packDifferences(review.snapshot, now),
    showing: current ? 'current' : 'reviewed',
    lockedRevisions,
    approval,
  };
}

/** Who reviewed or approved, as a reader may see it: a login or a token's label, never a token id. */
export function reviewerName(ctx: PageContext, by: string): string {
  const user = /^user:(.+)$/.exec(by);
  if (user) return user[1];
  const token = /^token:[^\s]+(?: \((.*)\))?$/.exec(by);
  if (!token) return by;
  return token[1]?.trim() || ctx.w.t('pack_role_admin');
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
  const national = d.unit.level === 'national';
  const superior = superiorBody(w, d.unit.name, d.unit.level);
  const reviewed = page.review
    ? html`<p class="reviewed" role="note">
        ${w.t('pack_reviewed_by', {
          date: w.dateTime(page.review.reviewed_at),
          by: reviewerName(ctx, page.review.reviewed_by),
        })}
        ${
          page.showing === 'reviewed'
            ? html`<a
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
  // an approved figure revised afterwards (an admin's load, flagged): listed whether or not the
  // pack was reviewed, because the approval is what the committee relied on
  const locked =
    page.lockedRevisions.length === 0
      ? ''
      : html`<section aria-labelledby="locked-revisions">
          <h2 id="locked-revisions">${w.t('pack_locked_revisions')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">${w.t('pack_locked_unit')}</th>
                <th scope="col">${w.t('pack_locked_figure')}</th>
                <th scope="col" class="num">${w.t('pack_locked_before')}</th>
                <th scope="col" class="num">${w.t('pack_locked_after')}</th>
                <th scope="col">${w.t('pack_locked_approval')}</th>
              </tr>
            </thead>
            <tbody>
              ${page.lockedRevisions.map(
                (r) =>
                  html`<tr>
                    <td>${r.unit_name}</td>
                    <td>${w.period(r.period)} · <code>${r.metric}</code></td>
                    <td class="num">${w.int(r.previous_value)}</td>
                    <td class="num">${w.int(r.value)}</td>
                    <td>
                      ${w.t('pack_locked_approved', {
                        period: w.period(r.approved_period),
                        date: w.dateTime(r.approved_at),
                        by: reviewerName(ctx, r.approved_by),
                        at: w.dateTime(r.flagged_at),
                      })}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </section>`;
  const recipients = national
    ? [
        w.t('pack_recipient_national_1'),
        w.t('pack_recipient_national_2'),
        w.t('pack_recipient_members'),
        w.t('pack_recipient_archive'),
      ]
    : [
        w.t('pack_recipient_unit_1'),
        w.t('pack_recipient_unit_2', { superior }),
        w.t('pack_recipient_members'),
        w.t('pack_recipient_archive'),
      ];
  return html`
    ${OFFICIAL_STYLE}
    <article class="official">
      ${officialHeader(w, {
        superior,
        issuer: w.t('pack_issuer'),
        number: w.t('pack_number'),
        placeDate: placeAndDate(w, placeName(d.unit.name, d.unit.level), ctx.today),
        kind: w.t('pack_doc_kind'),
        subject: w.t('pack_doc_subject', { period: w.period(d.quarter) }),
        unit: d.unit.name,
      })}
      ${d.synthetic ? html`<p class="doc-synthetic">${w.t('pack_synthetic_doc')}</p>` : ''}
      ${reviewed} ${summarySection(ctx, d)} ${chartsSection(ctx, d)} ${overdueSection(ctx, d)}
      ${lateSection(ctx, d)} ${caveatsSection(ctx, d)} ${differences} ${locked}
      ${recipientsAndSignature(w, recipients, {
        for: w.t('pack_sign_for'),
        title: w.t('pack_sign_title'),
        hint: w.t('pack_sign_hint'),
      })}
      ${annexSection(ctx, d)}
    </article>
    ${options.forms ? packActions(ctx, page) : ''}
  `;
}

/**
 * On screen only: the PDF, the quarter's approval, and for a signed-in admin or planner the forms
 * that approve the quarter's figures and save the pack as reviewed (a session and its CSRF token:
 * no token is ever typed into a page).
 */
function packActions(ctx: PageContext, page: PackPage): Html {
  const { w, viewer } = ctx;
  const d = page.data;
  const fields = html`<input type="hidden" name="unit" value="${d.unit.unit_id}" />
    <input type="hidden" name="period" value="${d.quarter}" />
    <input type="hidden" name="lang" value="${ctx.lang}" />
    ${raw(viewer?.csrfField ?? '')}`;
  const approval = page.approval
    ? html`<p class="approved" role="note">
        ${w.t('pack_approved_on', {
          period: w.period(page.approval.period),
          date: w.dateTime(page.approval.approved_at),
          by: reviewerName(ctx, page.approval.approved_by),
        })}
      </p>`
    : html`<p>${w.t('pack_not_approved', { period: w.period(d.quarter) })}</p>`;
  const mayApprove = viewer && (viewer.role === 'admin' || viewer.role === 'planner');
  return html`<section class="no-print" aria-labelledby="actions">
    <h2 id="actions">${w.t('pack_print')}</h2>
    <p>
      <a href="${href(ctx, '/pack.pdf', { unit: d.unit.unit_id, period: d.quarter })}"
        >${w.t('pack_print_pdf')}</a
      >
    </p>
    <h3>${w.t('pack_approve_title')}</h3>
    ${approval}
    ${
      mayApprove && !page.approval
        ? html`<form method="post" action="/pack/approve">
            ${fields}
            <p class="muted">${w.t('pack_approve_hint')}</p>
            <button type="submit">
              ${w.t('pack_approve_button', { period: w.period(d.quarter) })}
            </button>
          </form>`
        : ''
    }
    <h3>${w.t('pack_review_title')}</h3>
    ${
      viewer?.role === 'admin'
        ? html`<form method="post" action="/pack/review">
            ${fields}
            <button type="submit">${w.t('pack_freeze')}</button>
          </form>`
        : viewer
          ? html`<p class="muted">${w.t('pack_review_admin_only')}</p>`
          : html`<p>
              <a
                href="${href(ctx, '/login', {
                  next: `/pack?${new URLSearchParams({ unit: d.unit.unit_id, period: d.quarter })}`,
                })}"
                >${w.t('signin_link')}</a
              >
              ${w.t('pack_sign_in_to_act')}
            </p>`
    }
  </section>`;
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
