// The provinces as a tile grid: one square per province at a roughly geographic place (the
// layouts are data: data/units/tile-grid-63.csv before 1/7/2025, tile-grid-34.csv from then),
// filled by the status of the province's binding target — or, when no province has one, by its
// value in five classes — and printed with a short name and the figure, so colour never speaks
// alone. A province without a figure in the period shows no status, only "no figure".
import * as Plot from '@observablehq/plot';
import { noDataChart } from './empty.ts';
import { chartLabels, chartWords, formats, type Lang, type ValueUnit } from './format.ts';
import {
  DISPLAY_IDS,
  displayId,
  displayState,
  type DisplayId,
} from '../../indicators/i18n/status.ts';

/** A tile's place in a layout file (col 0 is the west edge, row 0 the north). */
export interface TilePosition {
  code: string;
  name: string;
  short: string;
  col: number;
  row: number;
}

/** A province's figure for the period, keyed to a tile by its GSO code. */
export interface TileValue {
  code: string | null;
  name: string;
  actual: number | null;
  /** the status of its most relevant binding target, null when none binds */
  status: string | null;
  coverage: number | null;
}

export interface TilemapOptions {
  lang: Lang;
  unit: ValueUnit;
  title?: string;
  /** the code of a tile to outline (the unit the page is about) */
  selected?: string | null;
  /** the side of a tile in SVG units; the svg scales to its container */
  tile?: number;
}

/** A display state (indicators/i18n/status.ts), or a value class `class-0`…`class-4`. */
export type TileState = DisplayId | `class-${number}`;

// five classes of a sequential blue (ColorBrewer Blues), dark enough at the top for white text
const BLUES = ['#EFF3FF', '#BDD7E7', '#6BAED6', '#3182BD', '#08519C'];

export interface Tile extends TilePosition {
  name: string;
  actual: number | null;
  state: TileState;
  fill: string;
  ink: string;
  /** the second line: the figure, or a dash */
  figure: string;
  /** the tooltip and the accessible text of the tile */
  title: string;
}

/** Black or white, whichever reads better on the fill (WCAG relative luminance). */
export function inkOn(fill: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(fill);
  if (!m) return '#000000';
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // contrast with white (1.05 / (l + 0.05)) against contrast with black ((l + 0.05) / 0.05)
  return 1.05 / (l + 0.05) > (l + 0.05) / 0.05 ? '#FFFFFF' : '#000000';
}

/** The legend entries in the order the site lists statuses: best to worst, then no verdict. */
export interface LegendEntry {
  state: TileState;
  colour: string;
  label: string;
  count: number;
}

export interface TilemapModel {
  mode: 'status' | 'value';
  tiles: Tile[];
  legend: LegendEntry[];
  /** values whose code has no tile in the layout (should be none: a test says so) */
  unplaced: TileValue[];
}

/** Places the values on the layout and decides each tile's colour and words. */
export function tilemapModel(
  layout: readonly TilePosition[],
  values: readonly TileValue[],
  options: Pick<TilemapOptions, 'lang' | 'unit'>,
): TilemapModel {
  const { lang } = options;
  const f = formats(lang, options.unit);
  const labels = chartLabels(lang);
  const byCode = new Map(values.filter((v) => v.code !== null).map((v) => [v.code as string, v]));
  const placed = new Set(layout.map((p) => p.code));
  const unplaced = values.filter((v) => v.code === null || !placed.has(v.code));
  // by status when a target binds some province; else there is no verdict to show, only values
  const mode = values.some((v) => v.status !== null) ? 'status' : 'value';
  const finite = values
    .map((v) => v.actual)
    .filter((a): a is number => a !== null && Number.isFinite(a));
  const [lo, hi] = finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 0];
  const classOf = (a: number) =>
    hi > lo ? Math.min(BLUES.length - 1, Math.floor(((a - lo) / (hi - lo)) * BLUES.length)) : 2;
  const classLabel = (i: number) =>
    hi > lo
      ? `${f.value(lo + ((hi - lo) * i) / BLUES.length)} – ${f.value(lo + ((hi - lo) * (i + 1)) / BLUES.length)}`
      : f.value(lo);

  const state = (id: DisplayId) => {
    const d = displayState(id, lang);
    return { state: id as TileState, fill: d.colour, label: `${d.icon} ${d.word}` };
  };
  const style = (v: TileValue | undefined): { state: TileState; fill: string; label: string } => {
    if (!v || v.actual === null) return state('no_figure');
    if (mode === 'value') {
      const i = classOf(v.actual);
      return { state: `class-${i}`, fill: BLUES[i], label: classLabel(i) };
    }
    return state(displayId({ status: v.status, actual: v.actual, hasTarget: v.status !== null }));
  };

  const tiles: Tile[] = layout.map((p) => {
    const v = byCode.get(p.code);
    const s = style(v);
    const partial = v?.coverage !== null && v?.coverage !== undefined && v.coverage < 1;
    const name = v?.name ?? p.name;
    const title = [
      name,
      v && v.actual !== null ? f.value(v.actual) : null,
      s.label,
      partial ? labels.coverageOf.replace('{pct}', f.share(v.coverage)) : null,
    ]
      .filter((x): x is string => x !== null)
      .join(' — ');
    return {
      ...p,
      name,
      actual: v?.actual ?? null,
      state: s.state,
      fill: s.fill,
      ink: inkOn(s.fill),
      figure: v && v.actual !== null ? f.value(v.actual) : '—',
      title,
    };
  });

  const order: TileState[] =
    mode === 'status'
      ? [...DISPLAY_IDS]
      : [...BLUES.map((_, i): TileState => `class-${i}`), 'no_figure'];
  const legend: LegendEntry[] = order
    .map((id) => {
      const members = tiles.filter((t) => t.state === id);
      const first = members[0];
      if (!first) return null;
      const label = id.startsWith('class-')
        ? classLabel(Number(id.slice(6)))
        : state(id as DisplayId).label;
      return { state: id, colour: first.fill, label, count: members.length };
    })
    .filter((e): e is LegendEntry => e !== null);
  return { mode, tiles, legend, unplaced };
}

/** The tile map's Plot options: a rect, a short name and a figure per province. */
export function tilemapChart(
  layout: readonly TilePosition[],
  values: readonly TileValue[],
  options: TilemapOptions,
): Plot.PlotOptions {
  const w = chartWords(options.lang);
  const title = options.title ?? w.t('map_title');
  const size = options.tile ?? 64;
  if (layout.length === 0)
    return noDataChart(chartLabels(options.lang).noData, {
      width: 320,
      height: 120,
      ariaLabel: title,
    });
  const model = tilemapModel(layout, values, options);
  const cols = Math.max(...layout.map((p) => p.col)) + 1;
  const rows = Math.max(...layout.map((p) => p.row)) + 1;
  const gap = 0.04;
  // a tile's square, inset by `by` on each side
  const cell = (by: number) => ({
    x1: (t: Tile) => t.col + by,
    x2: (t: Tile) => t.col + 1 - by,
    y1: (t: Tile) => t.row + by,
    y2: (t: Tile) => t.row + 1 - by,
  });
  const selected = model.tiles.filter((t) => t.code === options.selected);
  return {
    width: cols * size,
    height: rows * size,
    margin: 0,
    axis: null,
    ariaLabel: title,
    ariaDescription: model.legend.map((e) => `${e.label}: ${e.count}`).join('; '),
    x: { domain: [0, cols] },
    y: { domain: [rows, 0] },
    marks: [
      Plot.rect(model.tiles, {
        ...cell(gap),
        fill: (t: Tile) => t.fill,
        stroke: '#6E6E6E',
        strokeWidth: 1,
        title: (t: Tile) => t.title,
        className: 'mark-tile',
      }),
      Plot.rect(selected, {
        ...cell(gap / 2),
        fill: 'none',
        stroke: '#000000',
        strokeWidth: 4,
        className: 'mark-selected',
      }),
      Plot.text(model.tiles, {
        x: (t: Tile) => t.col + 0.5,
        y: (t: Tile) => t.row + 0.36,
        text: (t: Tile) => t.short,
        fill: (t: Tile) => t.ink,
        fontSize: Math.round(size * 0.19),
        fontWeight: 600,
        className: 'mark-tile-name',
      }),
      Plot.text(model.tiles, {
        x: (t: Tile) => t.col + 0.5,
        y: (t: Tile) => t.row + 0.7,
        text: (t: Tile) => t.figure,
        fill: (t: Tile) => t.ink,
        fontSize: Math.round(size * 0.18),
        className: 'mark-tile-figure',
      }),
    ],
  };
}
