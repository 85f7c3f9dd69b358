// A small trend for a printed page or a projected one: an indicator's last quarters as a line with
// a labelled dot per quarter, its nearest binding target as a dashed rule, quarter labels under
// the axis. Used by the quarterly pack, one per key indicator; text at 14 px in its own units, so
// it stays legible when the svg is scaled to a half-width column.
import * as Plot from '@observablehq/plot';
import { noDataChart } from './empty.ts';
import { chartLabels, formats, type Lang, type ValueUnit } from './format.ts';
import { valueAxis } from './scale.ts';

export interface TrendPoint {
  period: string;
  actual: number | null;
}

export interface TrendOptions {
  lang: Lang;
  unit: ValueUnit;
  title: string;
  /** the value of the binding target drawn as a rule */
  target?: number | null;
  width?: number;
  height?: number;
}

/** The chart font size in SVG units: ≥ 14 px when the svg is drawn at least at its own width. */
export const TREND_FONT = 14;

export function trendChart(
  points: readonly TrendPoint[] | null | undefined,
  options: TrendOptions,
): Plot.PlotOptions {
  const labels = chartLabels(options.lang);
  const f = formats(options.lang, options.unit);
  const width = options.width ?? 420;
  const height = options.height ?? 220;
  const rows = (points ?? [])
    .filter(
      (p): p is { period: string; actual: number } =>
        p.actual !== null && Number.isFinite(p.actual),
    )
    .map((p) => ({ period: p.period, label: shortQuarter(p.period), value: p.actual }));
  if (rows.length === 0)
    return noDataChart(labels.noData, { width, height, ariaLabel: options.title });
  const target =
    options.target !== null && options.target !== undefined && Number.isFinite(options.target)
      ? options.target
      : null;
  const y = valueAxis(options.unit, [...rows.map((r) => r.value), target], f.tick);
  const last = rows[rows.length - 1];
  return {
    width,
    height,
    marginTop: 24,
    marginLeft: 56,
    marginRight: 16,
    marginBottom: 32,
    style: { fontSize: `${TREND_FONT}px` },
    ariaLabel: options.title,
    ariaDescription: [
      rows.map((r) => `${f.period(r.period)}: ${f.value(r.value)}`).join('; '),
      target === null ? null : `${labels.target}: ${f.value(target)}`,
    ]
      .filter((x) => x !== null)
      .join('. '),
    x: { type: 'point', domain: rows.map((r) => r.label), label: null, padding: 0.3 },
    y: { ...y, label: null, grid: true, ticks: 4 },
    marks: [
      ...(target === null
        ? []
        : [
            Plot.ruleY([target], {
              stroke: '#D55E00',
              strokeDasharray: '6,4',
              strokeWidth: 2,
              className: 'mark-target',
            }),
          ]),
      Plot.lineY(rows, { x: 'label', y: 'value', strokeWidth: 2.5, className: 'mark-actual-line' }),
      Plot.dot(rows, {
        x: 'label',
        y: 'value',
        r: 4,
        fill: 'currentColor',
        title: (r: (typeof rows)[number]) => `${f.period(r.period)}: ${f.value(r.value)}`,
        className: 'mark-actual',
      }),
      Plot.text([last], {
        x: 'label',
        y: 'value',
        text: (r: (typeof rows)[number]) => f.value(r.value),
        dy: -12,
        textAnchor: 'end',
        fontWeight: 600,
        className: 'mark-last-value',
      }),
    ],
  };
}

/** 2025-Q4 → Q4/25 (the x axis has room for eight of these at 14 px). */
function shortQuarter(period: string): string {
  const m = /^\d{2}(\d{2})-Q([1-4])$/.exec(period);
  return m ? `Q${m[2]}/${m[1]}` : period;
}
