// A word-sized trend of an indicator's recent actuals for scorecard rows: no axes, the latest
// point marked with a dot, reconstructed stretches dashed.
import * as Plot from '@observablehq/plot';
import { periodDate } from './dates.ts';
import { noDataChart } from './empty.ts';
import { chartLabels, formats, type ChartLabels, type Lang, type ValueUnit } from './format.ts';

export interface SparklinePoint {
  period: string;
  actual: number | null;
  reconstructed?: boolean | null;
}

export interface SparklineOptions {
  lang: Lang;
  unit: ValueUnit;
  /** how many of the latest points to draw: 8 by default (two years of quarters) */
  last?: number;
  labels?: Partial<ChartLabels>;
  width?: number;
  height?: number;
}

export function sparkline(
  points: readonly SparklinePoint[] | null | undefined,
  options: SparklineOptions,
): Plot.PlotOptions {
  const labels = chartLabels(options.lang, options.labels);
  const f = formats(options.lang, options.unit);
  const width = options.width ?? 120;
  const height = options.height ?? 28;
  const rows = (points ?? [])
    .flatMap((p) => {
      const date = periodDate(p.period);
      return date === null || p.actual === null || !Number.isFinite(p.actual)
        ? []
        : [{ date, period: p.period, value: p.actual, rebuilt: p.reconstructed === true }];
    })
    .sort((a, b) => +a.date - +b.date)
    .slice(-Math.max(1, options.last ?? 8));
  if (rows.length === 0)
    return noDataChart(labels.noData, { width, height, ariaLabel: labels.noData });

  const first = rows[0];
  const last = rows[rows.length - 1];
  const segments = rows.slice(1).map((b, i) => ({
    x1: rows[i].date,
    y1: rows[i].value,
    x2: b.date,
    y2: b.value,
    rebuilt: rows[i].rebuilt || b.rebuilt,
  }));
  const summary = `${labels.actual}: ${f.value(first.value)} (${f.period(first.period)}) → ${f.value(last.value)} (${f.period(last.period)})`;
  const link = { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', strokeWidth: 1.5 } as const;

  return {
    width,
    height,
    marginTop: 4,
    marginBottom: 4,
    marginLeft: 3,
    marginRight: 5,
    axis: null,
    ariaLabel: summary,
    ariaDescription: rows.some((r) => r.rebuilt) ? `${summary}; ${labels.reconstructed}` : summary,
    x: { type: 'utc' },
    y: { type: 'linear' },
    marks: [
      Plot.link(
        segments.filter((s) => !s.rebuilt),
        { ...link, className: 'mark-actual-line' },
      ),
      Plot.link(
        segments.filter((s) => s.rebuilt),
        { ...link, strokeDasharray: '3,2', className: 'mark-reconstructed-line' },
      ),
      Plot.dot([{ ...last, title: `${f.period(last.period)}: ${f.value(last.value)}` }], {
        x: 'date',
        y: 'value',
        r: 2.5,
        fill: 'currentColor',
        title: 'title',
        className: 'mark-last',
      }),
    ],
  };
}
