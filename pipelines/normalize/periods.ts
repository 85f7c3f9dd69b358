// Reporting periods: the canonical grammar ("2024", "2024-Q3", "2024-07", "2024-07-19") and the
// Vietnamese forms office files print ("Quý III/2024", "Tháng 7/2024"), with calendar steps (on
// the day and month arithmetic of calendar.ts).
import { addDays as addDaysTo, daysInMonth, lastDayOfMonth } from './calendar.ts';

export type Grain = 'year' | 'quarter' | 'month' | 'day';

/**
 * Exactly the fields of its grain: a year has none beside `year`, a quarter has `quarter`,
 * a month `month`, a day `month` and `day`. A day is a dated snapshot; it belongs to its month.
 */
export interface Period {
  grain: Grain;
  year: number;
  quarter?: number;
  month?: number;
  day?: number;
}

/** Figures of Đề án 06 and the plans around it never fall outside these years. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

/** coarse to fine */
export const GRAINS: readonly Grain[] = ['year', 'quarter', 'month', 'day'];
const RANK: Record<Grain, number> = { year: 0, quarter: 1, month: 2, day: 3 };

const pad = (n: number) => String(n).padStart(2, '0');
const inRange = (year: number) => Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR;
const within = (n: number | undefined, max: number): n is number =>
  n !== undefined && Number.isInteger(n) && n >= 1 && n <= max;

function year(y: number): Period | null {
  return inRange(y) ? { grain: 'year', year: y } : null;
}
function quarter(y: number, q: number): Period | null {
  return inRange(y) && within(q, 4) ? { grain: 'quarter', year: y, quarter: q } : null;
}
function month(y: number, m: number): Period | null {
  return inRange(y) && within(m, 12) ? { grain: 'month', year: y, month: m } : null;
}
function day(y: number, m: number, d: number): Period | null {
  if (!inRange(y) || !within(m, 12) || !within(d, daysInMonth(y, m))) return null;
  return { grain: 'day', year: y, month: m, day: d };
}

/** Does `p` name a real period in 1900–2100, with exactly the fields of its grain? */
export function isValidPeriod(p: Period): boolean {
  const rebuilt =
    p.grain === 'year'
      ? year(p.year)
      : p.grain === 'quarter'
        ? quarter(p.year, p.quarter ?? 0)
        : p.grain === 'month'
          ? month(p.year, p.month ?? 0)
          : p.grain === 'day'
            ? day(p.year, p.month ?? 0, p.day ?? 0)
            : null;
  return (
    rebuilt !== null &&
    Object.values(p).filter((v) => v !== undefined).length === Object.keys(rebuilt).length &&
    Object.entries(rebuilt).every(([k, v]) => p[k as keyof Period] === v)
  );
}

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };

// spelled with or without diacritics: files typed without a Vietnamese keyboard say "Quy 3/2024"
const THANG = '(?:tháng|thang|t)';
const QUY = '(?:quý|quí|quy|q)';
const NAM = '(?:năm|nam)';
const NGAY = '(?:ngày|ngay)';
/** between the part and its year: "7/2024", "7-2024", "7 năm 2024" */
const OF = `\\s*(?:/|-|${NAM})\\s*`;

const FORMS: Array<[RegExp, (m: RegExpExecArray) => Period | null]> = [
  // canonical: 2024, 2024-Q3, 2024-07 (or 2024-7), 2024-07-19
  [/^(\d{4})$/, (m) => year(Number(m[1]))],
  [/^(\d{4})-q(\d)$/, (m) => quarter(Number(m[1]), Number(m[2]))],
  [/^(\d{4})-(\d{1,2})$/, (m) => month(Number(m[1]), Number(m[2]))],
  [/^(\d{4})-(\d{1,2})-(\d{1,2})$/, (m) => day(Number(m[1]), Number(m[2]), Number(m[3]))],
  // "Năm 2024"
  [new RegExp(`^${NAM}\\s*(\\d{4})$`), (m) => year(Number(m[1]))],
  // "Quý III/2024", "Quý 3/2024", "quý III năm 2024", "Q3/2024"
  [
    new RegExp(`^${QUY}\\.?\\s*([a-z]+|\\d+)${OF}(\\d{4})$`),
    (m) => quarter(Number(m[2]), /^\d+$/.test(m[1]) ? Number(m[1]) : (ROMAN[m[1]] ?? 0)),
  ],
  // "Tháng 7/2024", "tháng 07/2024", "Tháng 7 năm 2024", "T7/2024", and bare "07/2024"
  [
    new RegExp(`^${THANG}\\.?\\s*(\\d{1,2})${OF}(\\d{4})$`),
    (m) => month(Number(m[2]), Number(m[1])),
  ],
  [/^(\d{1,2})\/(\d{4})$/, (m) => month(Number(m[2]), Number(m[1]))],
  // dd/mm/yyyy (never mm/dd): "19/07/2024", "19/7/2024", "ngày 19-07-2024", "19.07.2024"
  [
    new RegExp(`^(?:${NGAY}\\s*)?(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4})$`),
    (m) => day(Number(m[4]), Number(m[3]), Number(m[1])),
  ],
  // "ngày 19 tháng 7 năm 2024"
  [
    new RegExp(`^${NGAY}\\s*(\\d{1,2})\\s*${THANG}\\s*(\\d{1,2})\\s*${NAM}\\s*(\\d{4})$`),
    (m) => day(Number(m[3]), Number(m[2]), Number(m[1])),
  ],
];

/**
 * A period from canonical text or a Vietnamese form; blind to case, Unicode normalisation form
 * and blanks. Null when unreadable or impossible ("Tháng 13/2024", "31/02/2024", "Quý V/2024").
 */
export function parsePeriod(text: string): Period | null {
  const t = text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  for (const [re, make] of FORMS) {
    const m = re.exec(t);
    if (m) return make(m);
  }
  return null;
}

/** The canonical text: '2024', '2024-Q3', '2024-07', '2024-07-19'. */
export function formatPeriod(p: Period): string {
  switch (p.grain) {
    case 'year':
      return String(p.year);
    case 'quarter':
      return `${p.year}-Q${p.quarter}`;
    case 'month':
      return `${p.year}-${pad(p.month ?? 0)}`;
    case 'day':
      return `${p.year}-${pad(p.month ?? 0)}-${pad(p.day ?? 0)}`;
  }
}

/** First and last month of `p` (a day counts as its month). */
function months(p: Period): [number, number] {
  if (p.grain === 'year') return [1, 12];
  if (p.grain === 'quarter') return [(p.quarter ?? 1) * 3 - 2, (p.quarter ?? 1) * 3];
  return [p.month ?? 1, p.month ?? 1];
}

/** The first day of `p` (ISO date). */
export function periodStart(p: Period): string {
  if (p.grain === 'day') return formatPeriod(p);
  return `${p.year}-${pad(months(p)[0])}-01`;
}

/** The last day of `p` (ISO date). */
export function periodEnd(p: Period): string {
  if (p.grain === 'day') return formatPeriod(p);
  return lastDayOfMonth(p.year, months(p)[1]);
}

/** The month period of a calendar month (YYYY-MM, as calendar.ts writes one). */
export function monthPeriod(text: string): Period {
  return { grain: 'month', year: Number(text.slice(0, 4)), month: Number(text.slice(5, 7)) };
}

/** The month a day belongs to; a month is its own; a quarter or a year has no single month. */
export function monthOf(p: Period): Period | null {
  if (p.grain !== 'day' && p.grain !== 'month') return null;
  return { grain: 'month', year: p.year, month: p.month ?? 1 };
}

/** The quarter holding a day or a month; a quarter is its own; a year is in no quarter. */
export function quarterOf(p: Period): Period | null {
  if (p.grain === 'year') return null;
  return { grain: 'quarter', year: p.year, quarter: Math.ceil(months(p)[0] / 3) };
}

/** The year holding `p` (a year is its own). */
export function yearOf(p: Period): Period {
  return { grain: 'year', year: p.year };
}

/** By first day, then shorter first: 2024 < 2024-07-01 < 2024-07 < 2024-Q3 < 2024-07-02. */
export function comparePeriods(a: Period, b: Period): number {
  const [sa, sb] = [periodStart(a), periodStart(b)];
  if (sa !== sb) return sa < sb ? -1 : 1;
  return RANK[b.grain] - RANK[a.grain];
}

function addDays(p: Period, delta: number): Period | null {
  const d = addDaysTo(periodStart(p), delta);
  return day(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10)));
}

function step(p: Period, delta: 1 | -1): Period | null {
  switch (p.grain) {
    case 'year':
      return year(p.year + delta);
    case 'quarter': {
      const n = p.year * 4 + (p.quarter ?? 1) - 1 + delta;
      return quarter(Math.floor(n / 4), (n % 4) + 1);
    }
    case 'month': {
      const n = p.year * 12 + (p.month ?? 1) - 1 + delta;
      return month(Math.floor(n / 12), (n % 12) + 1);
    }
    case 'day':
      return addDays(p, delta);
  }
}

/** The period of the same grain right after `p`; null past 2100. */
export function nextPeriod<P extends Period>(p: P): P | null {
  return step(p, 1) as P | null;
}

/** The period of the same grain right before `p`; null before 1900. */
export function previousPeriod<P extends Period>(p: P): P | null {
  return step(p, -1) as P | null;
}

/**
 * The periods of `grain` that make up `container`, in order: the 3 months of a quarter, the
 * 365 or 366 days of a year; [container] for its own grain; [] for a coarser grain.
 */
export function periodsIn(container: Period, grain: Grain): Period[] {
  if (RANK[grain] < RANK[container.grain]) return [];
  const [first] = months(container);
  const start =
    grain === 'year'
      ? year(container.year)
      : grain === 'quarter'
        ? quarter(container.year, Math.ceil(first / 3))
        : grain === 'month'
          ? month(container.year, first)
          : day(container.year, first, container.day ?? 1);
  const end = periodEnd(container);
  const out: Period[] = [];
  for (let p = start; p !== null && periodEnd(p) <= end; p = nextPeriod(p)) out.push(p);
  return out;
}
