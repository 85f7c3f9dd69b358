// Who reported when: the unit × month grid of reporting timeliness, each cell filled by status
// and printed with a symbol (✓ on time, ! late, ✗ missing, · not yet due), so the grid reads in
// greyscale. A cell with no obligation (the unit did not exist, or the plan did not cover the
// month) stays blank.
import * as Plot from '@observablehq/plot';
import { noDataChart } from './empty.ts';
import {
  CHAR,
  CHART_FONT,
  CHART_STYLE,
  chartLabels,
  shortPeriod,
  type ChartLabels,
  type Lang,
} from './format.ts';
import { REPORTING_STATUSES, reportingStyle, type ReportingStatus } from './palette.ts';

export interface ReportingGrid {
  units: Array<{ unit_id: string; code: string | null; name: string }>;
  /** YYYY-MM, in the order the columns are drawn */
  periods: string[];
  cells: Array<{ unit_id: string; period: string; status: string }>;
}

export interface ReportingOptions {
  lang: Lang;
  title?: string;
  labels?: Partial<ChartLabels>;
  width?: number;
}

const CELL = 28;

export function reportingChart(
  grid: ReportingGrid | null | undefined,
  options: ReportingOptions,
): Plot.PlotOptions {
  const labels = chartLabels(options.lang, options.labels);
  const title = options.title ?? labels.reporting;
  const units = grid?.units ?? [];
  const periods = grid?.periods ?? [];
  const unitById = new Map(units.map((u) => [u.unit_id, u]));
  const periodSet = new Set(periods);
  const isStatus = (s: string): s is ReportingStatus =>
    (REPORTING_STATUSES as readonly string[]).includes(s);
  const cells = (grid?.cells ?? []).flatMap((c) => {
    const unit = unitById.get(c.unit_id);
    if (!unit || !periodSet.has(c.period) || !isStatus(c.status)) return [];
    const style = reportingStyle(c.status, labels);
    return [
      {
        unit: unit.unit_id,
        period: c.period,
        status: c.status,
        symbol: style.icon,
        title: `${unit.name} — ${c.period}: ${style.word}`,
      },
    ];
  });
  if (cells.length === 0 || units.length === 0 || periods.length === 0) {
    return noDataChart(labels.noData, {
      width: options.width ?? 720,
      height: 120,
      ariaLabel: title,
    });
  }

  const names = new Map(units.map((u) => [u.unit_id, u.name]));
  const statuses = REPORTING_STATUSES.filter((s) => cells.some((c) => c.status === s));
  const styles = statuses.map((s) => reportingStyle(s, labels));
  const longest = Math.max(...units.map((u) => u.name.length));
  const marginLeft = Math.min(340, 16 + longest * CHAR);

  return {
    width: options.width ?? Math.max(320, marginLeft + periods.length * CELL + 16),
    height: units.length * CELL + 64,
    marginLeft,
    marginRight: 8,
    marginTop: 56,
    marginBottom: 8,
    style: CHART_STYLE,
    padding: 0.08,
    ariaLabel: title,
    ariaDescription: styles
      .map((s) => `${s.icon} ${s.word}: ${cells.filter((c) => c.status === s.id).length}`)
      .join('; '),
    x: { domain: periods, axis: 'top', label: null, tickFormat: shortPeriod, tickRotate: -45 },
    y: {
      domain: units.map((u) => u.unit_id),
      label: null,
      tickSize: 0,
      tickFormat: function unitName(id: string) {
        return names.get(id) ?? id;
      },
    },
    color: {
      domain: statuses,
      range: styles.map((s) => s.colour),
      legend: true,
      tickFormat: function statusWord(id: string) {
        const s = reportingStyle(id as ReportingStatus, labels);
        return `${s.icon} ${s.word}`;
      },
    },
    marks: [
      Plot.cell(cells, {
        x: 'period',
        y: 'unit',
        fill: 'status',
        title: 'title',
        className: 'mark-cell',
      }),
      Plot.text(cells, {
        x: 'period',
        y: 'unit',
        text: 'symbol',
        fill: 'black',
        fontSize: CHART_FONT,
        fontWeight: 'bold',
        className: 'mark-symbol',
      }),
    ],
  };
}
