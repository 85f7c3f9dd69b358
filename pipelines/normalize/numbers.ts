// Numbers as Vietnamese office files write them ("1.234.567", "85,5%", "-"): the file's
// separator convention, read from its unambiguous values, and exact parsing under it.
//
// The rule of reading (issue 13). A cell's text has at most two readings: "." groups thousands
// and "," is decimal (the Vietnamese way), or the reverse (the English way). Spaces and NBSP
// group thousands under both. Two readings that differ exist only for a lone group,
// [1-9]\d{0,2}[.,]\d{3} ("48.215": 48215 or 48.215, "722,000": 722000 or 722), and then they are
// always 1000× apart. The metric's kind keeps the readings it allows:
//   - count: whole and ≥ 0. "48.215" → 48215 (48.215 is not whole), "72.996" → 72996. But
//     "722,000" and "25.000" read as whole numbers both ways (722.000 is 722): kind settles nothing.
//   - percent (a cell with "%", or a percent metric): 0–100. "12.345%" → 12.345.
//   - any: both readings allowed.
// One allowed reading: it is the value. Two: the cell is an error (ambiguous_number) naming both
// readings and the fix (write the figure without separators, or say --thousands), whatever the
// rest of the file does: the file's convention never decides a value 1000× off (a press summary
// held "722,000" beside "816.918" and was read as 722, silently). Only a declared convention
// (--thousands, `declared`) decides it. None allowed (a negative count "-1.234"): both readings
// stay, so it is an error too. The file's convention (detectConvention: from values that read
// one way only, for their kind) still refuses a value that reads only the other way
// (convention_mismatch): a file written two ways is refused with the value to rewrite.
/**
 * 'dot-thousands': "." groups thousands and "," marks decimals (the Vietnamese way);
 * 'comma-thousands': the English way; 'none': not known, so only unambiguous values read.
 * A space (or NBSP) may group thousands under any convention.
 */
export type Convention = 'dot-thousands' | 'comma-thousands' | 'none';

/** What a metric's figures can be: a count (whole, ≥ 0), a percent (0–100), or any number. */
export type NumberKind = 'count' | 'percent' | 'any';

/** The thousands mark a user declares (`--thousands . | ,`) as the convention it names. */
export const THOUSANDS: Record<'.' | ',', Exclude<Convention, 'none'>> = {
  '.': 'dot-thousands',
  ',': 'comma-thousands',
};

export interface ConventionReport {
  convention: Convention;
  /** the first value (as given) that decided the convention, or null */
  evidence: string | null;
  /** values (as given, each once) whose only reading contradicts the convention returned */
  conflicts: string[];
}

export type ParsedNumber =
  | { kind: 'missing' }
  /** `value` is as written: "85,5%" is 85.5 with `percent` true, never 0.855 */
  | { kind: 'value'; value: number; percent: boolean }
  | { kind: 'error'; rule: NumberRule; message: string; vi: string };

export type NumberRule =
  /** "25.000": 25000 or 25 (1000× apart), and neither the kind nor --thousands says which */
  | 'ambiguous_number'
  /** "85.5" in a file that writes "85,5": it only reads under the other convention */
  | 'convention_mismatch'
  /** "=SUM(A1:A3)": formula text exported instead of its value */
  | 'formula'
  /** an integer part beyond 2^53, which a double cannot hold exactly */
  | 'out_of_range'
  | 'not_a_number';

export interface ReadOptions {
  /** the metric's kind (a "%" in the cell makes it a percent whatever the metric) */
  kind?: NumberKind;
  /** the convention was declared (--thousands), not detected: it decides a lone group */
  declared?: boolean;
}

type Definite = Exclude<Convention, 'none'>;

const MARKS: Record<Definite, { group: string; decimal: string }> = {
  'dot-thousands': { group: '.', decimal: ',' },
  'comma-thousands': { group: ',', decimal: '.' },
};

const OTHER: Record<Definite, Definite> = {
  'dot-thousands': 'comma-thousands',
  'comma-thousands': 'dot-thousands',
};

// a lone dash of any width is how office files leave a cell empty on purpose
const MISSING = /^[\u2010-\u2015\u2212-]?$/;
const SPACES = /[\u00a0\u2007\u2009\u202f ]/g;
const MAX_EXACT = 2n ** 53n;

/**
 * The canonical unsigned text ("1234.5") of `body` read under `convention`, or null.
 * Thousands groups must be exact: "1.234.567" or "1 234 567", never "12.34" or "0.500".
 */
function readAs(body: string, convention: Definite): string | null {
  const { group, decimal } = MARKS[convention];
  const parts = body.split(decimal);
  if (parts.length > 2) return null;
  const [int, frac] = parts;
  if (frac !== undefined && !/^\d+$/.test(frac)) return null;
  let digits: string;
  if (/^\d+$/.test(int)) digits = int;
  else if (new RegExp(`^[1-9]\\d{0,2}(?:[${group}]\\d{3})+$`).test(int))
    digits = int.split(group).join('');
  else if (/^[1-9]\d{0,2}(?: \d{3})+$/.test(int)) digits = int.replace(/ /g, '');
  else return null;
  return frac === undefined ? digits : `${digits}.${frac}`;
}

interface Shape {
  text: string;
  negative: boolean;
  percent: boolean;
  /** digits and separators only; spaces of every width folded to " " */
  body: string;
}

/** Sign, percent sign and body of a cell's text, or null when it is not shaped like a number. */
function shape(raw: string): Shape | null {
  const text = raw.normalize('NFC').trim();
  let rest = text;
  // hyphen-minus or the minus sign; a dash (–, —) before digits is more likely a bullet
  const negative = /^[-\u2212]/.test(rest);
  if (negative) rest = rest.slice(1);
  const percent = /\s*%$/.test(rest);
  if (percent) rest = rest.replace(/\s*%$/, '');
  const body = rest.replace(SPACES, ' ');
  if (!/^\d(?:[\d., ]*\d)?$/.test(body)) return null;
  return { text, negative, percent, body };
}

/** Does the kind allow this reading (signed)? */
function allows(kind: NumberKind, value: number): boolean {
  if (kind === 'count') return value >= 0 && Number.isInteger(value);
  if (kind === 'percent') return value >= 0 && value <= 100;
  return true;
}

/**
 * The readings of a value the kind leaves, by convention: both when the kind allows neither (the
 * value is then an error either way, and says both). Equal readings ("1234", "1 234") are one.
 */
function readings(s: Shape, kind: NumberKind): Record<Definite, string | null> {
  const dot = readAs(s.body, 'dot-thousands');
  const comma = readAs(s.body, 'comma-thousands');
  if (dot === null || comma === null || Number(dot) === Number(comma)) {
    return { 'dot-thousands': dot, 'comma-thousands': comma };
  }
  const effective: NumberKind = s.percent ? 'percent' : kind;
  const signed = (t: string) => (s.negative ? -Number(t) : Number(t));
  const keepDot = allows(effective, signed(dot));
  const keepComma = allows(effective, signed(comma));
  if (keepDot === keepComma) return { 'dot-thousands': dot, 'comma-thousands': comma };
  return { 'dot-thousands': keepDot ? dot : null, 'comma-thousands': keepComma ? comma : null };
}

/** A value of a file with the kind of its metric. */
export interface KindedValue {
  text: string;
  kind: NumberKind;
}

const kinded = (v: string | KindedValue): KindedValue =>
  typeof v === 'string' ? { text: v, kind: 'any' } : v;

/**
 * The convention of a file, decided by its unambiguous values: those that read under one
 * convention only, for their kind ("1.234.567", "1.234,5", "85,5", a count "48.215" →
 * dot-thousands; "1,234.5", "85.5" → comma-thousands). "1.234" (of any kind) and a count
 * "25.000" read both ways and decide nothing. When values point both ways the majority wins and
 * the others are `conflicts`; a tie gives 'none'.
 */
export function detectConvention(values: ReadonlyArray<string | KindedValue>): ConventionReport {
  const votes: Record<Definite, string[]> = { 'dot-thousands': [], 'comma-thousands': [] };
  for (const value of values) {
    const { text, kind } = kinded(value);
    const s = shape(text);
    if (s === null) continue;
    const r = readings(s, kind);
    const dot = r['dot-thousands'] !== null;
    const comma = r['comma-thousands'] !== null;
    if (dot && !comma) votes['dot-thousands'].push(text);
    if (comma && !dot) votes['comma-thousands'].push(text);
  }
  const dots = votes['dot-thousands'];
  const commas = votes['comma-thousands'];
  const once = (xs: string[]) => [...new Set(xs)];
  if (dots.length === 0 && commas.length === 0) {
    return { convention: 'none', evidence: null, conflicts: [] };
  }
  if (dots.length === commas.length) {
    const both = new Set([...dots, ...commas]);
    return {
      convention: 'none',
      evidence: null,
      conflicts: once(values.map((v) => kinded(v).text).filter((v) => both.has(v))),
    };
  }
  const winner: Definite = dots.length > commas.length ? 'dot-thousands' : 'comma-thousands';
  return {
    convention: winner,
    evidence: votes[winner][0],
    conflicts: once(votes[OTHER[winner]]),
  };
}

const error = (rule: NumberRule, en: string, vi: string): ParsedNumber => ({
  kind: 'error',
  rule,
  message: en,
  vi,
});

const sign = (s: Shape) => (s.negative ? '-' : '');

/** Number() of canonical text is exact for integers up to 2^53 and nearest for decimals. */
function toValue(s: Shape, canonical: string): ParsedNumber {
  const int = canonical.split('.')[0];
  if (BigInt(int) > MAX_EXACT) {
    return error(
      'out_of_range',
      `number too large to hold exactly "${s.text}"`,
      `số quá lớn, không lưu được chính xác "${s.text}"`,
    );
  }
  const value = Number(canonical);
  // "-0" and "-0,0" are zero: a negative zero would only surprise comparisons downstream
  return { kind: 'value', value: s.negative && value !== 0 ? -value : value, percent: s.percent };
}

const notANumber = (text: string) =>
  error('not_a_number', `not a number "${text}"`, `không phải là số "${text}"`);

/** A decimal in the Vietnamese way, for the Vietnamese words ("722,000" → "722,000"). */
const viDecimal = (canonical: string) => canonical.replace('.', ',');

/**
 * One cell's text read under the file's convention, for a metric of `kind`. Never throws. Blank
 * and a lone dash are missing; a sign "+" is not accepted (no office form writes it for a
 * figure). A lone group that reads as two allowed values is an error whatever the convention,
 * unless the convention is `declared` (the rule is in this module's header).
 */
export function parseNumber(
  raw: string,
  convention: Convention,
  options: ReadOptions = {},
): ParsedNumber {
  const text = raw.normalize('NFC').trim();
  if (MISSING.test(text)) return { kind: 'missing' };
  if (text.startsWith('=')) {
    return error(
      'formula',
      `formula instead of a value "${text}"`,
      `công thức thay vì giá trị "${text}"`,
    );
  }
  const s = shape(text);
  if (s === null) return notANumber(text);
  const declared = options.declared === true && convention !== 'none';
  const r = declared
    ? {
        'dot-thousands': readAs(s.body, 'dot-thousands'),
        'comma-thousands': readAs(s.body, 'comma-thousands'),
      }
    : readings(s, options.kind ?? 'any');
  const dot = r['dot-thousands'];
  const comma = r['comma-thousands'];
  if (!declared && dot !== null && comma !== null && Number(dot) !== Number(comma)) {
    // the grouped reading is the larger one: list it first, as a reader would guess it first
    const [a, b] = Number(dot) > Number(comma) ? [dot, comma] : [comma, dot];
    const mark = text.includes('.') ? '.' : ',';
    const other = mark === '.' ? ',' : '.';
    const digits = `${sign(s)}${a}`;
    return error(
      'ambiguous_number',
      `ambiguous number "${text}": ${sign(s)}${a} or ${sign(s)}${b} (1000 times apart); the rest of the file cannot decide it: write ${digits} without separators, or give the thousands mark ${mark} (the "Thousands mark" field of the upload page, or --thousands ${mark}) if "${mark}" groups thousands in this file (${other} if it does not)`,
      `số "${text}" đọc được hai cách: ${sign(s)}${a} hoặc ${sign(s)}${viDecimal(b)} (chênh nhau 1000 lần); phần còn lại của tệp không quyết định được: ghi ${digits} không có dấu phân cách, hoặc chọn dấu phân cách hàng nghìn ${mark} (ô «Dấu phân cách hàng nghìn» của trang tải lên, hoặc --thousands ${mark}) nếu tệp dùng "${mark}" để phân cách hàng nghìn (${other} nếu không phải)`,
    );
  }
  if (convention !== 'none') {
    const own = r[convention];
    if (own !== null) return toValue(s, own);
    const other = r[OTHER[convention]];
    if (other === null) return notANumber(text);
    const { group } = MARKS[convention];
    const how = declared
      ? `--thousands "${group}" was given`
      : `this file groups thousands with "${group}"`;
    const howVi = declared
      ? `đã chọn --thousands "${group}"`
      : `tệp này dùng "${group}" để phân cách hàng nghìn`;
    return error(
      'convention_mismatch',
      `number "${text}" reads only as ${sign(s)}${other}, but ${how}`,
      `số "${text}" chỉ đọc được là ${sign(s)}${other}, nhưng ${howVi}: hãy ghi số theo cùng một cách trong cả tệp`,
    );
  }
  const one = dot ?? comma;
  return one === null ? notANumber(text) : toValue(s, one);
}

/** Counts are whole and non-negative: an error message, or null when `value` is a count. */
export function checkCount(value: number): string | null {
  if (!Number.isFinite(value)) return `count is not a finite number: ${value}`;
  if (value < 0) return `count is negative: ${value}`;
  if (!Number.isInteger(value)) return `count is not a whole number: ${value}`;
  return null;
}
