// The demo's months counted from its first (0 for 2022-01), and the Tết calendar (pure). Dates
// and month sums are the calendar's (pipelines/normalize/calendar.ts); the names it had before
// are kept for the demo's modules and tests.
import {
  addDays,
  addMonths,
  isMonth,
  lastFullMonth,
  monthNumber,
  monthOfNumber,
  monthsBetween,
  monthStart,
} from '../normalize/calendar.ts';

export { addDays, isMonth, lastFullMonth, monthsBetween };

export const FIRST_MONTH = '2022-01';
const FIRST = monthNumber(FIRST_MONTH);

/** 0 for 2022-01, 1 for 2022-02, … */
export const monthIndex = (period: string): number => monthNumber(period) - FIRST;

/** The month at a place of monthIndex's count. */
export const monthAt = (index: number): string => monthOfNumber(FIRST + index);

/** Day `day` of the month after `period`, as an ISO date (day 0: the last day of `period`). */
export const dayAfterMonth = (period: string, day: number): string =>
  addDays(monthStart(addMonths(period, 1)), day - 1);

/** First day of the lunar new year (Tết Nguyên Đán). */
const TET: Record<number, string> = {
  2022: '2022-02-01',
  2023: '2023-01-22',
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-03',
};

/**
 * How busy offices are in a month, relative to an ordinary one: the Tết holiday (about a week
 * off, and slow days around it) cuts the month it falls in, and the next one when Tết is late in
 * January; December is the year-end push.
 */
export function seasonality(period: string): number {
  const [y, m] = period.split('-').map(Number);
  const tet = TET[y] ?? `${y}-02-05`;
  const tetMonth = Number(tet.slice(5, 7));
  const tetDay = Number(tet.slice(8, 10));
  if (m === tetMonth) return tetDay >= 20 ? 0.8 : 0.7;
  if (m === tetMonth + 1 && tetDay >= 20) return 0.86;
  if (m === tetMonth - 1 && tetDay <= 10) return 0.95;
  if (m === 12) return 1.08;
  return 1;
}
