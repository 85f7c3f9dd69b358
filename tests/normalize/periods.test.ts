import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  comparePeriods,
  formatPeriod,
  GRAINS,
  isValidPeriod,
  monthOf,
  nextPeriod,
  parsePeriod,
  periodEnd,
  periodsIn,
  periodStart,
  previousPeriod,
  quarterOf,
  yearOf,
  type Grain,
  type Period,
} from '../../pipelines/normalize/periods.ts';
import { lastDayOfMonth } from '../../pipelines/normalize/calendar.ts';

/** a period from canonical text, for tables; fails loudly on a typo */
function P(text: string): Period {
  const p = parsePeriod(text);
  if (p === null) throw new Error(`bad period in test: ${text}`);
  return p;
}

/** the ISO date `n` days after `iso` */
function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

describe('parsePeriod: canonical and Vietnamese forms', () => {
  // [text, canonical]
  const cases: Array<[string, string]> = [
    ['2024', '2024'],
    ['2024-Q3', '2024-Q3'],
    ['2024-q1', '2024-Q1'],
    ['2024-07', '2024-07'],
    ['2024-7', '2024-07'],
    ['2024-07-19', '2024-07-19'],
    ['2024-7-9', '2024-07-09'],
    ['Tháng 7/2024', '2024-07'],
    ['tháng 07/2024', '2024-07'],
    ['Tháng 7 năm 2024', '2024-07'],
    ['THÁNG 12/2024', '2024-12'],
    ['tháng 7-2024', '2024-07'],
    ['Thang 7/2024', '2024-07'],
    ['T7/2024', '2024-07'],
    ['t07/2024', '2024-07'],
    ['T.7/2024', '2024-07'],
    ['07/2024', '2024-07'],
    ['7/2024', '2024-07'],
    ['Quý III/2024', '2024-Q3'],
    ['Quý 3/2024', '2024-Q3'],
    ['quý III năm 2024', '2024-Q3'],
    ['QUÝ IV/2024', '2024-Q4'],
    ['Quý I/2023', '2023-Q1'],
    ['Quý II / 2023', '2023-Q2'],
    ['Quí II/2023', '2023-Q2'],
    ['Quy 2/2023', '2023-Q2'],
    ['Q3/2024', '2024-Q3'],
    ['q4-2024', '2024-Q4'],
    ['Năm 2024', '2024'],
    ['năm 2024', '2024'],
    ['NĂM 2024', '2024'],
    ['19/07/2024', '2024-07-19'],
    ['19/7/2024', '2024-07-19'],
    ['1/2/2024', '2024-02-01'],
    ['19-07-2024', '2024-07-19'],
    ['19.07.2024', '2024-07-19'],
    ['ngày 19/07/2024', '2024-07-19'],
    ['Ngày 19 tháng 7 năm 2024', '2024-07-19'],
    ['29/02/2024', '2024-02-29'],
    ['  Quý  III / 2024 ', '2024-Q3'],
    ['\u00a0Tháng\u00a07/2024\t', '2024-07'],
    ['1900', '1900'],
    ['2100-Q4', '2100-Q4'],
  ];
  it.each(cases)('%j → %s', (text, canonical) => {
    const p = parsePeriod(text);
    expect(p).not.toBeNull();
    expect(formatPeriod(p!)).toBe(canonical);
    expect(isValidPeriod(p!)).toBe(true);
  });

  it.each(cases)('%j reads the same in NFD', (text) => {
    expect(parsePeriod(text.normalize('NFD'))).toEqual(parsePeriod(text));
  });

  it('gives each grain exactly its own fields', () => {
    expect(parsePeriod('2024')).toEqual({ grain: 'year', year: 2024 });
    expect(parsePeriod('Quý III/2024')).toEqual({ grain: 'quarter', year: 2024, quarter: 3 });
    expect(parsePeriod('Tháng 7/2024')).toEqual({ grain: 'month', year: 2024, month: 7 });
    expect(parsePeriod('19/07/2024')).toEqual({ grain: 'day', year: 2024, month: 7, day: 19 });
  });

  const impossible = [
    '',
    '   ',
    'abc',
    'Tháng 13/2024',
    'tháng 0/2024',
    '13/2024',
    '00/2024',
    '2024-13',
    '2024-00',
    '31/02/2024',
    '29/02/2023',
    '31/04/2024',
    '0/07/2024',
    '19/13/2024',
    '2024-02-30',
    'Quý V/2024',
    'Quý 5/2024',
    'Quý 0/2024',
    'Quý IIII/2024',
    'Quý VI/2024',
    '2024-Q5',
    '2024-Q0',
    'Q3',
    'Tháng 7',
    'tháng 7/24',
    '07/19/2024',
    '1899',
    '2101',
    'Năm 2101',
    'Tháng 12/1899',
    '6 tháng đầu năm 2024',
    '2024-2025',
    '20240719',
    '2024/07/19',
  ];
  it.each(impossible)('%j → null', (text) => {
    expect(parsePeriod(text)).toBeNull();
  });
});

describe('period arithmetic: examples', () => {
  // [period, start, end]
  const spans: Array<[string, string, string]> = [
    ['2024', '2024-01-01', '2024-12-31'],
    ['2024-Q1', '2024-01-01', '2024-03-31'],
    ['2024-Q3', '2024-07-01', '2024-09-30'],
    ['2024-Q4', '2024-10-01', '2024-12-31'],
    ['2024-02', '2024-02-01', '2024-02-29'],
    ['2023-02', '2023-02-01', '2023-02-28'],
    ['1900-02', '1900-02-01', '1900-02-28'],
    ['2000-02', '2000-02-01', '2000-02-29'],
    ['2024-07-19', '2024-07-19', '2024-07-19'],
  ];
  it.each(spans)('%s runs %s … %s', (text, start, end) => {
    expect(periodStart(P(text))).toBe(start);
    expect(periodEnd(P(text))).toBe(end);
  });

  // [period, monthOf, quarterOf, yearOf]
  const containers: Array<[string, string | null, string | null, string]> = [
    ['2024-07-19', '2024-07', '2024-Q3', '2024'],
    ['2024-07', '2024-07', '2024-Q3', '2024'],
    ['2024-03', '2024-03', '2024-Q1', '2024'],
    ['2024-10', '2024-10', '2024-Q4', '2024'],
    ['2024-Q3', null, '2024-Q3', '2024'],
    ['2024', null, null, '2024'],
  ];
  it.each(containers)('%s is in month %s, quarter %s, year %s', (text, m, q, y) => {
    const p = P(text);
    expect(monthOf(p)).toEqual(m === null ? null : P(m));
    expect(quarterOf(p)).toEqual(q === null ? null : P(q));
    expect(yearOf(p)).toEqual(P(y));
  });

  // [period, next, previous]
  const steps: Array<[string, string | null, string | null]> = [
    ['2024', '2025', '2023'],
    ['2024-Q4', '2025-Q1', '2024-Q3'],
    ['2024-Q1', '2024-Q2', '2023-Q4'],
    ['2024-12', '2025-01', '2024-11'],
    ['2024-01', '2024-02', '2023-12'],
    ['2024-02-28', '2024-02-29', '2024-02-27'],
    ['2024-03-01', '2024-03-02', '2024-02-29'],
    ['2023-03-01', '2023-03-02', '2023-02-28'],
    ['2024-12-31', '2025-01-01', '2024-12-30'],
    ['2100', null, '2099'],
    ['1900', '1901', null],
    ['2100-Q4', null, '2100-Q3'],
    ['1900-01', '1900-02', null],
    ['2100-12-31', null, '2100-12-30'],
    ['1900-01-01', '1900-01-02', null],
  ];
  it.each(steps)('after %s comes %s, before it %s', (text, next, previous) => {
    expect(nextPeriod(P(text))).toEqual(next === null ? null : P(next));
    expect(previousPeriod(P(text))).toEqual(previous === null ? null : P(previous));
  });

  // [container, grain, the periods in it]
  const parts: Array<[string, Grain, string[]]> = [
    ['2024-Q3', 'month', ['2024-07', '2024-08', '2024-09']],
    ['2024', 'quarter', ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']],
    ['2024-Q2', 'quarter', ['2024-Q2']],
    ['2024-07-19', 'day', ['2024-07-19']],
    [
      '2024-02',
      'day',
      Array.from({ length: 29 }, (_, i) => `2024-02-${String(i + 1).padStart(2, '0')}`),
    ],
    ['2024-07', 'quarter', []],
    ['2024-07-19', 'month', []],
    ['2024-Q3', 'year', []],
  ];
  it.each(parts)('%s in %ss', (text, grain, expected) => {
    expect(periodsIn(P(text), grain).map(formatPeriod)).toEqual(expected);
  });

  it('counts the days of a year and the months of a year', () => {
    expect(periodsIn(P('2024'), 'day')).toHaveLength(366);
    expect(periodsIn(P('2023'), 'day')).toHaveLength(365);
    expect(periodsIn(P('2100'), 'day')).toHaveLength(365);
    expect(periodsIn(P('2024'), 'month')).toHaveLength(12);
  });

  it('sorts by first day, then shorter first', () => {
    const texts = [
      '2024-08',
      '2024-Q3',
      '2024-07-02',
      '2024',
      '2024-07',
      '2023-12-31',
      '2024-07-01',
    ];
    const sorted = texts.map(P).sort(comparePeriods).map(formatPeriod);
    expect(sorted).toEqual([
      '2023-12-31',
      '2024',
      '2024-07-01',
      '2024-07',
      '2024-Q3',
      '2024-07-02',
      '2024-08',
    ]);
    expect(comparePeriods(P('2024-Q3'), P('Quý III/2024'))).toBe(0);
  });

  it('isValidPeriod rejects impossible or mis-shaped periods', () => {
    expect(isValidPeriod({ grain: 'month', year: 2024, month: 13 })).toBe(false);
    expect(isValidPeriod({ grain: 'day', year: 2023, month: 2, day: 29 })).toBe(false);
    expect(isValidPeriod({ grain: 'quarter', year: 2024, quarter: 5 })).toBe(false);
    expect(isValidPeriod({ grain: 'year', year: 2101 })).toBe(false);
    expect(isValidPeriod({ grain: 'year', year: 2024.5 })).toBe(false);
    expect(isValidPeriod({ grain: 'month', year: 2024, month: 7, day: 1 })).toBe(false);
    expect(isValidPeriod({ grain: 'quarter', year: 2024 })).toBe(false);
    expect(isValidPeriod({ grain: 'year', year: 2024, month: undefined })).toBe(true);
  });
});

// every valid period, evenly spread over grains
const yearArb = fc.integer({ min: 1900, max: 2100 });
const periodArb: fc.Arbitrary<Period> = fc.oneof(
  yearArb.map((year): Period => ({ grain: 'year', year })),
  fc
    .tuple(yearArb, fc.integer({ min: 1, max: 4 }))
    .map(([year, quarter]): Period => ({ grain: 'quarter', year, quarter })),
  fc
    .tuple(yearArb, fc.integer({ min: 1, max: 12 }))
    .map(([year, month]): Period => ({ grain: 'month', year, month })),
  fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z') })
    .filter((d) => !Number.isNaN(d.getTime()))
    .map((d): Period => ({
      grain: 'day',
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
    })),
);
const grainArb = fc.constantFrom(...GRAINS);

describe('periods: laws', () => {
  it('parse then print is the identity on canonical text, and print then parse on periods', () => {
    fc.assert(
      fc.property(periodArb, (p) => {
        const text = formatPeriod(p);
        expect(parsePeriod(text)).toEqual(p);
        expect(formatPeriod(parsePeriod(text)!)).toBe(text);
      }),
    );
  });

  it('every generated and every stepped period is valid', () => {
    fc.assert(
      fc.property(periodArb, (p) => {
        expect(isValidPeriod(p)).toBe(true);
        for (const q of [nextPeriod(p), previousPeriod(p)])
          if (q) expect(isValidPeriod(q)).toBe(true);
      }),
    );
  });

  it('a period starts no later than it ends, on real dates', () => {
    fc.assert(
      fc.property(periodArb, (p) => {
        const [start, end] = [periodStart(p), periodEnd(p)];
        expect(start <= end).toBe(true);
        for (const iso of [start, end])
          expect(new Date(`${iso}T00:00:00Z`).toISOString()).toContain(iso);
      }),
    );
  });

  it('the months of a quarter are 3 consecutive months that span it exactly', () => {
    fc.assert(
      fc.property(yearArb, fc.integer({ min: 1, max: 4 }), (year, quarter) => {
        const q: Period = { grain: 'quarter', year, quarter };
        const ms = periodsIn(q, 'month');
        expect(ms).toHaveLength(3);
        expect(periodStart(ms[0])).toBe(periodStart(q));
        expect(periodEnd(ms[2])).toBe(periodEnd(q));
        for (let i = 1; i < ms.length; i++) {
          expect(ms[i]).toEqual(nextPeriod(ms[i - 1]));
          expect(periodStart(ms[i])).toBe(addDays(periodEnd(ms[i - 1]), 1));
        }
        for (const m of ms) expect(quarterOf(m)).toEqual(q);
      }),
    );
  });

  it('the parts of a period tile it: contiguous, in order, from its first day to its last', () => {
    fc.assert(
      fc.property(
        periodArb.filter((p) => p.grain !== 'year'),
        grainArb,
        (p, grain) => {
          const parts = periodsIn(p, grain);
          if (GRAINS.indexOf(grain) < GRAINS.indexOf(p.grain)) {
            expect(parts).toEqual([]);
            return;
          }
          expect(periodStart(parts[0])).toBe(periodStart(p));
          expect(periodEnd(parts.at(-1)!)).toBe(periodEnd(p));
          for (let i = 1; i < parts.length; i++) {
            expect(periodStart(parts[i])).toBe(addDays(periodEnd(parts[i - 1]), 1));
            expect(comparePeriods(parts[i - 1], parts[i])).toBeLessThan(0);
          }
          for (const part of parts) expect(part.grain).toBe(grain);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('next undoes previous and previous undoes next, keeping the grain', () => {
    fc.assert(
      fc.property(periodArb, (p) => {
        const prev = previousPeriod(p);
        if (prev) {
          expect(prev.grain).toBe(p.grain);
          expect(nextPeriod(prev)).toEqual(p);
          expect(periodEnd(prev) < periodStart(p)).toBe(true);
        }
        const next = nextPeriod(p);
        if (next) {
          expect(previousPeriod(next)).toEqual(p);
          expect(periodStart(next)).toBe(addDays(periodEnd(p), 1));
        }
        expect(prev !== null || next !== null).toBe(true);
      }),
    );
  });

  it('a period lies inside its month, quarter and year', () => {
    fc.assert(
      fc.property(periodArb, (p) => {
        for (const c of [monthOf(p), quarterOf(p), yearOf(p)]) {
          if (c === null) continue;
          expect(periodStart(c) <= periodStart(p)).toBe(true);
          expect(periodEnd(p) <= periodEnd(c)).toBe(true);
          expect(periodsIn(c, p.grain)).toContainEqual(p);
        }
        if (p.grain === 'day')
          expect(periodEnd(monthOf(p)!)).toBe(lastDayOfMonth(p.year, p.month!));
      }),
    );
  });

  it('comparePeriods is a total order consistent with start dates', () => {
    fc.assert(
      fc.property(periodArb, periodArb, periodArb, (a, b, c) => {
        // antisymmetric (summing the signs: toBe tells 0 from -0, which is not the point here)
        expect(Math.sign(comparePeriods(a, b)) + Math.sign(comparePeriods(b, a))).toBe(0);
        expect(comparePeriods(a, b) === 0).toBe(formatPeriod(a) === formatPeriod(b));
        if (periodStart(a) < periodStart(b)) expect(comparePeriods(a, b)).toBeLessThan(0);
        if (comparePeriods(a, b) <= 0 && comparePeriods(b, c) <= 0) {
          expect(comparePeriods(a, c)).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it('Vietnamese forms read like canonical text, in any case and normalisation form', () => {
    const ROMAN = ['I', 'II', 'III', 'IV'];
    const write = (p: Period, variant: number): string => {
      const pad = (n: number) => String(n).padStart(2, '0');
      switch (p.grain) {
        case 'year':
          return `Năm ${p.year}`;
        case 'quarter':
          return variant % 2
            ? `quý ${ROMAN[p.quarter! - 1]} năm ${p.year}`
            : `Quý ${p.quarter}/${p.year}`;
        case 'month':
          return variant % 2
            ? `Tháng ${p.month} năm ${p.year}`
            : `tháng ${pad(p.month!)}/${p.year}`;
        case 'day':
          return variant % 2
            ? `${p.day}/${p.month}/${p.year}`
            : `${pad(p.day!)}/${pad(p.month!)}/${p.year}`;
      }
    };
    fc.assert(
      fc.property(periodArb, fc.nat(1), fc.boolean(), fc.boolean(), (p, v, upper, nfd) => {
        let text = write(p, v);
        if (upper) text = text.toUpperCase();
        if (nfd) text = `  ${text.normalize('NFD')} `;
        expect(parsePeriod(text)).toEqual(p);
      }),
    );
  });

  it('never throws, and what it reads is valid and prints canonically', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const p = parsePeriod(s);
        if (p === null) return;
        expect(isValidPeriod(p)).toBe(true);
        expect(parsePeriod(formatPeriod(p))).toEqual(p);
      }),
    );
  });
});
