// Plans (Kế hoạch): the plans list with what each contains (and how many of its targets can be
// measured), and one plan whole — what it was encoded from (a press summary is not the legal
// text), the points to fix in the document first (inconsistencies above all), then its lineage,
// targets with their measure, sources and confidence, tasks by group with what is overdue, and
// the procedures it names.
import { listPlans, planDetail } from '../../api/services/plans.ts';
import { listTasks } from '../../api/services/tasks.ts';
import { catalogue } from '../../api/services/indicators.ts';
import type { PlanResponse, PlanRow } from '../../api/schemas/plans.ts';
import { html, type Html } from '../render/html.ts';
import { layout, href, type PageContext } from '../layout.ts';
import type { Key } from '../i18n/index.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';
import { COMPARATORS, levelWord } from './common.ts';
import type { PageData } from './index.ts';

/** Note kinds, the ones a planner must fix first. */
const NOTE_KINDS: Record<string, Key> = {
  inconsistency: 'plans_note_kind_inconsistency',
  omission: 'plans_note_kind_omission',
  ambiguity: 'plans_note_kind_ambiguity',
  encoding: 'plans_note_kind_encoding',
};
const NOTE_ORDER = Object.keys(NOTE_KINDS);

const TASK_STATUS: Record<string, Key> = {
  planned: 'plans_task_planned',
  in_progress: 'plans_task_in_progress',
  done: 'plans_task_done',
  cancelled: 'plans_task_cancelled',
};

const SOURCE_KINDS: Record<PlanRow['source_kind'], Key> = {
  legal_text: 'plans_source_kind_legal_text',
  restatement: 'plans_source_kind_restatement',
  press_summary: 'plans_source_kind_press_summary',
  synthetic: 'plans_source_kind_synthetic',
};

const CONFIDENCE: Record<string, Key> = {
  high: 'plans_confidence_high',
  medium: 'plans_confidence_medium',
  low: 'plans_confidence_low',
};

const planPath = (id: string) => `/plans/${encodeURIComponent(id)}`;

/** A pill saying the plan is not encoded from its own legal text; nothing when it is. */
function sourcePill(ctx: PageContext, kind: PlanRow['source_kind']): Html {
  return kind === 'legal_text'
    ? html``
    : html` <span class="pill source-kind" data-source-kind="${kind}"
        >${ctx.w.t(SOURCE_KINDS[kind])}</span
      >`;
}

type Link = Pick<PlanRow, 'plan_id' | 'document_no' | 'title' | 'stub'>;

function planLink(ctx: PageContext, p: Link): Html {
  const { w } = ctx;
  return html`<a href="${href(ctx, planPath(p.plan_id))}"
      >${p.document_no ?? w.t('plans_no_number')}</a
    >
    — ${p.title}${p.stub ? html` <span class="pill">${w.t('plans_stub')}</span>` : ''}`;
}

export async function render(ctx: PageContext, { db }: PageData): Promise<string> {
  const { w } = ctx;
  const { plans } = await listPlans(db);
  const byId = new Map(plans.map((p) => [p.plan_id, p]));
  const body = html`<table class="plans">
    <caption>
      ${w.t('plans_title')} (${w.int(plans.length)})
    </caption>
    <thead>
      <tr>
        <th scope="col">${w.t('document_no')}</th>
        <th scope="col">${w.t('plan')}</th>
        <th scope="col">${w.t('issued_on')}</th>
        <th scope="col">${w.t('unit')}</th>
        <th scope="col">${w.t('plans_parent')}</th>
        <th scope="col" class="num">${w.t('targets')}</th>
        <th scope="col" class="num" title="${w.t('plans_measured_title')}">
          ${w.t('plans_measured')}
        </th>
        <th scope="col" class="num">${w.t('tasks')}</th>
        <th scope="col" class="num">${w.t('procedures')}</th>
        <th scope="col" class="num">${w.t('notes')}</th>
      </tr>
    </thead>
    <tbody>
      ${plans.map((p) => {
        const parent = p.parent_plan_id ? byId.get(p.parent_plan_id) : undefined;
        return html`<tr data-plan="${p.plan_id}">
          <td>${p.document_no ?? html`<span class="muted">${w.t('plans_no_number')}</span>`}</td>
          <th scope="row">
            <a href="${href(ctx, planPath(p.plan_id))}">${p.title}</a>
            ${p.stub ? html` <span class="pill">${w.t('plans_stub')}</span>` : ''}${sourcePill(
              ctx,
              p.source_kind,
            )}
          </th>
          <td>${w.date(p.issued_on)}</td>
          <td>${p.unit_name} <span class="muted">(${p.unit_code})</span></td>
          <td>
            ${
              parent
                ? html`<a href="${href(ctx, planPath(parent.plan_id))}"
                    >${parent.document_no ?? parent.title}</a
                  >`
                : (p.parent_plan_id ?? '—')
            }
          </td>
          <td class="num">${w.int(p.targets)}</td>
          <td class="num measured">
            ${
              p.targets_total === 0
                ? '—'
                : html`<span
                    class="${p.targets_measured < p.targets_total ? 'status off_track' : ''}"
                    >${w.int(p.targets_measured)} / ${w.int(p.targets_total)}</span
                  >`
            }
          </td>
          <td class="num">${w.int(p.tasks)}</td>
          <td class="num">${w.int(p.procedures)}</td>
          <td class="num">
            ${w.int(p.notes)}
            ${
              p.inconsistencies
                ? html`<br /><span class="status off_track"
                      ><span aria-hidden="true">!</span> ${w.int(p.inconsistencies)}
                      ${w.t('plans_note_kind_inconsistency').toLowerCase()}</span
                    >`
                : ''
            }
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
  return layout(ctx, { title: w.t('plans_title'), page: 'plans', body });
}

export async function renderPlan(
  ctx: PageContext,
  { db, units, params }: PageData,
): Promise<string> {
  const { w } = ctx;
  const d = await planDetail(db, units, { plan_id: params.id ?? '' });
  const p = d.plan;
  const cat = await catalogue(db);
  const indicatorNames = new Map(
    cat.indicators.map((i) => [i.indicator_id, ctx.lang === 'vi' ? i.name_vi : i.name_en]),
  );
  const overdue = new Set(
    (await listTasks(db, units, { plan: p.plan_id, as_of: ctx.today })).tasks
      .filter((t) => t.overdue)
      .map((t) => t.seq),
  );
  const number = p.document_no ?? w.t('plans_no_number');

  const caveat =
    p.source_kind === 'legal_text'
      ? html``
      : html`<p class="note source-kind" role="note" data-source-kind="${p.source_kind}">
          <strong>${w.t(SOURCE_KINDS[p.source_kind])}</strong>
        </p>`;
  const facts = html`${caveat}
    <dl class="plan-facts">
      <dt>${w.t('document_no')}</dt>
      <dd>${number}</dd>
      <dt>${w.t('issued_on')}</dt>
      <dd>${p.issued_on_text ?? w.date(p.issued_on)}</dd>
      <dt>${w.t('plans_issuer')}</dt>
      <dd>${p.issuer}</dd>
      <dt>${w.t('unit')}</dt>
      <dd>
        ${
          p.unit_id
            ? html`<a href="${href(ctx, `/unit/${encodeURIComponent(p.unit_id)}`)}"
                >${p.unit_name}</a
              >`
            : p.unit_name
        }
        <span class="muted">(${w.t('unit_code').toLowerCase()} <code>${p.unit_code}</code>)</span>
      </dd>
      <dt>${w.t('plans_report_due')}</dt>
      <dd>
        ${p.report_due_day === null ? '—' : w.t('plans_report_due_day', { day: p.report_due_day })}
        ${p.report_due_clause ? html`<span class="muted">(${p.report_due_clause})</span>` : ''}
      </dd>
      <dt>${w.t('plans_count')}</dt>
      <dd>
        ${w.t('targets')}: ${w.int(p.targets)} (${w.t('plans_measured').toLowerCase()}:
        ${w.int(p.targets_measured)} / ${w.int(p.targets_total)}) · ${w.t('tasks')}:
        ${w.int(p.tasks)} · ${w.t('procedures')}: ${w.int(p.procedures)} · ${w.t('notes')}:
        ${w.int(p.notes)}
      </dd>
      <dt>${w.t('source')}</dt>
      <dd class="muted">
        <!-- the encoder's provenance note (English, with file paths): for analysts, as code -->
        <code class="provenance">${p.source}</code> — ${w.t('plans_definition_file')}:
        <code>${p.definition_file}</code>
      </dd>
      <dt>${w.t('plans_source_kind')}</dt>
      <dd>${w.t(SOURCE_KINDS[p.source_kind])}</dd>
      ${
        p.source_urls.length === 0
          ? ''
          : html`<dt>${w.t('plans_source_urls')}</dt>
              <dd>
                <ul class="source-urls">
                  ${p.source_urls.map(
                    (u) =>
                      html`<li>
                        <a href="${u}" rel="noopener noreferrer external"><code>${u}</code></a>
                      </li>`,
                  )}
                </ul>
              </dd>`
      }
    </dl>`;

  const body = html`
    ${facts} ${notes(ctx, d)} ${lineage(ctx, d)}
    <section aria-labelledby="targets">
      <h2 id="targets">${w.t('targets')} (${w.int(d.targets.length)})</h2>
      ${d.targets.length === 0 ? html`<p class="muted">${w.t('none')}</p>` : targetsTable(ctx, d, units, indicatorNames)}
    </section>
    <section aria-labelledby="tasks">
      <h2 id="tasks">
        ${w.t('tasks')} (${w.int(d.tasks.length)}; ${w.t('overdue').toLowerCase()}
        ${w.int(overdue.size)})
      </h2>
      ${d.tasks.length === 0 ? html`<p class="muted">${w.t('none')}</p>` : tasksByGroup(ctx, d, overdue)}
    </section>
    <section aria-labelledby="procedures">
      <h2 id="procedures">${w.t('procedures')} (${w.int(d.procedures.length)})</h2>
      ${d.procedures.length === 0 ? html`<p class="muted">${w.t('none')}</p>` : proceduresTable(ctx, d)}
    </section>
  `;
  return layout(ctx, { title: `${number} — ${p.title}`, page: 'plans', body });
}

/** The points to fix in the document, inconsistencies first: what a planner comes here for. */
function notes(ctx: PageContext, d: PlanResponse): Html {
  const { w } = ctx;
  if (d.notes.length === 0) return html``;
  const rank = (kind: string) => {
    const i = NOTE_ORDER.indexOf(kind);
    return i < 0 ? NOTE_ORDER.length : i;
  };
  const sorted = [...d.notes].sort((a, b) => rank(a.kind) - rank(b.kind) || a.seq - b.seq);
  const inconsistencies = d.notes.filter((n) => n.kind === 'inconsistency').length;
  return html`<section class="plan-notes" aria-labelledby="notes">
    <h2 id="notes"><span aria-hidden="true">⚠</span> ${w.t('notes')} (${w.int(d.notes.length)})</h2>
    <p role="note">
      <strong
        >${w.t('plans_notes_lead', { n: w.int(d.notes.length), k: w.int(inconsistencies) })}</strong
      >
    </p>
    <table class="notes">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">${w.t('severity')}</th>
          <th scope="col">${w.t('plans_clause')}</th>
          <th scope="col">${w.t('message')}</th>
        </tr>
      </thead>
      <tbody>
        ${sorted.map(
          (n) =>
            html`<tr data-kind="${n.kind}">
              <td>${n.seq}</td>
              <td>
                ${
                  n.kind === 'inconsistency'
                    ? html`<span class="status off_track"
                        ><span aria-hidden="true">!</span> ${w.t(NOTE_KINDS[n.kind])}</span
                      >`
                    : NOTE_KINDS[n.kind]
                      ? w.t(NOTE_KINDS[n.kind])
                      : n.kind
                }
              </td>
              <td>${n.clause ?? '—'}</td>
              <td>${noteText(ctx, n)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/**
 * A note in the page's language: the Vietnamese text the plan file gives (`text_vi`); without one
 * (a plan file not yet translated) the English text, marked as English and as untranslated.
 */
function noteText(ctx: PageContext, n: PlanResponse['notes'][number]): Html {
  if (ctx.lang === 'en') return html`${n.text}`;
  if (n.text_vi) return html`${n.text_vi}`;
  return html`<span class="muted">${ctx.w.t('plans_note_untranslated')}</span>
    <span lang="en">${n.text}</span>`;
}

/** "percent" and "count" as a reader reads them: 100%, 500.000. */
function measureUnit(ctx: PageContext, unitOfMeasure: string | null): string {
  if (unitOfMeasure === null || unitOfMeasure === '' || unitOfMeasure === 'count') return '';
  if (unitOfMeasure === 'percent') return '%';
  return ctx.w.t('plans_unit_other', { unit: unitOfMeasure });
}

function lineage(ctx: PageContext, d: PlanResponse): Html {
  const { w } = ctx;
  return html`<section aria-labelledby="lineage">
    <h2 id="lineage">${w.t('lineage')}</h2>
    <nav aria-label="${w.t('lineage')}">
      <ol class="lineage">
        ${d.ancestors.map((a) => html`<li>${planLink(ctx, a)}</li>`)}
        <li aria-current="page">
          <strong>${w.t('plans_this')}:</strong> ${d.plan.document_no ?? w.t('plans_no_number')} —
          ${d.plan.title}
          ${
            d.children.length
              ? html`<ol>
                  ${d.children.map((c) => html`<li>${planLink(ctx, c)}</li>`)}
                </ol>`
              : ''
          }
        </li>
      </ol>
    </nav>
    ${d.children.length === 0 ? html`<p class="muted">${w.t('plans_children')}: ${w.t('none').toLowerCase()}</p>` : ''}
  </section>`;
}

function targetsTable(
  ctx: PageContext,
  d: PlanResponse,
  units: UnitIndex,
  indicatorNames: Map<string, string>,
): Html {
  const { w } = ctx;
  // the unit whose figures a target is read on: its own code at its deadline, else the plan's
  // unit; none (the country) when neither names a unit we hold (a district plan in the demo)
  const unitOf = (t: PlanResponse['targets'][number]): string | null => {
    if (t.unit_code === null)
      return d.plan.unit_id && units.get(d.plan.unit_id) ? d.plan.unit_id : null;
    const found = units.byCodeAt(t.unit_code, t.deadline);
    return found.length === 1 ? found[0].unit_id : null;
  };
  // a scope code as its unit's name at the deadline ("91" → Tỉnh Kiên Giang)
  const unitName = (code: string, date: string) => {
    const found = units.byCodeAt(code, date);
    return found.length === 1 ? found[0].full_name : code;
  };
  const planCite = (id: string) =>
    id === d.plan.plan_id
      ? (d.plan.document_no ?? d.plan.title)
      : ([...d.ancestors, ...d.children].find((a) => a.plan_id === id)?.document_no ??
        ctx.w.t('plans_other_plan'));
  return html`<table class="plan-targets">
    <thead>
      <tr>
        <th scope="col">${w.t('indicator')}</th>
        <th scope="col">${w.t('plans_measure')}</th>
        <th scope="col">${w.t('plans_scope')}</th>
        <th scope="col" class="num">${w.t('target')}</th>
        <th scope="col">${w.t('plans_window')}</th>
        <th scope="col">${w.t('deadline')}</th>
        <th scope="col">${w.t('plans_clause')}</th>
        <th scope="col">${w.t('plans_confidence')}</th>
        <th scope="col">${w.t('plans_source_urls')}</th>
      </tr>
    </thead>
    <tbody>
      ${d.targets.map(
        (t) =>
          html`<tr data-target="${t.target_id}">
            <td>
              ${
                t.indicator_id
                  ? html`<a
                      href="${href(ctx, `/indicator/${encodeURIComponent(t.indicator_id)}`, {
                        unit: unitOf(t),
                      })}"
                      >${indicatorNames.get(t.indicator_id) ?? t.indicator_id}</a
                    >`
                  : t.measure_kind === 'metric'
                    ? html`<span class="declared-metric" title="${w.t('plans_declared_metric')}"
                          ><code>${t.numerator_metric}</code>${
                            t.denominator_metric
                              ? html` / <code>${t.denominator_metric}</code>`
                              : ''
                          }</span
                        >
                        <br /><span class="muted">${w.t('plans_declared_metric')}</span>`
                    : html`<span class="muted">${w.t('plans_no_indicator')}</span>`
              }
              ${
                t.adopted_from
                  ? html`<br /><span class="adopted"
                        >${w.t('plans_adopted_from')}:
                        <a href="${href(ctx, planPath(t.adopted_from.split('/')[0]))}"
                          >${planCite(t.adopted_from.split('/')[0])}</a
                        ></span
                      >`
                  : ''
              }
            </td>
            <td title="${t.quote}">${t.measure}</td>
            <td>
              ${t.unit_code ? unitName(t.unit_code, t.deadline) : t.level ? levelWord(w, t.level) : '—'}
            </td>
            <td class="num">
              ${COMPARATORS[t.comparator]}
              ${w.num(t.value, 2)}${measureUnit(ctx, t.unit_of_measure)}
            </td>
            <td>${w.date(t.window_start)}</td>
            <td>${w.date(t.deadline)}</td>
            <td>${t.clause}</td>
            <td class="confidence" data-confidence="${t.confidence ?? ''}">
              ${t.confidence ? w.t(CONFIDENCE[t.confidence]) : '—'}
            </td>
            <td class="sources">
              ${
                t.source_urls.length === 0
                  ? '—'
                  : t.source_urls.map(
                      (u, i) =>
                        html`<a href="${u}" rel="noopener noreferrer external" title="${u}"
                          >[${i + 1}]</a
                        > `,
                    )
              }
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function tasksByGroup(ctx: PageContext, d: PlanResponse, overdue: Set<number>): Html {
  const { w } = ctx;
  const groups = new Map<string, PlanResponse['tasks']>();
  for (const t of d.tasks) {
    const key = t.group_name ?? '';
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return html`${[...groups.entries()].map(
    ([group, tasks]) =>
      html`<table class="plan-tasks">
        <caption>
          ${group || w.t('plans_ungrouped')} (${w.int(tasks.length)})
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">${w.t('tasks')}</th>
            <th scope="col">${w.t('lead')}</th>
            <th scope="col">${w.t('plans_deadline_text')}</th>
            <th scope="col">${w.t('status')}</th>
          </tr>
        </thead>
        <tbody>
          ${tasks.map(
            (t) =>
              html`<tr data-seq="${t.seq}" class="${overdue.has(t.seq) ? 'overdue' : ''}">
                <td>${t.number}</td>
                <td>${t.title}</td>
                <td>${t.lead || '—'}</td>
                <td>
                  ${t.deadline_text ?? '—'}
                  ${t.due_on ? html`<br /><span class="muted">${w.date(t.due_on)}</span>` : ''}
                </td>
                <td>
                  ${TASK_STATUS[t.status] ? w.t(TASK_STATUS[t.status]) : t.status}
                  ${
                    overdue.has(t.seq)
                      ? html`<br /><span class="status off_track"
                            ><span aria-hidden="true">!</span> ${w.t('overdue')}</span
                          >`
                      : ''
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  )}`;
}

function proceduresTable(ctx: PageContext, d: PlanResponse): Html {
  const { w } = ctx;
  return html`<table class="plan-procedures">
    <thead>
      <tr>
        <th scope="col">#</th>
        <th scope="col">${w.t('procedures')}</th>
        <th scope="col">${w.t('online_level')}</th>
        <th scope="col">${w.t('lead')}</th>
        <th scope="col">${w.t('deadline')}</th>
        <th scope="col">${w.t('status')}</th>
      </tr>
    </thead>
    <tbody>
      ${d.procedures.map(
        (p) =>
          html`<tr>
            <td>${p.number}</td>
            <td>${p.name}</td>
            <td>${p.online_level ?? '—'}</td>
            <td>${p.lead ?? '—'}</td>
            <td>
              ${p.deadline_text ?? '—'}
              ${p.due_on ? html`<br /><span class="muted">${w.date(p.due_on)}</span>` : ''}
            </td>
            <td>${TASK_STATUS[p.status] ? w.t(TASK_STATUS[p.status]) : p.status}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
