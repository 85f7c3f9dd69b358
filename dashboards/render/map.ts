// The provinces' tile map as a page section: the layout of the date's map (63 provinces before
// 1/7/2025, 34 from then; data/units/tile-grid-*.csv), the national ranking of one indicator for
// the period, the chart, its legend (the site's status words and icons) and the same figures as a
// table. The overview and the indicator page each insert it with one call.
import { readFileSync } from 'node:fs';
import type { Database } from '../../pipelines/db/connect.ts';
import { projectFile } from '../../pipelines/db/connect.ts';
import { NATIONAL, type Unit } from '../../pipelines/normalize/units.ts';
import type { FigurePeriod } from '../../pipelines/normalize/lookup.ts';
import { formatPeriod, periodEnd } from '../../pipelines/normalize/periods.ts';
import { ranking } from '../../api/services/ranking.ts';
import { catalogue } from '../../api/services/indicators.ts';
import type { RankingResponse } from '../../api/schemas/ranking.ts';
import {
  tilemapChart,
  tilemapModel,
  type TilePosition,
  type TileValue,
} from '../charts/tilemap.ts';
import { renderPlotCached } from './plot.ts';
import { shared } from './memo.ts';
import { html, raw, type Html } from './html.ts';
import type { PageContext } from '../layout.ts';

/** The side of a tile in the svg's units (it scales with the page, render/plot.ts). */
const TILE = 64;

/** The day the 34 provinces took over from the 63 (Nghị quyết 202/2025/QH15). */
export const REFORM_DAY = '2025-07-01';

const layouts = new Map<string, TilePosition[]>();

/** A layout file: code,name,short,col,row (no quoted fields). */
export function readTileGrid(file: string): TilePosition[] {
  const cached = layouts.get(file);
  if (cached) return cached;
  const [header, ...lines] = readFileSync(projectFile(file), 'utf8').trim().split(/\r?\n/);
  const cols = header.split(',');
  const at = (name: string) => cols.indexOf(name);
  const grid = lines.map((line) => {
    const f = line.split(',');
    return {
      code: f[at('code')],
      name: f[at('name')],
      short: f[at('short')],
      col: Number(f[at('col')]),
      row: Number(f[at('row')]),
    };
  });
  layouts.set(file, grid);
  return grid;
}

/** The layout of the provinces as they stood on a day. */
export function tileGridOn(date: string): TilePosition[] {
  return readTileGrid(
    date >= REFORM_DAY ? 'data/units/tile-grid-34.csv' : 'data/units/tile-grid-63.csv',
  );
}

/** The national ranking's rows as the map reads them. */
export function tileValues(rank: RankingResponse): TileValue[] {
  return rank.rows.map((r) => ({
    code: r.code,
    name: r.name,
    actual: r.actual,
    status: r.target?.status ?? null,
    coverage: r.coverage,
  }));
}

export interface MapSectionOptions {
  /** the indicator to map; without it, the reader's ?map= among `choices`, else the first bound */
  indicator?: string;
  period: FigurePeriod;
  /** the unit the page is about: its province's tile is outlined */
  selected: Unit;
  /** the national ranking when the page already has it (the indicator page at VN) */
  ranking?: RankingResponse;
  /** indicators to choose from (the overview's scorecard rows): a form switches the map's */
  choices?: {
    indicator_id: string;
    name_vi: string;
    name_en: string;
    actual: number | null;
    targets: unknown[];
  }[];
  /** where the form goes */
  action?: string;
}

export async function provinceMap(
  db: Database,
  ctx: PageContext,
  options: MapSectionOptions,
): Promise<Html> {
  const { w } = ctx;
  const choices = options.choices ?? [];
  const indicator =
    options.indicator ??
    choices.find((c) => c.indicator_id === ctx.query.map)?.indicator_id ??
    // by default the one most provinces have a figure for: the ID card coverage, else the first
    // with a figure and a target, else the first with a figure
    choices.find((c) => c.indicator_id === 'cccd_coverage' && c.actual !== null)?.indicator_id ??
    choices.find((c) => c.actual !== null && c.targets.length)?.indicator_id ??
    choices.find((c) => c.actual !== null)?.indicator_id ??
    choices[0]?.indicator_id;
  if (!indicator) return html``;
  const period = formatPeriod(options.period);
  const date = periodEnd(options.period);
  const rank =
    options.ranking?.unit.unit_id === NATIONAL.unit_id && options.ranking.period === period
      ? options.ranking
      : // the national map of an indicator and period is the same for every unit's overview
        await shared(ctx, db, ranking, { indicator, unit: NATIONAL, period: options.period });
  const info = (await shared(ctx, db, catalogue)).indicators.find(
    (i) => i.indicator_id === rank.indicator_id,
  );
  const unitKind = info?.unit === 'percent' ? 'percent' : 'count';
  const indicatorName = info
    ? ctx.lang === 'vi'
      ? info.name_vi
      : info.name_en
    : rank.indicator_id;
  const grid = tileGridOn(date);
  const values = tileValues(rank);
  const selected = options.selected.level === 'province' ? options.selected.code : null;
  const title = w.t('map_of', { indicator: indicatorName, period: w.period(period) });
  const model = tilemapModel(grid, values, { lang: ctx.lang, unit: unitKind });
  const description = model.legend.map((e) => `${e.label}: ${e.count}`).join('; ');
  const width = (Math.max(...grid.map((t) => t.col)) + 1) * TILE;
  const svg = renderPlotCached(
    ['tilemap', date >= REFORM_DAY, values, ctx.lang, unitKind, selected, TILE],
    () =>
      tilemapChart(grid, values, { lang: ctx.lang, unit: unitKind, title, selected, tile: TILE }),
    { title, description },
  );
  const form = choices.length
    ? html`<form class="filters no-print" method="get" action="${options.action ?? '/'}">
        <input type="hidden" name="unit" value="${options.selected.unit_id}" />
        <input type="hidden" name="period" value="${period}" />
        ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
        <label
          >${w.t('map_indicator')}
          <select name="map">
            ${choices.map(
              (c) =>
                html`<option
                  value="${c.indicator_id}"
                  ${c.indicator_id === rank.indicator_id ? raw('selected') : ''}
                >
                  ${ctx.lang === 'vi' ? c.name_vi : c.name_en}
                </option>`,
            )}
          </select>
        </label>
        <button type="submit">${w.t('show')}</button>
      </form>`
    : '';
  const byCode = new Map(model.tiles.map((t) => [t.code, t]));
  return html`<section class="province-map" aria-labelledby="province-map">
    <h2 id="province-map">${w.t('map_heading')} — ${indicatorName}, ${w.period(period)}</h2>
    ${form}
    <p class="muted">
      ${w.t('map_intro', { n: grid.length, date: w.date(date) })}
      ${w.t(model.mode === 'status' ? 'map_colour_status' : 'map_colour_value')}
    </p>
    <div style="display:flex;flex-wrap:wrap;gap:1em 2em;align-items:flex-start">
      <figure
        class="chart tilemap"
        style="flex:0 1 ${String(width)}px;margin:0"
        data-tiles="${grid.length}"
      >
        ${raw(svg)}
      </figure>
      <div style="flex:1 1 16em;position:sticky;top:0.5em">
        <h3>${w.t('map_legend')}</h3>
        <ul class="legend" style="list-style:none;padding:0">
          ${model.legend.map(
            (e) =>
              html`<li style="margin:0.3em 0">
                <span
                  aria-hidden="true"
                  style="display:inline-block;width:1.2em;height:1.2em;vertical-align:middle;border:1px solid #6e6e6e;background:${e.colour}"
                ></span>
                ${e.label}: ${w.int(e.count)}
              </li>`,
          )}
        </ul>
        <details>
          <summary>${w.t('table_alternative')} — ${w.t('map_heading')}</summary>
          <table>
            <caption>
              ${title}
            </caption>
            <thead>
              <tr>
                <th scope="col">${w.t('map_province')}</th>
                <th scope="col" class="num">${w.t('map_value')}</th>
                <th scope="col">${w.t('map_colour')}</th>
              </tr>
            </thead>
            <tbody>
              ${grid.map((p) => {
                const t = byCode.get(p.code);
                const legend = model.legend.find((e) => e.state === t?.state);
                return html`<tr>
                  <th scope="row">${t?.name ?? p.name}</th>
                  <td class="num">${t?.figure ?? '—'}</td>
                  <td>${legend?.label ?? ''}</td>
                </tr>`;
              })}
            </tbody>
          </table>
        </details>
      </div>
    </div>
  </section>`;
}
