// Classification of the few distinct values a file holds (periods, metrics, number shapes): pure
// functions, plain arrays in and plain results out. A national file of ten million rows holds a
// few hundred of them, so each is read once here and SQL joins the results back to the rows.
import {
  detectConvention,
  parseNumber,
  THOUSANDS,
  type Convention,
  type NumberKind,
  type ReadOptions,
} from '../normalize/numbers.ts';
import { formatPeriod, parsePeriod, periodEnd } from '../normalize/periods.ts';
import { matchKey } from '../normalize/text.ts';
import type { Bilingual } from './problems.ts';
import { VI_MARK } from './problem-rows.ts';

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

// "6 tháng đầu năm 2023", "6 tháng cuối năm", "sáu tháng đầu năm": a half-year
const HALF_YEAR = /(6|sáu)\s*tháng\s*(đầu|cuối)\s*năm/i;

/**
 * Why a half-year is refused, in both languages: figures are kept by month, quarter or year
 * (periods.ts has no half-year), and a half-year's figure cannot be split into them.
 */
export function halfYearProblem(raw: string): Bilingual {
  const first = /đầu/i.test(raw);
  const [q, m] = first ? ['Q2', '06'] : ['Q4', '12'];
  return {
    en: `"${raw.trim()}" is a half-year: figures are kept by month, quarter or year; a stock figure (cumulative) at the half-year's end is its ${first ? 'June' : 'December'} figure: give the period as YYYY-${m} (or YYYY-${q}); a flow over six months cannot be split into months: send the months or quarters`,
    vi: `"${raw.trim()}" là kỳ 6 tháng: số liệu được lưu theo tháng, quý hoặc năm; số lũy kế đến cuối kỳ là số của tháng ${first ? '6' : '12'}: ghi kỳ là YYYY-${m} (hoặc YYYY-${q}); số phát sinh trong 6 tháng không chia được theo tháng: hãy gửi số từng tháng hoặc từng quý`,
  };
}

export function classifyPeriods(raws: ReadonlyArray<string | null>): PeriodClass[] {
  return raws.map((raw) => {
    const p = raw === null ? null : parsePeriod(raw);
    if (p === null && raw !== null && HALF_YEAR.test(raw.normalize('NFC'))) {
      const words = halfYearProblem(raw.normalize('NFC'));
      return { raw, period: null, readOn: null, problem: `${words.en}${VI_MARK}${words.vi}` };
    }
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

/**
 * How a file's numbers are read: the kind of its figures and the thousands mark a user declared.
 * Every figure the ingest loads is a count (validate.ts refuses any other), so the kind is
 * 'count' unless said otherwise; a percent metric would make it per metric.
 */
export interface ShapeOptions {
  kind?: NumberKind;
  /** `--thousands`: decides every lone group ("25.000") and refuses the other way's values */
  thousands?: '.' | ',';
}

/** parseNumber's options and the convention a file's numbers are read under. */
export function readOptions(options: ShapeOptions): ReadOptions {
  return { kind: options.kind ?? 'count', declared: options.thousands !== undefined };
}

/** The number shapes of a file, with the convention decided once for the whole file. */
export function classifyShapes(
  shapes: readonly string[],
  options: ShapeOptions = {},
): {
  convention: Convention;
  shapes: ShapeClass[];
} {
  const read = readOptions(options);
  const kind = read.kind ?? 'count';
  const detected: ReturnType<typeof detectConvention> = options.thousands
    ? { convention: THOUSANDS[options.thousands], evidence: null, conflicts: [] }
    : detectConvention(shapes.map((text) => ({ text, kind })));
  const convention: Convention = detected.convention;
  // as many values read one way as the other: the file's convention cannot be told
  const undecided = new Set(convention === 'none' ? detected.conflicts : []);
  const classes = shapes.map((shape): ShapeClass => {
    if (undecided.has(shape)) return { shape, outcome: 'error', rule: 'mixed_convention' };
    const parsed = parseNumber(shape, convention, read);
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
export function castable(
  classes: readonly ShapeClass[],
  convention: Convention,
  options: ShapeOptions = {},
): boolean {
  return classes.every((c) => {
    if (c.outcome === 'missing') return true;
    if (c.outcome !== 'value' || c.percent || c.big || c.plain === 'cleanup') return false;
    const parsed = parseNumber(c.shape, convention, readOptions(options));
    return (
      parsed.kind === 'value' &&
      !parsed.percent &&
      Number.isInteger(parsed.value) &&
      parsed.value >= 0
    );
  });
}

/** The message of a number problem whose rule is known but whose message SQL left to us. */
export function numberMessage(
  value: string | null,
  rule: string,
  convention: Convention,
  options: ShapeOptions = {},
): Bilingual {
  const text = (value ?? '').trim();
  const read = readOptions(options);
  if (rule === 'mixed_convention') {
    const way = (['dot-thousands', 'comma-thousands'] as const).find(
      (c) => parseNumber(text, c, read).kind === 'value',
    );
    const parsed = way ? parseNumber(text, way, read) : null;
    const [g, d] = way === 'dot-thousands' ? ['.', ','] : [',', '.'];
    return parsed?.kind === 'value'
      ? {
          en: `cannot tell how this file writes numbers: "${text}" reads only as ${parsed.value} (thousands "${g}", decimals "${d}"), but as many values read only the other way`,
          vi: `không xác định được cách tệp ghi số: "${text}" chỉ đọc được là ${parsed.value} (hàng nghìn "${g}", thập phân "${d}"), nhưng có bấy nhiêu giá trị chỉ đọc được theo cách kia; hãy ghi số theo cùng một cách, hoặc chọn dấu phân cách hàng nghìn (ô «Dấu phân cách hàng nghìn» của trang tải lên, hoặc --thousands)`,
        }
      : {
          en: `cannot tell how this file writes numbers: "${text}"`,
          vi: `không xác định được cách tệp ghi số: "${text}"`,
        };
  }
  const parsed = parseNumber(value ?? '', convention, read);
  return parsed.kind === 'error'
    ? { en: parsed.message, vi: parsed.vi }
    : { en: `unreadable number "${text}"`, vi: `không đọc được số "${text}"` };
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
 * marks are commas, its smallest figure, and whether one of its figures is a whole thousand
 * below a million (1000 to 999000: "25.000" reads as 25000 or as 25, the 1000× trap).
 */
export interface FigureForm {
  form: number;
  least: number;
  trap?: boolean;
}

/**
 * The thousands mark figures of these forms are grouped by ("." or ","; "" for digits alone),
 * when every one of them reads, under the convention they decide for counts (parseNumber's), as
 * its digits; null when one would not: a lone group that is a whole thousand ("25.000", unless
 * `thousands` declares the mark), marks of both kinds, or a mark other than the declared one.
 */
export function groupingOf(
  forms: readonly FigureForm[],
  thousands?: '.' | ',',
): '.' | ',' | '' | null {
  const marks = new Set<string>();
  for (const { form, least, trap } of forms) {
    const length = form & 127;
    const comma = form >= 128;
    // a length holds digits alone (as many as its length), or one grouped form (d digits and
    // (d - 1) / 3 marks), whose figures are the smaller: the smallest says if it is there
    if (!comma && String(least).length === length) continue;
    const grouped = GROUPED.get(length);
    if (grouped === undefined) return null;
    // a lone group reads one way for a count ("48.215" is 48215) unless it is a whole thousand
    if (grouped === 1 && trap && thousands === undefined) return null;
    marks.add(comma ? ',' : '.');
  }
  if (marks.size > 1) return null;
  const mark = marks.size === 0 ? '' : ([...marks][0] as '.' | ',');
  return thousands !== undefined && mark !== '' && mark !== thousands ? null : mark;
}
