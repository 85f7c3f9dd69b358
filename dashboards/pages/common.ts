// Pieces the pages share: the unit and quarter (or months) a page is about, with their defaults;
// the page's query read by its API schema; filter fields and forms; status badges, progress bars,
// figures and the words for plans and their tasks.
import { memo } from '../render/memo.ts';
import type { z } from 'zod';
import type { Database } from '../../pipelines/db/connect.ts';
import { lastCompleteQuarter } from '../../pipelines/normalize/calendar.ts';
import {
  formatPeriod,
  parsePeriod,
  periodEnd,
  previousPeriod,
} from '../../pipelines/normalize/periods.ts';
import { validOn, type UnitIndex, type Unit } from '../../pipelines/normalize/units.ts';
import { findUnit, readPeriod, type FigurePeriod } from '../../pipelines/normalize/lookup.ts';
import { HttpError } from '../../api/errors.ts';
import type { PlanRow } from '../../api/schemas/plans.ts';
import { html, raw, type Html } from '../render/html.ts';
import type { PageContext } from '../layout.ts';
import type { Key, Words } from '../i18n/index.ts';
import { DISPLAY_IDS, displayId, type DisplayId } from '../../indicators/i18n/status.ts';
import { meets, type Comparator } from '../../indicators/compute/status.ts';

/** A page's unit and quarter, read from its query (the page's edge). */
export interface PageScope {
  unit: Unit;
  /** a quarter unless the reader asked for a month or a year */
  quarter: FigurePeriod;
}

/**
 * The unit and quarter a page shows: the quarter asked for, else the last complete quarter
 * before today — or, when that has no figures for the unit yet, the latest quarter that has; the
 * unit given (a code is read at the end of the quarter asked for, else of the last complete one).
 */
export async function pageScope(
  db: Database,
  ctx: PageContext,
  unitText: string,
  units: UnitIndex,
): Promise<PageScope> {
  const asked = ctx.query.period ?? ctx.query.quarter;
  if (asked) {
    const quarter = readPeriod(asked);
    return { unit: findUnit(units, unitText, periodEnd(quarter)), quarter };
  }
  const fallback = readPeriod(lastCompleteQuarter(ctx.today));
  const unit = findUnit(units, unitText, periodEnd(fallback));
  // the same for every page of this data version (render/memo.ts)
  const p = formatPeriod(fallback);
  const latest = await memo(
    db,
    ctx.meta.version,
    `latest-quarter\u0000${unit.unit_id}\u0000${p}`,
    () =>
      db.scalar<string | null>(
        `select max(period) from core.actuals
       where unit_id = $u and grain = 'quarter' and period <= $p`,
        { u: unit.unit_id, p },
      ),
  );
  return { unit, quarter: latest ? readPeriod(latest) : fallback };
}

export function previousQuarter(quarter: string): string | null {
  const p = parsePeriod(quarter);
  const before = p && previousPeriod(p);
  return before ? formatPeriod(before) : null;
}

/** Quarters from 2022-Q1 (the scheme's start) to the last complete one, newest first. */
export function quarterChoices(today: string): string[] {
  const last = lastCompleteQuarter(today);
  const out: string[] = [];
  for (let q: string | null = last; q && q >= '2022-Q1'; q = previousQuarter(q)) out.push(q);
  return out;
}

/**
 * The page's query read by the API's own schema (so a page accepts exactly what its API call
 * does): empty fields of a submitted form count as absent, `lang` is the layout's. A value the
 * schema refuses is the reader's mistake: 400, with the parameter and its value.
 */
export function readQuery<S extends z.ZodType>(
  schema: S,
  ctx: PageContext,
  omit: readonly string[] = [],
): z.output<S> {
  const given = Object.fromEntries(
    Object.entries(ctx.query).filter(([k, v]) => v !== '' && k !== 'lang' && !omit.includes(k)),
  );
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0] ?? '');
  throw new HttpError(
    400,
    'INVALID_QUERY',
    ctx.w.t('tasks_invalid', {
      detail: name in given ? `${name}=${given[name]}` : issue.message,
    }),
  );
}

/** A figure as the indicator counts it: 85,5% or 1.234.567. */
export function figure(w: Words, unit: string, value: number | null | undefined): string {
  return unit === 'percent' ? w.pct(value) : w.int(value);
}

/** Visually hidden but read aloud (style.css, `.visually-hidden`). */
export const visuallyHidden = (text: string): Html =>
  html`<span class="visually-hidden">${text}</span>`;

/** The badge of a display state (indicators/i18n/status.ts): icon, word and its one colour. */
export function stateBadge(w: Words, id: DisplayId, date?: string | null): Html {
  const s = w.state(id, date);
  return html`<span class="status ${s.id}" data-state="${s.id}" style="--status-colour:${s.colour}"
    ><span aria-hidden="true">${s.icon}</span> ${s.word}</span
  >`;
}

/**
 * An engine status as a badge where nothing else is known (a headline count of that status, a
 * legend); beside a figure use stateBadge(targetState(…)), which also says "no figure".
 */
export function statusBadge(w: Words, id: string | null | undefined): Html {
  return stateBadge(
    w,
    displayId({ status: id, actual: id === 'no_data' ? null : 0, hasTarget: true }),
  );
}

/** What a target shows for a unit in a period: see displayId for the rules. */
export function targetState(
  target: { status: string | null | undefined; window_start?: string | null } | null | undefined,
  actual: number | null | undefined,
  periodEnd?: string | null,
): DisplayId {
  return displayId({
    status: target?.status,
    actual,
    hasTarget: Boolean(target),
    windowStart: target?.window_start ?? null,
    periodEnd: periodEnd ?? null,
  });
}

/**
 * Where a value stands on the way from the baseline to the target: 0 at b, 1 at T, and 1 once it
 * meets the target (a baseline already past the target would otherwise draw a met target short).
 */
export function shareOfWay(
  value: number | null | undefined,
  baseline: number | null | undefined,
  target: number,
  comparator: string = '>=',
): number | null {
  if (value === null || value === undefined) return null;
  if (meets(value, comparator as Comparator, target)) return 1;
  const b = baseline ?? 0;
  if (target === b) return 0;
  return Math.max(0, Math.min(1, (value - b) / (target - b)));
}

export interface BarInput {
  unit: string;
  actual: number | null | undefined;
  baseline: number | null | undefined;
  target: number;
  comparator: string;
  projected?: number | null;
  state: DisplayId;
}

/**
 * Progress by the actual (issue 15.1): filled to the actual's share of the way from the baseline
 * to the target, labelled with both numbers ("758.799 / 900.000"); the value projected at the
 * deadline is a separate marker with its own label, never the fill. No figure: no bar.
 */
export function actualBar(w: Words, b: BarInput): Html {
  const share = shareOfWay(b.actual, b.baseline, b.target, b.comparator);
  if (share === null) return html``;
  const projected = shareOfWay(b.projected, b.baseline, b.target, b.comparator);
  const s = w.state(b.state);
  const both = `${figure(w, b.unit, b.actual)} / ${figure(w, b.unit, b.target)}`;
  const label = w.t('bar_label', {
    both,
    baseline: figure(w, b.unit, b.baseline ?? 0),
    pct: w.pct(share * 100, 0),
  });
  return html`<div class="progress">
    <div
      class="bar ${s.id}"
      role="img"
      aria-label="${label}"
      title="${label}"
      style="--status-colour:${s.colour}"
      data-actual="${String(b.actual)}"
      data-baseline="${String(b.baseline ?? 0)}"
      data-target="${String(b.target)}"
      data-comparator="${b.comparator}"
    >
      <span class="fill" style="width:${(share * 100).toFixed(1)}%"></span>
      ${
        projected !== null
          ? html`<span
              class="projection"
              style="left:${(projected * 100).toFixed(1)}%"
              aria-hidden="true"
            ></span>`
          : ''
      }
    </div>
    <span class="bar-figures">${both}</span>
    ${
      projected !== null
        ? html`<span class="bar-projection muted"
            >◆ ${w.t('bar_projection', { value: figure(w, b.unit, b.projected) })}</span
          >`
        : ''
    }
  </div>`;
}

/**
 * The old bar, filled to the engine's projected ratio: kept only so that dashboards/pages/pack.ts
 * compiles until it moves to actualBar (issue 15.1: the fill must be the actual's share).
 */
export function progressBar(w: Words, ratio: number | null, status: string | null): Html {
  if (ratio === null && status !== 'achieved') return html``;
  const value = ratio ?? 1;
  const pct = Math.max(0, Math.min(1, value)) * 100;
  return html`<div
    class="bar ${w.status(status).id}"
    role="img"
    aria-label="${w.t('progress')}: ${w.pct(value * 100, 0)}"
  >
    <span style="width:${pct.toFixed(1)}%"></span>
  </div>`;
}

/** A comparator as printed in plans: ≥ 90%, ≤ 5 days. */
export const COMPARATORS: Record<string, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<' };

/** The four headline statuses always, then any other status that some target has. */
export const HEADLINE = ['achieved', 'on_track', 'at_risk', 'off_track'] as const;

export function statusCounts(targets: Iterable<{ status: string }>): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(HEADLINE.map((s) => [s, 0]));
  for (const t of targets) counts[t.status] = (counts[t.status] ?? 0) + 1;
  return counts;
}

/** Targets counted by the state they show (targetState): the headline four always, then others. */
export function stateCounts(states: Iterable<DisplayId>): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(HEADLINE.map((s) => [s, 0]));
  for (const s of states) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

/** Counts by engine status (statusCounts) or by shown state (stateCounts), in the legend's order. */
export function headlineCards(w: Words, counts: Record<string, number>): Html {
  const asState = (s: string): DisplayId =>
    s === 'no_data'
      ? 'no_figure'
      : (DISPLAY_IDS as readonly string[]).includes(s)
        ? (s as DisplayId)
        : 'no_figure';
  const shown = DISPLAY_IDS.filter(
    (id) =>
      (HEADLINE as readonly string[]).includes(id) ||
      Object.keys(counts).some((k) => asState(k) === id && counts[k] > 0),
  );
  const total = (id: DisplayId) =>
    Object.entries(counts)
      .filter(([k]) => asState(k) === id)
      .reduce((n, [, v]) => n + v, 0);
  return html`<div class="cards">
    ${shown.map(
      (s) =>
        html`<div class="card ${s}" data-state="${s}" style="--status-colour:${w.state(s).colour}">
          <span class="big">${w.int(total(s))}</span> ${stateBadge(w, s)}
        </div>`,
    )}
  </div>`;
}

export function levelWord(w: Words, level: string): string {
  return w.t(`level_${level}` as Parameters<Words['t']>[0]);
}

/** Unit choices for a filter: the country and the provinces in existence at `date`. */
export function provinceChoices(units: UnitIndex, date: string, current: Unit): Unit[] {
  const alive = [...units.all()].filter(
    (u) => (u.level === 'national' || u.level === 'province') && validOn(u, date),
  );
  if (!alive.some((u) => u.unit_id === current.unit_id)) alive.push(current);
  return alive.sort((a, b) =>
    a.level === b.level ? a.name.localeCompare(b.name, 'vi') : a.level === 'national' ? -1 : 1,
  );
}

/**
 * Units a work page can be filtered by: the country and every province that existed at some day
 * of [start, end] (either open), dissolved ones marked with their last day; the current unit always.
 */
export function unitChoices(
  ctx: PageContext,
  units: UnitIndex,
  start: string | null,
  end: string | null,
  current: Unit | null,
): Choice[] {
  const overlaps = (u: Unit) =>
    (end === null || u.valid_from === null || u.valid_from <= end) &&
    (start === null || u.valid_to === null || u.valid_to >= start);
  const list = [...units.all()].filter(
    (u) => (u.level === 'national' || u.level === 'province') && overlaps(u),
  );
  if (current && !list.some((u) => u.unit_id === current.unit_id)) list.push(current);
  return list
    .sort((a, b) =>
      a.level !== b.level
        ? a.level === 'national'
          ? -1
          : 1
        : a.name.localeCompare(b.name, 'vi') ||
          (a.valid_from ?? '').localeCompare(b.valid_from ?? ''),
    )
    .map((u) => ({
      value: u.unit_id,
      label:
        u.valid_to && !validOn(u, ctx.today)
          ? `${u.full_name} (${ctx.w.t('quality_until', { date: ctx.w.date(u.valid_to) })})`
          : u.full_name,
    }));
}

/** The hidden field that keeps English on a submitted filter form. */
export const langField = (ctx: PageContext): Html =>
  ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : html``;

export interface Choice {
  value: string;
  label: string;
}

/** A labelled select whose first option ("all") is empty; the current value is always offered. */
export function selectField(
  ctx: PageContext,
  name: string,
  label: string,
  choices: Choice[],
  current: string | undefined,
): Html {
  const all =
    current && !choices.some((c) => c.value === current)
      ? [...choices, { value: current, label: current }]
      : choices;
  return html`<label
    >${label}
    <select name="${name}">
      <option value="">${ctx.w.t('all')}</option>
      ${all.map(
        (c) =>
          html`<option value="${c.value}" ${c.value === current ? raw('selected') : ''}>
            ${c.label}
          </option>`,
      )}
    </select>
  </label>`;
}

/**
 * The unit and quarter filter of the quarterly pages; `extra` goes before the submit button (the
 * indicator page's grain). A quarter outside the usual choices (asked for by URL) is still offered,
 * so the form shows what the page shows.
 */
export function unitQuarterForm(
  ctx: PageContext,
  units: UnitIndex,
  unit: Unit,
  shown: FigurePeriod,
  action: string,
  extra: Html = html``,
): Html {
  const { w } = ctx;
  const date = periodEnd(shown);
  const quarter = formatPeriod(shown);
  const quarters = quarterChoices(ctx.today);
  if (!quarters.includes(quarter)) quarters.unshift(quarter);
  return html`<form class="filters" method="get" action="${action}">
    <label
      >${w.t('unit')}
      <select name="unit">
        ${provinceChoices(units, date, unit).map(
          (u) =>
            html`<option value="${u.unit_id}" ${u.unit_id === unit.unit_id ? raw('selected') : ''}>
              ${u.full_name}
            </option>`,
        )}
      </select>
    </label>
    <label
      >${w.t('quarter')}
      <select name="period">
        ${quarters.map(
          (q) =>
            html`<option value="${q}" ${q === quarter ? raw('selected') : ''}>
              ${w.period(q)}
            </option>`,
        )}
      </select>
    </label>
    ${extra} ${langField(ctx)}
    <button type="submit">${w.t('show')}</button>
  </form>`;
}

/** A plan as people cite it: its number as printed (or, without one, its title), then whose it is. */
export const planLabel = (
  p: Pick<PlanRow, 'plan_id' | 'document_no' | 'unit_name' | 'title'>,
): string => `${p.document_no ?? p.title} — ${p.unit_name}`;

const PLAN_STATUS_KEYS: Record<string, Key> = {
  planned: 'tasks_status_planned',
  in_progress: 'tasks_status_in_progress',
  done: 'tasks_status_done',
  cancelled: 'tasks_status_cancelled',
};

/** Words for a task's or procedure's status in its plan; an unforeseen status reads as itself. */
export function planStatusWord(w: Words, status: string): string {
  const key = PLAN_STATUS_KEYS[status];
  return key ? w.t(key) : status;
}

/** Error codes a reader meets on a page, said in words (the detail stays, as code). */
const ERROR_WORDS: Record<string, Key> = {
  UNKNOWN_INDICATOR: 'error_unknown_indicator',
  UNKNOWN_UNIT: 'error_unknown_unit',
  AMBIGUOUS_UNIT: 'error_ambiguous_unit',
  UNKNOWN_PLAN: 'error_unknown_plan',
  INVALID_QUERY: 'error_invalid_query',
  INVALID_GRAIN: 'error_invalid_query',
  INVALID_PERIOD: 'error_invalid_period',
  INVALID_DATE: 'error_invalid_date',
  FORBIDDEN: 'error_forbidden',
};

/**
 * An error page's message in the reader's language: in Vietnamese the words for its code (or for
 * its HTTP status), the server's own text after it as a technical detail in <code>; in English
 * the server's text.
 */
export function errorText(
  ctx: Pick<PageContext, 'w' | 'lang'>,
  status: number,
  message: string,
  code?: string,
): Html {
  const { w } = ctx;
  if (ctx.lang === 'en') return html`<p role="alert">${message}</p>`;
  const key =
    (code && ERROR_WORDS[code]) ||
    (status === 404 ? 'not_found' : status < 500 ? 'error_invalid_query' : 'error_title');
  return html`<p role="alert">${w.t(key)}</p>
    ${status < 500 ? html`<p class="muted">${w.t('error_detail')}: <code>${message}</code></p>` : ''}`;
}
