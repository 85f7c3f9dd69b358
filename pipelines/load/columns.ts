// The column plan of each part (a file or a sheet): long or wide, which column holds what, and
// in a wide part which columns hold which metrics. Pure: the header in, the plan or every header
// problem out, before a single row is read.
import type { Sniffed } from '../read/sniff.ts';
import { columnLetter } from '../read/xlsx.ts';
import { matchKey } from '../normalize/text.ts';
import { metricNames, type MetricRef } from './classify.ts';
import { errorAt, type Problem } from './problems.ts';
import type { Layout } from './report.ts';

export const UNIT_COLUMNS = ['unit_code', 'unit_name'];
const LONG_REQUIRED = ['period', 'metric', 'value'];
const OPTIONAL = ['reported_at', 'note'];
/** The columns of a long part, in the order they are read. */
export const LONG_COLUMNS = ['unit_code', 'unit_name', 'period', 'metric', 'value', ...OPTIONAL];

/** How one part maps onto the long table (one row per unit, period and metric). */
export interface Plan {
  /** the part's index among the file's parts */
  part: number;
  sniffed: Sniffed;
  layout: Layout;
  /** canonical column key (unit_code, period, …) → index in the header */
  columns: Map<string, number>;
  /** wide: the metric columns, with the metric each holds */
  metricColumns: Array<{ index: number; metric: string }>;
}

export interface PlanOptions {
  layout?: Layout;
  /** the period of every row when the part has no period column */
  period?: string;
}

const headerKey = (h: string) => h.normalize('NFC').trim().toLowerCase();

/** A column as the reader sees it: its header, or its letter in a sheet, or its number. */
export const printedColumn = (s: Sniffed, i: number) =>
  s.header[i] || (s.columnLetters ? columnLetter(i + 1) : `#${i + 1}`);

/** Decides the layout from the header, and for a wide part which columns are which metrics. */
export function planColumns(
  sniffed: Sniffed,
  part: number,
  metrics: readonly MetricRef[],
  options: PlanOptions,
  forceLong: boolean,
): { plan: Plan; problems: Problem[] } {
  const { header, file, headerRow } = sniffed;
  const keys = header.map(headerKey);
  const problems: Problem[] = [];
  const err = (column: string | null, value: string | null, message: string, rule = 'header') =>
    problems.push(errorAt(file, headerRow, column, value, rule, message));
  const columns = new Map<string, number>();
  keys.forEach((k, i) => {
    if (k === '') {
      err(printedColumn(sniffed, i), null, `column ${printedColumn(sniffed, i)} has no name`);
    } else if (columns.has(k)) {
      err(header[i], header[i], `column ${header[i]} appears twice`);
    } else columns.set(k, i);
  });
  const layout: Layout = forceLong
    ? 'long'
    : (options.layout ?? (columns.has('metric') || columns.has('value') ? 'long' : 'wide'));
  if (!UNIT_COLUMNS.some((c) => columns.has(c))) {
    err(null, null, 'the header needs a unit_code or a unit_name column');
  }
  const metricColumns: Plan['metricColumns'] = [];
  if (layout === 'long') {
    for (const c of LONG_REQUIRED) if (!columns.has(c)) err(c, null, `missing column ${c}`);
    // a column nobody reads is a figure or a unit silently lost (a typo such as "unit_cod")
    header.forEach((h, i) => {
      if (keys[i] !== '' && !LONG_COLUMNS.includes(keys[i])) {
        err(h, h, `column ${h} is not one of ${LONG_COLUMNS.join(', ')}`);
      }
    });
  } else {
    if (!columns.has('period') && !options.period) {
      err(null, null, 'a wide file needs a period column or --period');
    }
    const byLabel = metricNames(metrics);
    const seen = new Map<string, string>();
    header.forEach((h, i) => {
      const k = keys[i];
      if (k === '' || [...UNIT_COLUMNS, 'period', ...OPTIONAL].includes(k)) return;
      const metric = byLabel.get(k) ?? byLabel.get(matchKey(h));
      if (!metric) {
        err(h, h, `column ${h} is neither a metric id nor a metric's label`, 'unknown_metric');
      } else if (seen.has(metric)) {
        err(h, h, `columns ${seen.get(metric)} and ${h} both hold ${metric}`);
      } else {
        seen.set(metric, h);
        metricColumns.push({ index: i, metric });
      }
    });
    if (metricColumns.length === 0 && problems.length === 0) {
      err(null, null, 'no column names a metric');
    }
  }
  return { plan: { part, sniffed, layout, columns, metricColumns }, problems };
}
