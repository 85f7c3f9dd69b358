import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkCount,
  detectConvention,
  parseNumber,
  type Convention,
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
    ['1.234', 'dot-thousands', value(1234)],
    ['1.234', 'comma-thousands', value(1.234)],
    ['1,234', 'dot-thousands', value(1.234)],
    ['1,234', 'comma-thousands', value(1234)],
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

  it('keeps -0 out of the results: "-0" is plain zero', () => {
    const r = parseNumber('-0,0', 'dot-thousands');
    expect(r.kind === 'value' && Object.is(r.value, 0)).toBe(true);
  });
});

describe('parseNumber: every error rule, with the value in the message', () => {
  // [raw, convention, rule, message]
  const cases: Array<[string, Convention, string, string]> = [
    ['1.234', 'none', 'ambiguous_number', 'ambiguous number "1.234": 1234 or 1.234'],
    ['1,234', 'none', 'ambiguous_number', 'ambiguous number "1,234": 1234 or 1.234'],
    ['-1.234%', 'none', 'ambiguous_number', 'ambiguous number "-1.234%": -1234 or -1.234'],
    ['999.999', 'none', 'ambiguous_number', 'ambiguous number "999.999": 999999 or 999.999'],
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
    expect(parseNumber(raw, convention)).toEqual({ kind: 'error', rule, message });
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

  it('an integer grouped with "." reads back exactly under dot-thousands', () => {
    fc.assert(
      fc.property(int, (n) => {
        expect(parseNumber(group(n, '.'), 'dot-thousands')).toEqual(value(Number(n)));
      }),
    );
  });

  it('an integer grouped with "," reads back exactly under comma-thousands', () => {
    fc.assert(
      fc.property(int, (n) => {
        expect(parseNumber(group(n, ','), 'comma-thousands')).toEqual(value(Number(n)));
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
        const vn = parseNumber(`${sign}${group(n, '.')},${f}${pct}`, 'dot-thousands');
        const en = parseNumber(`${sign}${group(n, ',')}.${f}${pct}`, 'comma-thousands');
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
        for (const v of values) expect(parseNumber(v, 'dot-thousands').kind).toBe('value');
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
