// Where a period sits on a time axis. A period is drawn at its LAST day: that is the day
// indicators/compute/status.ts reads an observation "on" (stocks take the last value in the
// period), so the point for 2025-12 lands exactly on a 31/12/2025 deadline and the projection
// starts where the status maths starts it.
import { parsePeriod, periodEnd } from '../../pipelines/normalize/periods.ts';

/** UTC midnight of an ISO date (`2025-12-31`, or the date part of a timestamp); null if unreadable. */
export function isoDate(text: string | null | undefined): Date | null {
  if (!text) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 ? d : null;
}

/** The last day of `2025-03`, `2025-Q1`, `2025` or a dated snapshot; null if unreadable. */
export function periodDate(period: string | null | undefined): Date | null {
  if (!period) return null;
  const p = parsePeriod(period);
  return p ? isoDate(periodEnd(p)) : null;
}
