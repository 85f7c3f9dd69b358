// Pieces every page uses: the unit and quarter a page is about (with its defaults), status badges,
// progress bars, and the filter form.
import type { Database } from '../../pipelines/db/connect.ts';
import {
  formatPeriod,
  parsePeriod,
  periodEnd,
  previousPeriod,
  type Period,
} from '../../pipelines/normalize/periods.ts';
import { validOn, type UnitIndex, type Unit } from '../../pipelines/normalize/units.ts';
import { findUnit, readPeriod } from '../../indicators/scorecard.ts';
import { html, raw, type Html } from '../render/html.ts';
import type { PageContext } from '../layout.ts';
import type { Words } from '../i18n/index.ts';

/** The last quarter that ended before `today`. */
export function lastCompleteQuarter(today: string): string {
  const year = Number(today.slice(0, 4));
  const quarter = Math.ceil(Number(today.slice(5, 7)) / 3) - 1;
  return quarter === 0 ? `${year - 1}-Q4` : `${year}-Q${quarter}`;
}

/**
 * The quarter a page shows: the one asked for, else the last complete quarter before today — or,
 * when that has no figures for the unit yet, the latest quarter that has.
 */
export async function pageQuarter(
  db: Database,
  ctx: PageContext,
  unitText: string,
  units: UnitIndex,
): Promise<string> {
  const asked = ctx.query.period ?? ctx.query.quarter;
  if (asked) return readPeriod(asked).period;
  const fallback = lastCompleteQuarter(ctx.today);
  const unit = findUnit(units, unitText, periodEnd(parsePeriod(fallback) as Period));
  const latest = await db.scalar<string | null>(
    `select max(period) from core.actuals
     where unit_id = $u and grain = 'quarter' and period <= $p`,
    { u: unit.unit_id, p: fallback },
  );
  return latest ?? fallback;
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

export function statusBadge(w: Words, id: string | null | undefined): Html {
  const s = w.status(id);
  return html`<span class="status ${s.id}"
    ><span aria-hidden="true">${s.icon}</span> ${s.word}</span
  >`;
}

/** A bar filled to the progress ratio (capped at 100 %), labelled for screen readers. */
export function progressBar(w: Words, ratio: number | null, status: string | null): Html {
  if (ratio === null) return html`<span class="muted">${w.t('no_data')}</span>`;
  const pct = Math.max(0, Math.min(1, ratio)) * 100;
  return html`<div
    class="bar ${w.status(status).id}"
    role="img"
    aria-label="${w.t('progress')}: ${w.pct(ratio * 100, 0)}"
  >
    <span style="width:${pct.toFixed(1)}%"></span>
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

export function unitQuarterForm(
  ctx: PageContext,
  units: UnitIndex,
  unit: Unit,
  quarter: string,
  action: string,
): Html {
  const { w } = ctx;
  const date = periodEnd(parsePeriod(quarter) as Period);
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
        ${quarterChoices(ctx.today).map(
          (q) =>
            html`<option value="${q}" ${q === quarter ? raw('selected') : ''}>
              ${w.period(q)}
            </option>`,
        )}
      </select>
    </label>
    ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
    <button type="submit">${w.t('show')}</button>
  </form>`;
}
