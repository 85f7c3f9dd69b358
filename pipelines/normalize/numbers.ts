// Numbers as Vietnamese office files write them ("1.234.567", "85,5%", "-"): the file's
// separator convention, read from its unambiguous values, and exact parsing under it.

/**
 * 'dot-thousands': "." groups thousands and "," marks decimals (the Vietnamese way);
 * 'comma-thousands': the English way; 'none': not known, so only unambiguous values read.
 * A space (or NBSP) may group thousands under any convention.
 */
export type Convention = 'dot-thousands' | 'comma-thousands' | 'none';

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
  | { kind: 'error'; rule: NumberRule; message: string };

export type NumberRule =
  /** "1.234" with no convention known: 1234 or 1.234 */
  | 'ambiguous_number'
  /** "85.5" in a file that writes "85,5": it only reads under the other convention */
  | 'convention_mismatch'
  /** "=SUM(A1:A3)": formula text exported instead of its value */
  | 'formula'
  /** an integer part beyond 2^53, which a double cannot hold exactly */
  | 'out_of_range'
  | 'not_a_number';

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

/** Which conventions read this value, and how: the evidence a value gives about its file. */
function readings(body: string): Record<Definite, string | null> {
  return {
    'dot-thousands': readAs(body, 'dot-thousands'),
    'comma-thousands': readAs(body, 'comma-thousands'),
  };
}

/**
 * The convention of a file, decided by its unambiguous values: those that read under one
 * convention only ("1.234.567", "1.234,5", "85,5" → dot-thousands; "1,234.5", "85.5" →
 * comma-thousands). "1.234" and "1,234" read both ways and decide nothing. When values point
 * both ways the majority wins and the others are `conflicts`; a tie gives 'none'.
 */
export function detectConvention(values: string[]): ConventionReport {
  const votes: Record<Definite, string[]> = { 'dot-thousands': [], 'comma-thousands': [] };
  for (const value of values) {
    const s = shape(value);
    if (s === null) continue;
    const r = readings(s.body);
    const dot = r['dot-thousands'] !== null;
    const comma = r['comma-thousands'] !== null;
    if (dot && !comma) votes['dot-thousands'].push(value);
    if (comma && !dot) votes['comma-thousands'].push(value);
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
      conflicts: once(values.filter((v) => both.has(v))),
    };
  }
  const winner: Definite = dots.length > commas.length ? 'dot-thousands' : 'comma-thousands';
  return {
    convention: winner,
    evidence: votes[winner][0],
    conflicts: once(votes[OTHER[winner]]),
  };
}

const error = (rule: NumberRule, message: string): ParsedNumber => ({
  kind: 'error',
  rule,
  message,
});

const sign = (s: Shape) => (s.negative ? '-' : '');

/** Number() of canonical text is exact for integers up to 2^53 and nearest for decimals. */
function toValue(s: Shape, canonical: string): ParsedNumber {
  const int = canonical.split('.')[0];
  if (BigInt(int) > MAX_EXACT) {
    return error('out_of_range', `number too large to hold exactly "${s.text}"`);
  }
  const value = Number(canonical);
  // "-0" and "-0,0" are zero: a negative zero would only surprise comparisons downstream
  return { kind: 'value', value: s.negative && value !== 0 ? -value : value, percent: s.percent };
}

/**
 * One cell's text read under the file's convention. Never throws. Blank and a lone dash are
 * missing; a sign "+" is not accepted (no office form writes it for a figure).
 */
export function parseNumber(raw: string, convention: Convention): ParsedNumber {
  const text = raw.normalize('NFC').trim();
  if (MISSING.test(text)) return { kind: 'missing' };
  if (text.startsWith('=')) return error('formula', `formula instead of a value "${text}"`);
  const s = shape(text);
  if (s === null) return error('not_a_number', `not a number "${text}"`);
  const r = readings(s.body);
  if (convention !== 'none') {
    const own = r[convention];
    if (own !== null) return toValue(s, own);
    const other = r[OTHER[convention]];
    if (other === null) return error('not_a_number', `not a number "${text}"`);
    const { group } = MARKS[convention];
    return error(
      'convention_mismatch',
      `number "${text}" reads only as ${sign(s)}${other}, but this file groups thousands with "${group}"`,
    );
  }
  const dot = r['dot-thousands'];
  const comma = r['comma-thousands'];
  if (dot !== null && comma !== null && Number(dot) !== Number(comma)) {
    // the grouped reading is the larger one: list it first, as a reader would guess it first
    const [a, b] = Number(dot) > Number(comma) ? [dot, comma] : [comma, dot];
    return error(
      'ambiguous_number',
      `ambiguous number "${text}": ${sign(s)}${a} or ${sign(s)}${b}`,
    );
  }
  const one = dot ?? comma;
  return one === null ? error('not_a_number', `not a number "${text}"`) : toValue(s, one);
}

/** Counts are whole and non-negative: an error message, or null when `value` is a count. */
export function checkCount(value: number): string | null {
  if (!Number.isFinite(value)) return `count is not a finite number: ${value}`;
  if (value < 0) return `count is negative: ${value}`;
  if (!Number.isInteger(value)) return `count is not a whole number: ${value}`;
  return null;
}
