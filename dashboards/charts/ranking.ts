// A unit's children ranked on one indicator for one period: a bar each, best first, coloured by
// status and labelled with the status icon and word (colour never speaks alone), the coverage
// shown as the bar's opacity and in words, each child's target as a tick across its bar.
import * as Plot from '@observablehq/plot';
import { noDataChart } from './empty.ts';
import {
  CHART_STYLE,
  CHART_WIDTH,
  CHAR,
  chartLabels,
  fill,
  formats,
  type ChartLabels,
  type Lang,
  type ValueUnit,
} from './format.ts';
import { STATUSES, statusStyle } from './palette.ts';
import { displayId, displayState } from '../../indicators/i18n/status.ts';
import { valueAxis } from './scale.ts';

export interface RankingRow {
  unit_id: string;
  code: string | null;
  name: string;
  actual: number | null;
  /** share of the unit's own children that reported, 0–1 */
  coverage: number | null;
  status: string | null;
  ratio: number | null;
  target_value: number | null;
}

export interface RankingOptions {
  lang: Lang;
  unit: ValueUnit;
  /** the indicator's direction: up (more is better, the default) ranks the largest first */
  direction?: 'up' | 'down';
  title?: string;
  labels?: Partial<ChartLabels>;
  width?: number;
}

export interface RankedRow extends RankingRow {
  /** the y tick: icon and name */
  label: string;
  /** printed after the bar: value, status word, coverage when partial */
  note: string;
  /** 1 at full coverage, down to 0.35 at none */
  opacity: number;
}

/** Best first by actual (direction-aware); units without an actual last, by name. */
export function rankRows(
  rows: readonly RankingRow[],
  direction: 'up' | 'down' = 'up',
): RankingRow[] {
  const sign = direction === 'up' ? -1 : 1;
  return [...rows].sort((a, b) => {
    const [x, y] = [a.actual, b.actual];
    if (x === null || y === null || x === y) {
      if (x !== y) return x === null ? 1 : -1;
      return a.name.localeCompare(b.name, 'vi') || a.unit_id.localeCompare(b.unit_id);
    }
    return sign * (x - y);
  });
}

const ROW = 30;

export function rankingChart(
  rows: readonly RankingRow[] | null | undefined,
  options: RankingOptions,
): Plot.PlotOptions {
  const { lang, unit } = options;
  const labels = chartLabels(lang, options.labels);
  const f = formats(lang, unit);
  const width = options.width ?? CHART_WIDTH;
  const title = options.title ?? labels.ranking;
  const input = (rows ?? []).filter((r) => r.actual === null || Number.isFinite(r.actual));
  if (input.length === 0)
    return noDataChart(labels.noData, { width, height: 120, ariaLabel: title });

  const ranked: RankedRow[] = rankRows(input, options.direction).map((r) => {
    const s = statusStyle(r.status, lang);
    // the words of issue 15.1: a child without a figure reads "no figure this period", one that
    // no target binds "no target applies", never the engine's bare "no data"
    const d = displayState(
      displayId({ status: r.status, actual: r.actual, hasTarget: r.target_value !== null }),
      lang,
    );
    const partial = r.coverage !== null && r.coverage < 1;
    const note = [
      r.actual === null ? null : f.value(r.actual),
      `${d.icon} ${d.word}`,
      partial ? fill(labels.coverageOf, { pct: f.share(r.coverage) }) : null,
    ]
      .filter((n): n is string => n !== null)
      .join(' · ');
    return {
      ...r,
      status: s.id,
      label: `${d.icon} ${r.name}`,
      note,
      opacity: r.coverage === null ? 1 : 0.35 + 0.65 * Math.min(1, Math.max(0, r.coverage)),
    };
  });
  // unique tick labels even for two children of the same name
  const seen = new Map<string, number>();
  for (const r of ranked) {
    const n = (seen.get(r.label) ?? 0) + 1;
    seen.set(r.label, n);
    if (n > 1) r.label = `${r.label} (${r.code ?? n})`;
  }

  const statuses = STATUSES.filter((s) => ranked.some((r) => r.status === s));
  const longest = Math.max(...ranked.map((r) => r.label.length));
  const withTarget = ranked.filter(
    (r) => r.target_value !== null && Number.isFinite(r.target_value),
  );
  const bars = ranked.filter((r) => r.actual !== null);

  return {
    width,
    height: ranked.length * ROW + 40,
    marginLeft: Math.min(340, 16 + longest * CHAR),
    marginRight: 300,
    marginTop: 8,
    marginBottom: 36,
    style: CHART_STYLE,
    ariaLabel: title,
    ariaDescription: ranked.map((r, i) => `${i + 1}. ${r.name}: ${r.note}`).join('; '),
    x: valueAxis(
      unit,
      ranked.flatMap((r) => [r.actual, r.target_value]),
      f.tick,
    ),
    y: { domain: ranked.map((r) => r.label), label: null, tickSize: 0 },
    color: {
      domain: statuses,
      range: statuses.map((s) => statusStyle(s, lang).colour),
      legend: true,
      tickFormat: function statusWord(id: string) {
        const s = statusStyle(id, lang);
        return `${s.icon} ${s.word}`;
      },
    },
    marks: [
      Plot.barX(bars, {
        x: 'actual',
        y: 'label',
        fill: 'status',
        fillOpacity: 'opacity',
        title: 'note',
        className: 'mark-bar',
      }),
      Plot.tickX(withTarget, {
        x: 'target_value',
        y: 'label',
        strokeWidth: 2,
        title: (r: RankedRow) => `${labels.target}: ${f.value(r.target_value)}`,
        className: 'mark-target',
      }),
      Plot.text(ranked, {
        x: (r: RankedRow) => Math.max(r.actual ?? 0, r.target_value ?? 0),
        y: 'label',
        text: 'note',
        textAnchor: 'start',
        dx: 6,
        className: 'mark-note',
      }),
      Plot.ruleX([0]),
    ],
  };
}
