import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  addMonths,
  CalendarError,
  dateInVietnam,
  dateOfDayNumber,
  dayNumber,
  daysInMonth,
  isIsoDate,
  isMonth,
  lastCompleteQuarter,
  lastDayOfMonth,
  lastFullMonth,
  monthEnd,
  monthNumber,
  monthOfDate,
  monthOfNumber,
  monthsBetween,
  monthStart,
  quarterOfMonth,
  today,
} from '../../pipelines/normalize/calendar.ts';
import {
  formatPeriod,
  periodEnd,
  periodsIn,
  periodStart,
  type Period,
} from '../../pipelines/normalize/periods.ts';

const pad = (n: number) => String(n).padStart(2, '0');

const year = fc.integer({ min: 1900, max: 2100 });
const monthOfYear = fc.integer({ min: 1, max: 12 });
const month = fc.tuple(year, monthOfYear).map(([y, m]) => `${y}-${pad(m)}`);
/** every day of 1900–2100, drawn by its day number */
const day = fc
  .integer({ min: dayNumber('1900-01-01'), max: dayNumber('2100-12-31') })
  .map(dateOfDayNumber);
const period: fc.Arbitrary<Period> = fc.oneof(
  year.map((y) => ({ grain: 'year' as const, year: y })),
  fc
    .tuple(year, fc.integer({ min: 1, max: 4 }))
    .map(([y, q]) => ({ grain: 'quarter' as const, year: y, quarter: q })),
  fc.tuple(year, monthOfYear).map(([y, m]) => ({ grain: 'month' as const, year: y, month: m })),
  day.map((d) => ({
    grain: 'day' as const,
    year: Number(d.slice(0, 4)),
    month: Number(d.slice(5, 7)),
    day: Number(d.slice(8, 10)),
  })),
);

describe('month arithmetic', () => {
  it('adding n months then -n gives the month back', () => {
    fc.assert(
      fc.property(month, fc.integer({ min: -2400, max: 2400 }), (m, n) => {
        expect(addMonths(addMonths(m, n), -n)).toBe(m);
      }),
    );
  });

  it('adding is composable and counts months: (m + a) + b = m + (a + b)', () => {
    fc.assert(
      fc.property(
        month,
        fc.integer({ min: -600, max: 600 }),
        fc.integer({ min: -600, max: 600 }),
        (m, a, b) => {
          expect(addMonths(addMonths(m, a), b)).toBe(addMonths(m, a + b));
          expect(monthNumber(addMonths(m, a)) - monthNumber(m)).toBe(a);
        },
      ),
    );
  });

  it('monthNumber and monthOfNumber are inverse, and the result is a month', () => {
    fc.assert(
      fc.property(month, (m) => {
        expect(monthOfNumber(monthNumber(m))).toBe(m);
        expect(isMonth(addMonths(m, 1))).toBe(true);
      }),
    );
  });

  it('carries across years both ways', () => {
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2024-03', -15)).toBe('2022-12');
    expect(addMonths('2024-11', 14)).toBe('2026-01');
  });

  it('monthsBetween lists every month once, in order, both ends included', () => {
    fc.assert(
      fc.property(month, fc.integer({ min: 0, max: 60 }), (from, n) => {
        const until = addMonths(from, n);
        const list = monthsBetween(from, until);
        expect(list).toHaveLength(n + 1);
        expect(list[0]).toBe(from);
        expect(list.at(-1)).toBe(until);
        list.slice(1).forEach((m, i) => expect(m).toBe(addMonths(list[i], 1)));
      }),
    );
    expect(monthsBetween('2025-02', '2025-01')).toEqual([]);
  });

  it('a month starts on its 1st and ends on its last day; the next starts the day after', () => {
    fc.assert(
      fc.property(month, (m) => {
        expect(monthStart(m)).toBe(`${m}-01`);
        expect(monthEnd(m)).toBe(lastDayOfMonth(Number(m.slice(0, 4)), Number(m.slice(5, 7))));
        expect(addDays(monthEnd(m), 1)).toBe(monthStart(addMonths(m, 1)));
        expect(dayNumber(monthEnd(m)) - dayNumber(monthStart(m)) + 1).toBe(
          daysInMonth(Number(m.slice(0, 4)), Number(m.slice(5, 7))),
        );
      }),
    );
    expect(monthEnd('2024-02')).toBe('2024-02-29');
    expect(monthEnd('2100-02')).toBe('2100-02-28');
    expect(monthEnd('2000-02')).toBe('2000-02-29');
  });
});

describe('days', () => {
  it('dayNumber and dateOfDayNumber are inverse; adding n days then -n gives the day back', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -5000, max: 5000 }), (d, n) => {
        expect(dateOfDayNumber(dayNumber(d))).toBe(d);
        expect(addDays(addDays(d, n), -n)).toBe(d);
        expect(dayNumber(addDays(d, n)) - dayNumber(d)).toBe(n);
        expect(isIsoDate(d)).toBe(true);
      }),
    );
  });

  it('isIsoDate takes real dates in YYYY-MM-DD only', () => {
    for (const ok of ['2024-02-29', '2026-12-31', '1900-01-01']) expect(isIsoDate(ok)).toBe(true);
    for (const bad of [
      '2026-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-1-5',
      '2026-01-01T00:00',
      '',
    ])
      expect(isIsoDate(bad), bad).toBe(false);
  });
});

describe('periods and the calendar', () => {
  it('a period starts on or before it ends, both real dates', () => {
    fc.assert(
      fc.property(period, (p) => {
        expect(isIsoDate(periodStart(p))).toBe(true);
        expect(isIsoDate(periodEnd(p))).toBe(true);
        expect(periodStart(p) <= periodEnd(p)).toBe(true);
      }),
    );
  });

  it('every day belongs to exactly one month and one quarter of its year', () => {
    fc.assert(
      fc.property(day, (d) => {
        const y: Period = { grain: 'year', year: Number(d.slice(0, 4)) };
        const holding = (grain: 'month' | 'quarter') =>
          periodsIn(y, grain).filter((p) => periodStart(p) <= d && d <= periodEnd(p));
        const months = holding('month');
        const quarters = holding('quarter');
        expect(months.map(formatPeriod)).toEqual([monthOfDate(d)]);
        expect(quarters.map(formatPeriod)).toEqual([quarterOfMonth(d)]);
      }),
    );
  });

  it('the last full month and quarter end before today, and the next one does not', () => {
    fc.assert(
      fc.property(day, (d) => {
        const m = lastFullMonth(d);
        expect(monthEnd(m) < d).toBe(true);
        expect(monthEnd(addMonths(m, 1)) >= d).toBe(true);
        const q = lastCompleteQuarter(d);
        expect(q).toMatch(/^\d{4}-Q[1-4]$/);
        const qLast = `${q.slice(0, 4)}-${pad(Number(q.slice(6)) * 3)}`;
        expect(monthEnd(qLast) < d).toBe(true);
        expect(monthEnd(addMonths(qLast, 3)) >= d).toBe(true);
      }),
    );
    expect(lastFullMonth('2026-11-23')).toBe('2026-10');
    expect(lastFullMonth('2026-01-01')).toBe('2025-12');
    expect(lastCompleteQuarter('2026-01-25')).toBe('2025-Q4');
    expect(lastCompleteQuarter('2026-03-31')).toBe('2025-Q4');
    expect(lastCompleteQuarter('2026-04-01')).toBe('2026-Q1');
  });
});

describe('today: the date in Vietnam', () => {
  const none = {};

  it('is the next day in Vietnam from 17:00 UTC', () => {
    expect(today({ env: none, now: new Date('2026-12-02T17:30:00Z') })).toBe('2026-12-03');
    expect(today({ env: none, now: new Date('2026-12-02T17:00:00Z') })).toBe('2026-12-03');
    expect(today({ env: none, now: new Date('2026-12-02T16:59:59Z') })).toBe('2026-12-02');
    expect(today({ env: none, now: Date.parse('2026-12-31T17:00:00Z') })).toBe('2027-01-01');
  });

  it('is the UTC date seven hours on, for any instant of this century (no DST in Vietnam)', () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.parse('2000-01-01T00:00:00Z'),
          max: Date.parse('2099-12-31T00:00:00Z'),
        }),
        (ms) => {
          const plusSeven = new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
          expect(dateInVietnam(ms)).toBe(plusSeven);
        },
      ),
    );
  });

  it('reads the clock when not given one', () => {
    const before = dateInVietnam(Date.now());
    const got = today({ env: none });
    expect([before, dateInVietnam(Date.now())]).toContain(got);
  });

  it('is CHITIEU_TODAY when that is set, whatever the clock says', () => {
    const env = { CHITIEU_TODAY: '2024-02-29' };
    expect(today({ env, now: new Date('2026-12-02T17:30:00Z') })).toBe('2024-02-29');
    // empty is unset, as `CHITIEU_TODAY= chitieu …` means
    expect(today({ env: { CHITIEU_TODAY: '' }, now: Date.parse('2026-12-02T17:30:00Z') })).toBe(
      '2026-12-03',
    );
  });

  it('refuses a CHITIEU_TODAY that is not a real YYYY-MM-DD date, saying which', () => {
    for (const bad of ['2026-02-30', '2026-2-3', '03/12/2026', 'tomorrow', ' 2026-12-03']) {
      expect(() => today({ env: { CHITIEU_TODAY: bad } }), bad).toThrow(CalendarError);
      expect(() => today({ env: { CHITIEU_TODAY: bad } }), bad).toThrow(
        `invalid CHITIEU_TODAY: ${bad} (a date YYYY-MM-DD, or unset)`,
      );
    }
  });
});
