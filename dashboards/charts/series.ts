// The indicator page's main chart: actuals over time against every target that binds them —
// each target's window as a rule coloured by its source plan, its baseline, its expected path,
// the projection to its deadline and the forecast date — from exactly what GET /api/series
// returns. Reconstructed points (rebuilt from predecessor units before the 2025 reform) are
// rings joined by a dashed line, and the legend says so.
import * as Plot from '@observablehq/plot';
import { periodDate, isoDate } from './dates.ts';
import { noDataChart } from './empty.ts';
import {
  CHART_STYLE,
  CHART_WIDTH,
  chartLabels,
  fill,
  formats,
  monthTick,
  type ChartLabels,
  type Lang,
  type ValueUnit,
} from './format.ts';
import { statusStyle } from './palette.ts';
import { valueAxis } from './scale.ts';

export interface SeriesPoint {
  period: string;
  actual: number | null;
  numerator?: number | null;
  denominator?: number | null;
  coverage?: number | null;
  reconstructed?: boolean | null;
}

export interface SeriesTarget {
  target_id: string;
  value: number;
  comparator: string;
  /** ISO dates */
  deadline: string;
  window_start?: string | null;
  baseline?: number | null;
  plan_id: string;
  clause?: string | null;
}

export interface SeriesExpected {
  target_id: string;
  points: Array<{ period: string; expected: number | null }>;
}

export interface SeriesProjection {
  target_id: string;
  projected: number | null;
  forecast_on?: string | null;
  status?: string | null;
}

/** GET /api/series, any of whose arrays may be missing. */
export interface SeriesResponse {
  unit?: { unit_id: string; code: string | null; name: string; level?: string } | null;
  indicator_id: string;
  points?: SeriesPoint[] | null;
  targets?: SeriesTarget[] | null;
  expected?: SeriesExpected[] | null;
  projection?: SeriesProjection[] | null;
}

export interface SeriesOptions {
  lang: Lang;
  /** from the indicator catalogue: percent indicators are drawn on 0–100 */
  unit: ValueUnit;
  /** the indicator's name, for the chart's accessible name */
  title?: string;
  /** plan_id → how the plan is cited on screen ("740/QĐ-UBND"); defaults to the plan_id */
  plans?: Record<string, string>;
  labels?: Partial<ChartLabels>;
  width?: number;
  height?: number;
}

/** Plans' colours: Okabe–Ito in an order that keeps the first two far apart. */
export const PLAN_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];

/** A filled ring: reads as hollow and still shows in a symbol legend drawn with a fill. */
export const RING = {
  draw(
    context: { moveTo(x: number, y: number): void; arc(...args: number[]): void },
    size: number,
  ) {
    const r = Math.sqrt(size / Math.PI);
    const inner = r * 0.45;
    context.moveTo(r, 0);
    context.arc(0, 0, r, 0, 2 * Math.PI);
    context.moveTo(inner, 0);
    context.arc(0, 0, inner, 2 * Math.PI, 0, 1); // counter-clockwise: a hole under nonzero fill
  },
};

/** A white outline behind a label, so it stays legible where it crosses a line. */
export const HALO = { stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' } as const;

const COMPARATORS: Record<string, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<' };

interface ActualRow {
  date: Date;
  value: number;
  kind: string;
  title: string;
}

export function seriesChart(data: SeriesResponse, options: SeriesOptions): Plot.PlotOptions {
  const { lang, unit } = options;
  const labels = chartLabels(lang, options.labels);
  const f = formats(lang, unit);
  const width = options.width ?? CHART_WIDTH;
  const height = options.height ?? 400;
  const title = options.title ?? `${labels.actual} — ${data.unit?.name ?? data.indicator_id}`;
  const planOf = (planId: string) => options.plans?.[planId] ?? planId;

  const actuals: ActualRow[] = (data.points ?? [])
    .flatMap((p) => {
      const date = periodDate(p.period);
      if (date === null || p.actual === null || !Number.isFinite(p.actual)) return [];
      const rebuilt = p.reconstructed === true;
      const notes = [
        rebuilt ? labels.reconstructed : null,
        p.coverage !== null && p.coverage !== undefined && p.coverage < 1
          ? fill(labels.coverageOf, { pct: f.share(p.coverage) })
          : null,
      ].filter((n): n is string => n !== null);
      const row: ActualRow = {
        date,
        value: p.actual,
        kind: rebuilt ? labels.reconstructed : labels.actual,
        title: `${f.period(p.period)}: ${f.value(p.actual)}${notes.length ? ` (${notes.join('; ')})` : ''}`,
      };
      return [row];
    })
    .sort((a, b) => +a.date - +b.date);

  const targets = (data.targets ?? []).flatMap((t) => {
    const deadline = isoDate(t.deadline);
    if (deadline === null || !Number.isFinite(t.value)) return [];
    const start = isoDate(t.window_start) ?? deadline;
    const plan = planOf(t.plan_id);
    const goal = `${COMPARATORS[t.comparator] ?? t.comparator} ${f.value(t.value)}`;
    return [
      {
        target_id: t.target_id,
        plan,
        start,
        deadline,
        value: t.value,
        baseline: t.baseline ?? null,
        goal,
        title: `${labels.target}: ${goal} — ${plan}${t.clause ? `, ${t.clause}` : ''} (${f.date(t.deadline)})`,
      },
    ];
  });
  const targetById = new Map(targets.map((t) => [t.target_id, t]));

  if (actuals.length === 0 && targets.length === 0) {
    return noDataChart(labels.noData, { width, height, ariaLabel: title });
  }

  const expected = (data.expected ?? []).flatMap((e) => {
    const target = targetById.get(e.target_id);
    if (!target) return [];
    return e.points.flatMap((p) => {
      const date = periodDate(p.period);
      return date === null || p.expected === null || !Number.isFinite(p.expected)
        ? []
        : [{ target_id: e.target_id, plan: target.plan, date, value: p.expected }];
    });
  });

  const last = actuals.at(-1) ?? null;
  const projections = (data.projection ?? []).flatMap((p) => {
    const target = targetById.get(p.target_id);
    if (!target) return [];
    const status = p.status ? statusStyle(p.status, lang) : null;
    const statusText = status ? ` · ${status.icon} ${status.word}` : '';
    return [
      {
        target_id: p.target_id,
        plan: target.plan,
        deadline: target.deadline,
        goal: target.value,
        projected: p.projected !== null && Number.isFinite(p.projected) ? p.projected : null,
        forecast: isoDate(p.forecast_on),
        label: `${labels.projected} ${f.value(p.projected)}${statusText}`,
        forecastLabel: `${labels.forecastOn}: ${f.date(p.forecast_on)}`,
      },
    ];
  });
  const projected = projections.flatMap((p) =>
    // a projection looks forward: none for a deadline the actuals have already passed
    p.projected === null || last === null || +p.deadline <= +last.date
      ? []
      : [
          {
            plan: p.plan,
            x1: last.date,
            y1: last.value,
            x2: p.deadline,
            y2: p.projected,
            label: p.label,
          },
        ],
  );
  const forecasts = projections.flatMap((p) =>
    p.forecast === null
      ? []
      : [{ plan: p.plan, date: p.forecast, value: p.goal, label: p.forecastLabel }],
  );

  // consecutive actuals joined; a segment touching a reconstructed point is dashed
  const segments = actuals.slice(1).map((b, i) => {
    const a = actuals[i];
    return {
      x1: a.date,
      y1: a.value,
      x2: b.date,
      y2: b.value,
      rebuilt: a.kind !== labels.actual || b.kind !== labels.actual,
    };
  });

  // targets with the same goal and deadline share one label naming every plan
  const sameGoal = new Map<string, typeof targets>();
  for (const t of targets) {
    const key = `${t.goal}|${+t.deadline}`;
    sameGoal.set(key, [...(sameGoal.get(key) ?? []), t]);
  }
  const targetLabels = [...sameGoal.values()].map((group) => ({
    deadline: group[0].deadline,
    value: group[0].value,
    text: `${group[0].goal} · ${[...new Set(group.map((t) => t.plan))].join(', ')}`,
  }));

  const plans = [...new Set(targets.map((t) => t.plan))];
  const kinds = [labels.actual, labels.reconstructed].filter((k) =>
    actuals.some((a) => a.kind === k),
  );
  const percent = unit === 'percent';
  const baselines = targets.flatMap((t) =>
    t.baseline === null
      ? []
      : [
          {
            plan: t.plan,
            start: t.start,
            baseline: t.baseline,
            title: `${labels.baseline}: ${f.value(t.baseline)} (${t.plan})`,
          },
        ],
  );

  return {
    width,
    height,
    marginLeft: 64,
    marginRight: 24,
    marginTop: 28,
    marginBottom: 36,
    style: CHART_STYLE,
    ariaLabel: title,
    ariaDescription: describe(),
    x: { type: 'utc', label: null, tickFormat: monthTick(lang) },
    y: valueAxis(
      unit,
      [
        ...actuals.map((a) => a.value),
        ...targets.flatMap((t) => [t.value, t.baseline]),
        ...expected.map((e) => e.value),
        ...projected.map((p) => p.y2),
        ...forecasts.map((p) => p.value),
      ],
      f.tick,
    ),
    color: plans.length
      ? { type: 'ordinal', domain: plans, range: PLAN_COLOURS, legend: true }
      : undefined,
    symbol: kinds.length
      ? {
          domain: kinds,
          range: kinds.map((k) => (k === labels.actual ? 'circle' : RING)),
          legend: kinds.length > 1,
        }
      : undefined,
    marks: [
      Plot.ruleY(targets, {
        y: 'value',
        x1: 'start',
        x2: 'deadline',
        stroke: 'plan',
        strokeWidth: 2,
        title: 'title',
        className: 'mark-target',
      }),
      Plot.line(expected, {
        x: 'date',
        y: 'value',
        z: 'target_id',
        stroke: 'plan',
        strokeDasharray: '6,4',
        strokeOpacity: 0.8,
        className: 'mark-expected',
      }),
      Plot.dot(baselines, {
        x: 'start',
        y: 'baseline',
        stroke: 'plan',
        fill: 'white',
        symbol: 'square',
        r: 3.5,
        title: 'title',
        className: 'mark-baseline',
      }),
      Plot.link(projected, {
        x1: 'x1',
        y1: 'y1',
        x2: 'x2',
        y2: 'y2',
        stroke: 'plan',
        strokeDasharray: '1.5,3',
        strokeWidth: 1.5,
        clip: percent,
        className: 'mark-projection',
      }),
      Plot.dot(projected, {
        x: 'x2',
        y: 'y2',
        stroke: 'plan',
        fill: 'white',
        r: 3,
        title: 'label',
        clip: percent,
        className: 'mark-projected',
      }),
      Plot.text(projected, {
        x: 'x2',
        y: 'y2',
        text: 'label',
        textAnchor: 'end',
        dx: -6,
        dy: 12,
        ...HALO,
        clip: percent,
        className: 'mark-projected-label',
      }),
      Plot.ruleX(forecasts, {
        x: 'date',
        y1: percent ? 0 : Math.min(0, ...forecasts.map((r) => r.value)),
        y2: 'value',
        stroke: 'plan',
        strokeDasharray: '2,2',
        className: 'mark-forecast',
      }),
      Plot.text(forecasts, {
        x: 'date',
        frameAnchor: 'bottom',
        text: 'label',
        textAnchor: 'start',
        dx: 3,
        dy: -4,
        ...HALO,
        className: 'mark-forecast-label',
      }),
      Plot.link(
        segments.filter((s) => !s.rebuilt),
        { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', strokeWidth: 2, className: 'mark-actual-line' },
      ),
      Plot.link(
        segments.filter((s) => s.rebuilt),
        {
          x1: 'x1',
          y1: 'y1',
          x2: 'x2',
          y2: 'y2',
          strokeWidth: 1.5,
          strokeDasharray: '4,3',
          className: 'mark-reconstructed-line',
        },
      ),
      Plot.dot(actuals, {
        x: 'date',
        y: 'value',
        symbol: 'kind',
        fill: 'currentColor',
        r: 3.5,
        title: 'title',
        className: 'mark-actual',
      }),
      Plot.text(targetLabels, {
        x: 'deadline',
        y: 'value',
        text: 'text',
        textAnchor: 'end',
        dy: -7,
        ...HALO,
        className: 'mark-target-label',
      }),
      ...(actuals.length
        ? []
        : [
            Plot.text([labels.noData], {
              frameAnchor: 'middle',
              fontSize: 13,
              className: 'mark-no-data',
            }),
          ]),
    ],
  };

  function describe(): string {
    const parts: string[] = [];
    if (actuals.length && last) {
      const first = actuals[0];
      parts.push(
        `${labels.actual}: ${f.value(first.value)} (${f.date(iso(first.date))}) → ${f.value(last.value)} (${f.date(iso(last.date))}).`,
      );
      const rebuilt = actuals.filter((a) => a.kind !== labels.actual).length;
      if (rebuilt) parts.push(`${rebuilt} × ${labels.reconstructed}.`);
    } else {
      parts.push(`${labels.noData}.`);
    }
    for (const t of targets) {
      const p = projections.find((x) => x.target_id === t.target_id);
      parts.push(
        `${labels.target}: ${t.goal}, ${f.date(iso(t.deadline))} (${t.plan})${p ? ` — ${p.label}` : ''}.`,
      );
    }
    return parts.join(' ');
  }
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
