import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkCount,
  detectConvention,
  parseNumber,
  type Convention,
  type NumberKind,
  type ParsedNumber,
} from '../../pipelines/normalize/numbers.ts';

const value = (v: number, percent = false): ParsedNumber => ({ kind: 'value', value: v, percent });
const MISSING: ParsedNumber = { kind: 'missing' };

/** digits of a non-negative integer grouped by three with `sep` ("1234567" → "1.234.567") */
function group(n: bigint, sep: string): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

describe('parseNumber: the forms office files write', () => {
  // [raw, convention, expected]
  const cases: Array<[string, Convention, ParsedNumber]> = [
    ['1.234.567', 'dot-thousands', value(1234567)],
    ['1.234.567', 'none', value(1234567)],
    ['1,234,567', 'comma-thousands', value(1234567)],
    ['1,234,567', 'none', value(1234567)],
    ['1234567', 'dot-thousands', value(1234567)],
    ['1234567', 'comma-thousands', value(1234567)],
    ['1234567', 'none', value(1234567)],
    ['85,5', 'dot-thousands', value(85.5)],
    ['85,5', 'none', value(85.5)],
    ['85.5', 'comma-thousands', value(85.5)],
    ['85.5', 'none', value(85.5)],
    ['85,5%', 'dot-thousands', value(85.5, true)],
    ['85.5 %', 'comma-thousands', value(85.5, true)],
    ['85.5\u00a0%', 'none', value(85.5, true)],
    ['100%', 'none', value(100, true)],
    [' 12 ', 'dot-thousands', value(12)],
    ['\t12\n', 'none', value(12)],
    ['1 234 567', 'dot-thousands', value(1234567)],
    ['1 234 567', 'comma-thousands', value(1234567)],
    ['1\u00a0234\u00a0567', 'none', value(1234567)],
    ['1\u202f234', 'none', value(1234)],
    ['1 234,5', 'dot-thousands', value(1234.5)],
    ['1 234.5', 'comma-thousands', value(1234.5)],
    // spaces group thousands under any convention, so a comma after them can only be decimal
    ['1 234,567', 'none', value(1234.567)],
    ['1.234,5', 'dot-thousands', value(1234.5)],
    ['1.234,5', 'none', value(1234.5)],
    ['1,234.5', 'comma-thousands', value(1234.5)],
    ['1,234.5', 'none', value(1234.5)],
    ['0,5', 'dot-thousands', value(0.5)],
    ['0,500', 'none', value(0.5)],
    ['007', 'none', value(7)],
    ['0', 'none', value(0)],
    ['-3,5', 'dot-thousands', value(-3.5)],
    ['-3.5', 'comma-thousands', value(-3.5)],
    ['\u22123,5', 'dot-thousands', value(-3.5)],
    ['-1.234.567', 'none', value(-1234567)],
    ['-5%', 'none', value(-5, true)],
    ['-0', 'none', value(0)],
    ['9.007.199.254.740.992', 'dot-thousands', value(2 ** 53)],
    ['0,1', 'dot-thousands', value(0.1)],
    ['-', 'dot-thousands', MISSING],
    ['—', 'comma-thousands', MISSING],
    ['–', 'none', MISSING],
    ['\u2212', 'none', MISSING],
    [' - ', 'none', MISSING],
    ['', 'none', MISSING],
    ['   ', 'dot-thousands', MISSING],
    ['\u00a0', 'none', MISSING],
  ];
  it.each(cases)('%j under %s', (raw, convention, expected) => {
    expect(parseNumber(raw, convention)).toEqual(expected);
  });

  it('reads a lone group by a declared convention (--thousands), and only then', () => {
    const declared = { declared: true };
    expect(parseNumber('1.234', 'dot-thousands', declared)).toEqual(value(1234));
    expect(parseNumber('1.234', 'comma-thousands', declared)).toEqual(value(1.234));
    expect(parseNumber('1,234', 'dot-thousands', declared)).toEqual(value(1.234));
    expect(parseNumber('1,234', 'comma-thousands', declared)).toEqual(value(1234));
    expect(parseNumber('25.000', 'dot-thousands', declared)).toEqual(value(25000));
    expect(parseNumber('722,000', 'comma-thousands', declared)).toEqual(value(722000));
    // detected from the rest of the file, a convention never decides a value 1000× off
    for (const c of ['dot-thousands', 'comma-thousands', 'none'] as const) {
      expect(parseNumber('1.234', c)).toMatchObject({ kind: 'error', rule: 'ambiguous_number' });
    }
  });

  it('keeps -0 out of the results: "-0" is plain zero', () => {
    const r = parseNumber('-0,0', 'dot-thousands');
    expect(r.kind === 'value' && Object.is(r.value, 0)).toBe(true);
  });
});

describe('parseNumber: every error rule, with the value in the message', () => {
  // [raw, convention, rule, message]
  const cases: Array<[string, Convention, string, string | RegExp]> = [
    [
      '1.234',
      'none',
      'ambiguous_number',
      'ambiguous number "1.234": 1234 or 1.234 (1000 times apart); the rest of the file cannot decide it: write 1234 without separators, or give the thousands mark . (the "Thousands mark" field of the upload page, or --thousands .) if "." groups thousands in this file (, if it does not)',
    ],
    [
      '1,234',
      'dot-thousands',
      'ambiguous_number',
      'ambiguous number "1,234": 1234 or 1.234 (1000 times apart); the rest of the file cannot decide it: write 1234 without separators, or give the thousands mark , (the "Thousands mark" field of the upload page, or --thousands ,) if "," groups thousands in this file (. if it does not)',
    ],
    [
      '-1.234%',
      'none',
      'ambiguous_number',
      /^ambiguous number "-1\.234%": -1234 or -1\.234 \(1000 times apart\)/,
    ],
    ['999.999', 'comma-thousands', 'ambiguous_number', /^ambiguous number "999.999": 999999 or/],
    ['=1+1', 'dot-thousands', 'formula', 'formula instead of a value "=1+1"'],
    [' =SUM(A1:A3) ', 'none', 'formula', 'formula instead of a value "=SUM(A1:A3)"'],
    [
      '85.5',
      'dot-thousands',
      'convention_mismatch',
      'number "85.5" reads only as 85.5, but this file groups thousands with "."',
    ],
    [
      '1,234.5',
      'dot-thousands',
      'convention_mismatch',
      'number "1,234.5" reads only as 1234.5, but this file groups thousands with "."',
    ],
    [
      '-85,5',
      'comma-thousands',
      'convention_mismatch',
      'number "-85,5" reads only as -85.5, but this file groups thousands with ","',
    ],
    [
      '1.234.567',
      'comma-thousands',
      'convention_mismatch',
      'number "1.234.567" reads only as 1234567, but this file groups thousands with ","',
    ],
    [
      '9007199254740993',
      'none',
      'out_of_range',
      'number too large to hold exactly "9007199254740993"',
    ],
    ['N/A', 'none', 'not_a_number', 'not a number "N/A"'],
    ['#DIV/0!', 'dot-thousands', 'not_a_number', 'not a number "#DIV/0!"'],
    ['+5', 'none', 'not_a_number', 'not a number "+5"'],
    ['– 5', 'none', 'not_a_number', 'not a number "– 5"'],
    ['--5', 'none', 'not_a_number', 'not a number "--5"'],
    ['%', 'none', 'not_a_number', 'not a number "%"'],
    ['%5', 'none', 'not_a_number', 'not a number "%5"'],
    ['5%%', 'none', 'not_a_number', 'not a number "5%%"'],
    ['12.34.5', 'none', 'not_a_number', 'not a number "12.34.5"'],
    ['1.2345.678', 'dot-thousands', 'not_a_number', 'not a number "1.2345.678"'],
    ['12 34', 'none', 'not_a_number', 'not a number "12 34"'],
    ['1.234 567', 'none', 'not_a_number', 'not a number "1.234 567"'],
    ['1..234', 'none', 'not_a_number', 'not a number "1..234"'],
    ['.5', 'none', 'not_a_number', 'not a number ".5"'],
    ['5.', 'none', 'not_a_number', 'not a number "5."'],
    ['1,2,3', 'none', 'not_a_number', 'not a number "1,2,3"'],
    ['12,34,567', 'none', 'not_a_number', 'not a number "12,34,567"'],
    ['1e5', 'none', 'not_a_number', 'not a number "1e5"'],
    ['0x1F', 'none', 'not_a_number', 'not a number "0x1F"'],
    ['Infinity', 'none', 'not_a_number', 'not a number "Infinity"'],
    ['(5)', 'none', 'not_a_number', 'not a number "(5)"'],
    ['5 người', 'none', 'not_a_number', 'not a number "5 người"'],
    ['１２', 'none', 'not_a_number', 'not a number "１２"'],
  ];
  it.each(cases)('%j under %s → %s', (raw, convention, rule, message) => {
    const parsed = parseNumber(raw, convention);
    expect(parsed).toMatchObject({ kind: 'error', rule, message });
    // every problem says it in Vietnamese too, with the value
    expect(parsed.kind === 'error' && parsed.vi.includes(raw.trim())).toBe(true);
  });
});

describe('detectConvention', () => {
  // [values, convention, evidence, conflicts]
  const cases: Array<[string[], Convention, string | null, string[]]> = [
    [['1.234.567'], 'dot-thousands', '1.234.567', []],
    [['1.234,5'], 'dot-thousands', '1.234,5', []],
    [['85,5'], 'dot-thousands', '85,5', []],
    [['85,5%'], 'dot-thousands', '85,5%', []],
    [['0,5'], 'dot-thousands', '0,5', []],
    [['1 234,5'], 'dot-thousands', '1 234,5', []],
    [['1,234,567'], 'comma-thousands', '1,234,567', []],
    [['1,234.5'], 'comma-thousands', '1,234.5', []],
    [['85.5'], 'comma-thousands', '85.5', []],
    [['85.5 %'], 'comma-thousands', '85.5 %', []],
    [['1.234'], 'none', null, []],
    [['1,234'], 'none', null, []],
    [['1234', '1 234', '-', '', 'N/A', '=A1'], 'none', null, []],
    [[], 'none', null, []],
    [['1.234', '12', '1.234.567', '85,5'], 'dot-thousands', '1.234.567', []],
    [['1,234', '2,5', '85.5', '3,25'], 'dot-thousands', '2,5', ['85.5']],
    [['85.5', '85.5', '1,5'], 'comma-thousands', '85.5', ['1,5']],
    [['85.5', '1,5'], 'none', null, ['85.5', '1,5']],
    [['1,5', '85.5', '1,5', '85.5'], 'none', null, ['1,5', '85.5']],
  ];
  it.each(cases)('%j → %s', (values, convention, evidence, conflicts) => {
    expect(detectConvention(values)).toEqual({ convention, evidence, conflicts });
  });
});

describe('checkCount', () => {
  const cases: Array<[number, string | null]> = [
    [0, null],
    [1, null],
    [1234567, null],
    [2 ** 53, null],
    [85.5, 'count is not a whole number: 85.5'],
    [-3, 'count is negative: -3'],
    [-0.5, 'count is negative: -0.5'],
    [NaN, 'count is not a finite number: NaN'],
    [Infinity, 'count is not a finite number: Infinity'],
  ];
  it.each(cases)('%d → %s', (n, message) => {
    expect(checkCount(n)).toBe(message);
  });
});

describe('numbers: laws', () => {
  const int = fc.bigInt({ min: 0n, max: 2n ** 53n });
  const frac = fc.stringMatching(/^\d{1,6}$/);
  const space = fc.constantFrom(' ', '\u00a0', '\u202f');

  const declared = { declared: true };

  it('an integer grouped with "." reads back exactly under a declared dot-thousands', () => {
    fc.assert(
      fc.property(int, (n) => {
        expect(parseNumber(group(n, '.'), 'dot-thousands', declared)).toEqual(value(Number(n)));
      }),
    );
  });

  it('an integer grouped with "," reads back exactly under a declared comma-thousands', () => {
    fc.assert(
      fc.property(int, (n) => {
        expect(parseNumber(group(n, ','), 'comma-thousands', declared)).toEqual(value(Number(n)));
      }),
    );
  });

  it('an integer grouped with spaces, or not grouped, reads the same under every convention', () => {
    const conventions: Convention[] = ['dot-thousands', 'comma-thousands', 'none'];
    fc.assert(
      fc.property(int, space, fc.constantFrom(...conventions), (n, sep, c) => {
        expect(parseNumber(group(n, sep), c)).toEqual(value(Number(n)));
        expect(parseNumber(n.toString(), c)).toEqual(value(Number(n)));
      }),
    );
  });

  it('a decimal comma under dot-thousands reads as a decimal point under comma-thousands', () => {
    fc.assert(
      fc.property(int, frac, fc.boolean(), fc.boolean(), (n, f, negative, percent) => {
        const sign = negative ? '-' : '';
        const pct = percent ? '%' : '';
        const vn = parseNumber(`${sign}${group(n, '.')},${f}${pct}`, 'dot-thousands', declared);
        const en = parseNumber(`${sign}${group(n, ',')}.${f}${pct}`, 'comma-thousands', declared);
        expect(vn).toEqual(en);
        const expected = Number(`${sign}${n}.${f}`);
        expect(vn).toEqual(value(expected === 0 ? 0 : expected, percent));
      }),
    );
  });

  it('a value formatted one way never conflicts with the convention it was written in', () => {
    const vn = fc.oneof(
      int.map((n) => group(n, '.')),
      fc.tuple(int, frac).map(([n, f]) => `${group(n, '.')},${f}`),
    );
    fc.assert(
      fc.property(fc.array(vn, { maxLength: 20 }), (values) => {
        const report = detectConvention(values);
        expect(report.conflicts).toEqual([]);
        expect(['dot-thousands', 'none']).toContain(report.convention);
        for (const v of values) {
          expect(parseNumber(v, 'dot-thousands', declared).kind).toBe('value');
        }
        const english = values.map((v) => v.replace(/[.,]/g, (c) => (c === '.' ? ',' : '.')));
        const mirrored = detectConvention(english);
        expect(mirrored.conflicts).toEqual([]);
        expect(mirrored.convention).toBe(report.convention === 'none' ? 'none' : 'comma-thousands');
      }),
    );
  });

  it('a value read with no convention is what one of the two conventions reads', () => {
    const text = fc.stringMatching(/^-?[0-9][0-9., ]{0,12}%?$/);
    fc.assert(
      fc.property(text, (raw) => {
        const none = parseNumber(raw, 'none');
        if (none.kind !== 'value') return;
        const dot = parseNumber(raw, 'dot-thousands');
        const comma = parseNumber(raw, 'comma-thousands');
        expect([dot, comma]).toContainEqual(none);
        for (const r of [dot, comma]) {
          if (r.kind === 'error') expect(r.rule).toBe('convention_mismatch');
          else expect(r).toEqual(none);
        }
      }),
    );
  });

  it('is blind to Unicode normalisation form and surrounding blanks', () => {
    const conventions: Convention[] = ['dot-thousands', 'comma-thousands', 'none'];
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constantFrom('85,5%', 'Không có', '1.234', 'Ước tính 5', '—')),
        fc.constantFrom(...conventions),
        (s, c) => {
          expect(parseNumber(` ${s.normalize('NFD')}\u00a0`, c)).toEqual(
            parseNumber(s.normalize('NFC'), c),
          );
        },
      ),
    );
  });

  it('never throws; a value is finite and an error names its rule', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom<Convention>('dot-thousands', 'none'), (s, c) => {
        const r = parseNumber(s, c);
        if (r.kind === 'value') expect(Number.isFinite(r.value)).toBe(true);
        if (r.kind === 'error') expect(r.message.length).toBeGreaterThan(0);
      }),
    );
  });

  it('checkCount accepts exactly the whole non-negative numbers', () => {
    fc.assert(
      fc.property(fc.double(), (n) => {
        const ok = Number.isInteger(n) && n >= 0;
        expect(checkCount(n) === null).toBe(ok);
      }),
    );
  });
});

describe('numbers by metric kind: counts, percents and the 1000× trap', () => {
  const count = { kind: 'count' } as const;
  const percent = { kind: 'percent' } as const;
  /** a whole thousand below a million: as a lone group it reads two whole ways, 1000× apart */
  const trap = (n: bigint) => n >= 1000n && n < 1_000_000n && n % 1000n === 0n;

  it('reads a count written the Vietnamese way as the count, never as a decimal', () => {
    for (const c of ['none', 'dot-thousands'] as const) {
      expect(parseNumber('48.215', c, count)).toEqual(value(48215));
      expect(parseNumber('72.996', c, count)).toEqual(value(72996));
      expect(parseNumber('1,234', 'none', count)).toEqual(value(1234));
    }
    expect(parseNumber('12.345%', 'none', count)).toEqual(value(12.345, true));
    expect(parseNumber('12.345', 'none', percent)).toEqual(value(12.345));
  });

  it('refuses "722,000" and "25.000" as counts whatever the file does, and says how to fix', () => {
    for (const c of ['none', 'dot-thousands', 'comma-thousands'] as const) {
      const a = parseNumber('722,000', c, count);
      expect(a).toMatchObject({ kind: 'error', rule: 'ambiguous_number' });
      expect(a.kind === 'error' && a.message).toContain('722000 or 722.000');
      expect(a.kind === 'error' && a.message).toContain('--thousands ,');
      expect(a.kind === 'error' && a.vi).toContain('722000 hoặc 722,000');
      expect(parseNumber('25.000', c, count)).toMatchObject({ rule: 'ambiguous_number' });
    }
    // a negative count has no allowed reading: both stay, and it is refused as ambiguous
    expect(parseNumber('-1.234', 'dot-thousands', count)).toMatchObject({
      rule: 'ambiguous_number',
    });
  });

  it('lets a count settled by its kind decide the file’s convention', () => {
    const kinded = (text: string) => ({ text, kind: 'count' as const });
    expect(detectConvention(['48.215', '816.918'].map(kinded)).convention).toBe('dot-thousands');
    expect(detectConvention(['48.215'])).toMatchObject({ convention: 'none' });
    expect(detectConvention(['25.000', '722,000'].map(kinded)).convention).toBe('none');
  });

  it('for any count n: the Vietnamese way, the English way and plain digits give n back', () => {
    const n = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 53n }),
      fc.bigInt({ min: 1n, max: 999n }).map((k) => k * 1000n),
    );
    fc.assert(
      fc.property(
        n,
        fc.constantFrom<Convention>('dot-thousands', 'comma-thousands', 'none'),
        (x, c) => {
          const written = [group(x, '.'), group(x, ','), group(x, ' '), x.toString()];
          for (const text of written) {
            const read = parseNumber(text, c, count);
            const lone = /^\d{1,3}[.,]\d{3}$/.test(text);
            if (lone && trap(x)) {
              // two whole readings 1000× apart: never loaded silently, whatever the file says
              expect(read).toMatchObject({ kind: 'error', rule: 'ambiguous_number' });
              const mark = text.includes('.') ? 'dot-thousands' : 'comma-thousands';
              expect(parseNumber(text, mark, { ...count, declared: true })).toEqual(
                value(Number(x)),
              );
            } else if (read.kind === 'error') {
              // only a file written the other way refuses it, saying so
              expect(read.rule).toBe('convention_mismatch');
            } else expect(read).toEqual(value(Number(x)));
          }
          // under no convention (a file of this one figure) every way reads back, or is a trap
          for (const text of written) {
            const read = parseNumber(text, 'none', count);
            if (!(trap(x) && /^\d{1,3}[.,]\d{3}$/.test(text)))
              expect(read).toEqual(value(Number(x)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never reads a value two ways 1000× apart silently, under any convention not declared', () => {
    const lone = fc
      .tuple(
        fc.integer({ min: 1, max: 999 }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom('.', ','),
      )
      .map(([a, b, m]) => `${a}${m}${String(b).padStart(3, '0')}`);
    fc.assert(
      fc.property(
        lone,
        fc.constantFrom<Convention>('dot-thousands', 'comma-thousands', 'none'),
        fc.constantFrom<NumberKind>('count', 'any'),
        (text, c, kind) => {
          const read = parseNumber(text, c, { kind });
          const whole = text.endsWith('000');
          if (kind === 'any' || whole) {
            expect(read).toMatchObject({ kind: 'error', rule: 'ambiguous_number' });
          } else if (read.kind === 'value') {
            // a count settles it: the grouped reading, never the decimal one
            expect(read.value).toBe(Number(text.replace(/[.,]/, '')));
          } else expect(read).toMatchObject({ rule: 'convention_mismatch' });
        },
      ),
    );
  });
});
