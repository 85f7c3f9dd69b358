// Months, days and the Tết calendar for the demo data (pure; UTC dates as ISO strings).

export const FIRST_MONTH = '2022-01';

const pad = (n: number) => String(n).padStart(2, '0');

export function isMonth(text: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** 0 for 2022-01, 1 for 2022-02, … */
export function monthIndex(period: string): number {
  const [y, m] = period.split('-').map(Number);
  return (y - 2022) * 12 + (m - 1);
}

export function monthAt(index: number): string {
  const y = 2022 + Math.floor(index / 12);
  return `${y}-${pad((((index % 12) + 12) % 12) + 1)}`;
}

/** Every month from `from` to `until`, both included. */
export function monthsBetween(from: string, until: string): string[] {
  const out: string[] = [];
  for (let i = monthIndex(from); i <= monthIndex(until); i++) out.push(monthAt(i));
  return out;
}

/** The last whole month before `today` (ISO date): on 2026-11-23 that is 2026-10. */
export function lastFullMonth(today: string): string {
  return monthAt(monthIndex(today.slice(0, 7)) - 1);
}

/** `days` after the first day of the month after `period`, as an ISO date. */
export function dayAfterMonth(period: string, day: number): string {
  const [y, m] = period.split('-').map(Number);
  const d = new Date(Date.UTC(y, m, day)); // month m (0-based) is the month after `period`
  return d.toISOString().slice(0, 10);
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

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
