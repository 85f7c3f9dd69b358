// The calendar: ISO dates (YYYY-MM-DD) and months (YYYY-MM) as text, their arithmetic, and "today"
// — the date in Vietnam (Asia/Ho_Chi_Minh), or CHITIEU_TODAY when set. Pure but for today()'s
// clock; every layer asks here, so no module reads a clock for a date or does month sums itself.
// Periods as values (2024-Q3, their starts and ends, next and previous) are periods.ts, built on
// this module.

/** Where "today" is read: overdue tasks, pending reports and default quarters follow its midnight. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** The environment variable that fixes today (tests, demos, reproducing a past review). */
export const TODAY_VARIABLE = 'CHITIEU_TODAY';

export class CalendarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarError';
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
const DAY_MS = 86_400_000;

/** Days of `month` (1–12) of `year`, leap years included. */
export function daysInMonth(year: number, month: number): number {
  // day 0 of the next month is the last of this one; UTC, so no zone or DST can shift it
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The last day of `month` (1–12) of `year`, as an ISO date. */
export function lastDayOfMonth(year: number, month: number): string {
  return `${year}-${pad(month)}-${pad(daysInMonth(year, month))}`;
}

/** Is `text` exactly YYYY-MM-DD and a day that exists (no 2026-02-30)? */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** Is `text` exactly YYYY-MM with a month from 01 to 12? */
export function isMonth(text: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

// ---- days

/** Days since 1970-01-01 (negative before): a day count for differences and trends. */
export function dayNumber(date: string): number {
  return (
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) /
    DAY_MS
  );
}

/** The ISO date `n` days after 1970-01-01; the inverse of dayNumber. */
export function dateOfDayNumber(n: number): string {
  const d = new Date(n * DAY_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The ISO date `n` days after `date` (before, when negative). */
export function addDays(date: string, n: number): string {
  return dateOfDayNumber(dayNumber(date) + n);
}

// ---- months

/** A month's place in a count of months from January of year 0: months subtract as numbers. */
export function monthNumber(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/** The month (YYYY-MM) at a place of monthNumber's count; its inverse. */
export function monthOfNumber(n: number): string {
  return `${Math.floor(n / 12)}-${pad((((n % 12) + 12) % 12) + 1)}`;
}

/** YYYY-MM plus `n` months (`n` may be negative). */
export function addMonths(month: string, n: number): string {
  return monthOfNumber(monthNumber(month) + n);
}

/** Every month from `from` to `until`, both included; [] when `from` is after `until`. */
export function monthsBetween(from: string, until: string): string[] {
  const out: string[] = [];
  for (let n = monthNumber(from); n <= monthNumber(until); n++) out.push(monthOfNumber(n));
  return out;
}

/** The month (YYYY-MM) a date, or a month, falls in. */
export const monthOfDate = (date: string): string => date.slice(0, 7);

/** The first day of a month, as an ISO date. */
export const monthStart = (month: string): string => `${month.slice(0, 7)}-01`;

/** The last day of a month, as an ISO date. */
export const monthEnd = (month: string): string =>
  lastDayOfMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));

/** The quarter (YYYY-Qn) a month or a date falls in. */
export const quarterOfMonth = (month: string): string =>
  `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;

/** The last whole month before `today` (an ISO date): on 2026-11-23 that is 2026-10. */
export const lastFullMonth = (today: string): string => addMonths(monthOfDate(today), -1);

/** The last whole quarter before `today` (an ISO date): on 2026-11-23 that is 2026-Q3. */
export const lastCompleteQuarter = (today: string): string =>
  quarterOfMonth(addMonths(monthOfDate(today), -3));

// ---- today

/** en-CA prints YYYY-MM-DD; made once, as Intl formatters are costly to build. */
let vietnamDates: Intl.DateTimeFormat | undefined;

/**
 * The calendar date in Vietnam at an instant. Intl's zone data, not a fixed +7 hours: the offset
 * is +7 today, but it was not always, and the zone database is where that is recorded.
 */
export function dateInVietnam(instant: Date | number): string {
  vietnamDates ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const parts = Object.fromEntries(
    vietnamDates.formatToParts(instant).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** What today() reads; both default to the process's. */
export interface Clock {
  /** CHITIEU_TODAY is read here (a CLI passes the environment it was given) */
  env?: Readonly<Record<string, string | undefined>>;
  /** the instant whose Vietnamese date is today */
  now?: Date | number;
}

/**
 * CHITIEU_TODAY when set (YYYY-MM-DD, a real date), else null. A value that is not a date is an
 * error, never ignored: a mistyped fixed date must not quietly give the real one. Empty counts as
 * unset, as a shell's `CHITIEU_TODAY= chitieu …` means.
 */
export function fixedToday(env: Clock['env'] = process.env): string | null {
  const text = env[TODAY_VARIABLE];
  if (text === undefined || text === '') return null;
  if (!isIsoDate(text)) {
    throw new CalendarError(`invalid ${TODAY_VARIABLE}: ${text} (a date YYYY-MM-DD, or unset)`);
  }
  return text;
}

/** Today's date in Vietnam (ISO), or CHITIEU_TODAY; throws CalendarError when that is not a date. */
export function today(clock: Clock = {}): string {
  return fixedToday(clock.env) ?? dateInVietnam(clock.now ?? Date.now());
}
