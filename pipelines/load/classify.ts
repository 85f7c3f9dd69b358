// Classification of the few distinct values a file holds (periods, metrics, number shapes): pure
// functions, plain arrays in and plain results out. A national file of ten million rows holds a
// few hundred of them, so each is read once here and SQL joins the results back to the rows.
import { detectConvention, parseNumber, type Convention } from '../normalize/numbers.ts';
import { formatPeriod, parsePeriod, periodEnd } from '../normalize/periods.ts';
import { matchKey } from '../normalize/text.ts';

/** A metric of the catalogue as files may name it: by its id or by its Vietnamese label. */
export interface MetricRef {
  metric_id: string;
  name_vi: string;
}

/** One distinct period text: its canonical period and the day units are read on, or why not. */
export interface PeriodClass {
  raw: string | null;
  period: string | null;
  /** the period's last day (ISO): the date a unit code is read at */
  readOn: string | null;
  problem: string | null;
}

export function classifyPeriods(raws: ReadonlyArray<string | null>): PeriodClass[] {
  return raws.map((raw) => {
    const p = raw === null ? null : parsePeriod(raw);
    if (p === null) {
      const blank = raw === null || raw.trim() === '';
      return {
        raw,
        period: null,
        readOn: null,
        problem: blank ? 'period is empty' : `unreadable period "${raw}"`,
      };
    }
    return { raw, period: formatPeriod(p), readOn: periodEnd(p), problem: null };
  });
}

/** One distinct metric text: the metric it names, by id or by label, or why none. */
export interface MetricClass {
  raw: string | null;
  metric: string | null;
  problem: string | null;
}

/** Metric ids and labels by the text a file may hold (ids as given, labels by match key). */
export function metricNames(metrics: readonly MetricRef[]): Map<string, string> {
  const byLabel = new Map<string, string>();
  for (const m of metrics) {
    byLabel.set(m.metric_id, m.metric_id);
    byLabel.set(matchKey(m.name_vi), m.metric_id);
  }
  return byLabel;
}

export function classifyMetrics(
  raws: ReadonlyArray<string | null>,
  metrics: readonly MetricRef[],
): MetricClass[] {
  const byLabel = metricNames(metrics);
  return raws.map((raw) => {
    const id = raw === null ? undefined : (byLabel.get(raw.trim()) ?? byLabel.get(matchKey(raw)));
    if (id) return { raw, metric: id, problem: null };
    const problem = raw?.trim() ? `unknown metric: ${raw.trim()}` : 'metric is empty';
    return { raw, metric: null, problem };
  });
}

/**
 * How SQL turns the values of one shape into numbers: `plain` digits cast as they are, `simple`
 * ones (digits and marks) only need their marks replaced, the rest go through the full clean-up.
 * `big`: the digits, not the shape, decide whether a double holds the value exactly.
 */
export type Plain = 'plain' | 'simple' | 'cleanup';

export type ShapeClass =
  | { shape: string; outcome: 'missing' }
  | { shape: string; outcome: 'error'; rule: string }
  | { shape: string; outcome: 'value'; percent: boolean; plain: Plain; big: boolean };

/** The number shapes of a file, with the convention decided once for the whole file. */
export function classifyShapes(shapes: readonly string[]): {
  convention: Convention;
  shapes: ShapeClass[];
} {
  const detected = detectConvention([...shapes]);
  const convention: Convention = detected.convention;
  // as many values read one way as the other: the file's convention cannot be told
  const undecided = new Set(convention === 'none' ? detected.conflicts : []);
  const classes = shapes.map((shape): ShapeClass => {
    if (undecided.has(shape)) return { shape, outcome: 'error', rule: 'mixed_convention' };
    const parsed = parseNumber(shape, convention);
    if (parsed.kind === 'missing') return { shape, outcome: 'missing' };
    const percent = /%$/.test(shape);
    // digits may decide the range, not the shape: SQL checks those values one by one
    if (parsed.kind === 'error' && parsed.rule === 'out_of_range') {
      return { shape, outcome: 'value', percent, plain: 'cleanup', big: true };
    }
    if (parsed.kind === 'error') return { shape, outcome: 'error', rule: parsed.rule };
    const plain: Plain = /^[09]+$/.test(shape)
      ? 'plain'
      : /^[09.,]+$/.test(shape)
        ? 'simple'
        : 'cleanup';
    return { shape, outcome: 'value', percent: parsed.percent, plain, big: false };
  });
  return { convention, shapes: classes };
}

/** The thousands mark and the decimal mark of a convention (none: no thousands mark). */
export const marksOf = (convention: Convention): [string, string] =>
  convention === 'dot-thousands'
    ? ['.', ',']
    : convention === 'comma-thousands'
      ? [',', '.']
      : ['', '.'];

/**
 * Whether every value of these shapes reads by a cast once the thousands mark is dropped: whole,
 * non-negative figures written with digits and marks only (the fast path's condition).
 */
export function castable(classes: readonly ShapeClass[], convention: Convention): boolean {
  return classes.every((c) => {
    if (c.outcome === 'missing') return true;
    if (c.outcome !== 'value' || c.percent || c.big || c.plain === 'cleanup') return false;
    const parsed = parseNumber(c.shape, convention);
    return (
      parsed.kind === 'value' &&
      !parsed.percent &&
      Number.isInteger(parsed.value) &&
      parsed.value >= 0
    );
  });
}

/** The message of a number problem whose rule is known but whose message SQL left to us. */
export function numberMessage(value: string | null, rule: string, convention: Convention): string {
  const text = (value ?? '').trim();
  if (rule === 'mixed_convention') {
    const way = (['dot-thousands', 'comma-thousands'] as const).find(
      (c) => parseNumber(text, c).kind === 'value',
    );
    const read = way ? parseNumber(text, way) : null;
    const [g, d] = way === 'dot-thousands' ? ['.', ','] : [',', '.'];
    return read?.kind === 'value'
      ? `cannot tell how this file writes numbers: "${text}" reads only as ${read.value} (thousands "${g}", decimals "${d}"), but as many values read only the other way`
      : `cannot tell how this file writes numbers: "${text}"`;
  }
  const parsed = parseNumber(value ?? '', convention);
  return parsed.kind === 'error' ? parsed.message : `unreadable number "${text}"`;
}

/** A grouped figure's length → its marks, capped at 2 (d digits and (d - 1) / 3 marks). */
const GROUPED = new Map(
  Array.from({ length: 12 }, (_, i) => i + 4).map((d) => [
    d + Math.floor((d - 1) / 3),
    Math.min(Math.floor((d - 1) / 3), 2),
  ]),
);

/**
 * One form the single read saw figures take (each a whole figure of at most 15 digits, with no
 * leading zero, grouped by thousands with one mark or not at all): its length, + 128 when its
 * marks are commas, and its smallest figure.
 */
export interface FigureForm {
  form: number;
  least: number;
}

/**
 * The thousands mark figures of these forms are grouped by ("." or ","; "" for digits alone),
 * when every one of them reads, under the convention they decide (parseNumber's), as its digits;
 * null when one would not: a lone group ("1.234") with no figure deciding the convention, or
 * marks of both kinds.
 */
export function groupingOf(forms: readonly FigureForm[]): '.' | ',' | '' | null {
  const marks = new Set<string>();
  for (const { form, least } of forms) {
    const length = form & 127;
    const comma = form >= 128;
    // a length holds digits alone (as many as its length), or one grouped form (d digits and
    // (d - 1) / 3 marks), whose figures are the smaller: the smallest says if it is there
    if (!comma && String(least).length === length) continue;
    const grouped = GROUPED.get(length);
    if (grouped === undefined) return null;
    marks.add(`${comma ? ',' : '.'}${grouped}`);
  }
  // two marks or more read one way only: they decide
  const mark = marks.has('.2') ? '.' : marks.has(',2') ? ',' : '';
  return [...marks].every((m) => m[0] === mark) ? mark : null;
}
