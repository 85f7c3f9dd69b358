// The ingest's classification of distinct values, without DuckDB: plain arrays in, plain results
// out. Periods, metrics, number shapes and units are read here exactly as both paths read them.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  castable,
  classifyMetrics,
  classifyPeriods,
  classifyShapes,
  groupingOf,
  marksOf,
  numberMessage,
} from '../../pipelines/load/classify.ts';
import { parseNumber } from '../../pipelines/normalize/numbers.ts';
import {
  classifyUnit,
  classifyUnits,
  codeHistory,
  underAny,
  type UnitRules,
} from '../../pipelines/load/classify-units.ts';
import { NATIONAL, UnitIndex, unitId, type Unit } from '../../pipelines/normalize/units.ts';

describe('periods', () => {
  it('reads every office form once, to its period and the day units are read on', () => {
    expect(
      classifyPeriods(['2024-07', 'Tháng 7/2024', 'Quý III/2024', 'Năm 2024', '2024-07-19']),
    ).toEqual([
      { raw: '2024-07', period: '2024-07', readOn: '2024-07-31', problem: null },
      { raw: 'Tháng 7/2024', period: '2024-07', readOn: '2024-07-31', problem: null },
      { raw: 'Quý III/2024', period: '2024-Q3', readOn: '2024-09-30', problem: null },
      { raw: 'Năm 2024', period: '2024', readOn: '2024-12-31', problem: null },
      { raw: '2024-07-19', period: '2024-07-19', readOn: '2024-07-19', problem: null },
    ]);
  });

  it('says why a period is not one', () => {
    expect(classifyPeriods([null, '  ', 'Tháng 13/2024']).map((p) => p.problem)).toEqual([
      'period is empty',
      'period is empty',
      'unreadable period "Tháng 13/2024"',
    ]);
  });

  it('reads a canonical month as itself, ending on its last day (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        const raw = `${y}-${String(m).padStart(2, '0')}`;
        const [p] = classifyPeriods([raw]);
        const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
        expect(p).toEqual({ raw, period: raw, readOn: last, problem: null });
      }),
    );
  });
});

describe('metrics', () => {
  const catalogue = [
    { metric_id: 'cccd_issued', name_vi: 'Số thẻ CCCD đã cấp' },
    { metric_id: 'population', name_vi: 'Dân số' },
  ];

  it('reads an id or a label, however its case, spaces and Unicode form', () => {
    const raws = ['cccd_issued', ' population ', 'Số thẻ CCCD đã cấp', 'DÂN SỐ'.normalize('NFD')];
    expect(classifyMetrics(raws, catalogue).map((m) => m.metric)).toEqual([
      'cccd_issued',
      'population',
      'cccd_issued',
      'population',
    ]);
  });

  it('names an unknown metric, and an empty one', () => {
    expect(classifyMetrics(['vneid_activ', '', null], catalogue)).toEqual([
      { raw: 'vneid_activ', metric: null, problem: 'unknown metric: vneid_activ' },
      { raw: '', metric: null, problem: 'metric is empty' },
      { raw: null, metric: null, problem: 'metric is empty' },
    ]);
  });
});

describe('number shapes', () => {
  it('decides the convention once for the file, from the shapes that read one way only', () => {
    const { convention, shapes } = classifyShapes(['9.999.999', '9.999', '999', '', '-']);
    expect(convention).toBe('dot-thousands');
    expect(shapes).toEqual([
      { shape: '9.999.999', outcome: 'value', percent: false, plain: 'simple', big: false },
      { shape: '9.999', outcome: 'value', percent: false, plain: 'simple', big: false },
      { shape: '999', outcome: 'value', percent: false, plain: 'plain', big: false },
      { shape: '', outcome: 'missing' },
      { shape: '-', outcome: 'missing' },
    ]);
    expect(castable(shapes, convention)).toBe(true);
    expect(marksOf(convention)).toEqual(['.', ',']);
  });

  it('reads a lone "9.999" as a count, leaves "9.000" ambiguous, and a tie undecided', () => {
    // a count cannot be 9.999: the lone group is thousands; "9.000" is 9000 or 9, both whole
    expect(classifyShapes(['9.999']).shapes).toEqual([
      { shape: '9.999', outcome: 'value', percent: false, plain: 'simple', big: false },
    ]);
    expect(classifyShapes(['9.000', '9.999.999']).shapes[0]).toEqual({
      shape: '9.000',
      outcome: 'error',
      rule: 'ambiguous_number',
    });
    expect(classifyShapes(['9.000'], { thousands: '.' }).shapes[0]).toMatchObject({
      outcome: 'value',
    });
    const tie = classifyShapes(['9.999.999', '9,999,999']);
    expect(tie.convention).toBe('none');
    expect(tie.shapes.map((s) => s.outcome === 'error' && s.rule)).toEqual([
      'mixed_convention',
      'mixed_convention',
    ]);
  });

  it('sends percentages, signs and digits too long to hold to the full clean-up', () => {
    const { convention, shapes } = classifyShapes(['99,9%', '-999', '9999999999999999999']);
    expect(shapes).toEqual([
      { shape: '99,9%', outcome: 'value', percent: true, plain: 'cleanup', big: false },
      { shape: '-999', outcome: 'value', percent: false, plain: 'cleanup', big: false },
      {
        shape: '9999999999999999999',
        outcome: 'value',
        percent: false,
        plain: 'cleanup',
        big: true,
      },
    ]);
    // none of them is a whole non-negative figure a cast reads: the fast path leaves them
    expect(castable(shapes, convention)).toBe(false);
  });

  it('words the message of a number problem by the file’s convention', () => {
    expect(numberMessage('1.000', 'ambiguous_number', 'none').en).toBe(
      'ambiguous number "1.000": 1000 or 1.000 (1000 times apart); the rest of the file cannot decide it: write 1000 without separators, or give the thousands mark . (the "Thousands mark" field of the upload page, or --thousands .) if "." groups thousands in this file (, if it does not)',
    );
    expect(numberMessage('7,123,456', 'convention_mismatch', 'dot-thousands').en).toBe(
      'number "7,123,456" reads only as 7123456, but this file groups thousands with "."',
    );
    expect(numberMessage('6.543.210', 'mixed_convention', 'none').en).toBe(
      'cannot tell how this file writes numbers: "6.543.210" reads only as 6543210 (thousands ".", decimals ","), but as many values read only the other way',
    );
  });

  it('classifies whole figures written with digits alone as castable, whatever else (property)', () => {
    const digits = fc.stringMatching(/^[09]{1,15}$/);
    fc.assert(
      fc.property(fc.uniqueArray(digits, { minLength: 1, maxLength: 8 }), (shapes) => {
        const { convention, shapes: classes } = classifyShapes(shapes);
        expect(classes.every((c) => c.outcome === 'value' && c.plain === 'plain')).toBe(true);
        expect(castable(classes, convention)).toBe(true);
      }),
    );
  });
});

describe('the forms of figures the single read sees', () => {
  /** a whole figure as an office file writes it: digits alone, or grouped with a mark */
  const written = (n: number, mark: '' | '.' | ',') =>
    mark === '' ? String(n) : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, mark);
  const formOf = (text: string, least: number) => ({
    form: text.length + (text.includes(',') ? 128 : 0),
    least,
    trap: least % 1000 === 0 && least >= 1000 && least < 1_000_000,
  });

  it('tells the mark a file groups thousands by, or that a figure would not read as its digits', () => {
    const forms = (...xs: Array<[number, '' | '.' | ',']>) =>
      xs.map(([n, m]) => formOf(written(n, m), n));
    expect(groupingOf(forms([1000, ''], [12345678, '']))).toBe('');
    expect(groupingOf(forms([1234567, '.'], [1234, '.'], [999, '']))).toBe('.');
    expect(groupingOf(forms([1234567, ','], [1234, ',']))).toBe(',');
    // a count's lone group is thousands ("1.234" is 1234), but a whole thousand is 1000× apart
    expect(groupingOf(forms([1234, '.']))).toBe('.');
    expect(groupingOf(forms([12345, ','], [99, '']))).toBe(',');
    expect(groupingOf(forms([25000, '.']))).toBeNull();
    expect(groupingOf(forms([25000, '.']), '.')).toBe('.');
    expect(groupingOf(forms([25000, '.']), ',')).toBeNull();
    // "1.234" in a file grouped by commas reads as 1.234; both marks: the general path's to say
    expect(groupingOf(forms([1234567, ','], [1234, '.']))).toBeNull();
    expect(groupingOf(forms([1234567, ','], [7654321, '.']))).toBeNull();
  });

  it('takes a file exactly when the general path reads every figure as its digits (property)', () => {
    const figure = fc.record({
      n: fc.oneof(fc.nat(9999), fc.integer({ min: 0, max: 999_999_999_999_999 })),
      mark: fc.constantFrom<'' | '.' | ','>('', '.', ','),
    });
    fc.assert(
      fc.property(fc.array(figure, { minLength: 1, maxLength: 12 }), (figures) => {
        const texts = figures.map(({ n, mark }) => written(n, mark));
        const grouping = groupingOf(texts.map((t, i) => formOf(t, figures[i].n)));
        // the general path: shapes classified once for the file, each value read under it
        const shapes = [...new Set(texts.map((t) => t.replace(/[1-8]/g, '9')))];
        const { convention, shapes: classes } = classifyShapes(shapes);
        const readsAsDigits = texts.every((t, i) => {
          const shape = classes.find((c) => c.shape === t.replace(/[1-8]/g, '9'));
          const read = parseNumber(t, convention, { kind: 'count' });
          return shape?.outcome === 'value' && read.kind === 'value' && read.value === figures[i].n;
        });
        expect(grouping !== null).toBe(readsAsDigits);
      }),
      { numRuns: 500 },
    );
  });
});

function unit(partial: Partial<Unit> & Pick<Unit, 'code' | 'name' | 'full_name' | 'level'>): Unit {
  return {
    unit_id: unitId(partial.level, partial.code, partial.valid_from ?? null),
    name_en: null,
    parent_id: 'VN',
    valid_from: null,
    valid_to: null,
    source: 'test',
    ...partial,
  };
}

// the reform's traps in a few units: a code that names two provinces over time, a code that
// names nothing after 1/7/2025, a name two districts share, a leading zero spreadsheets drop
const KG = unit({
  code: '91',
  name: 'Kiên Giang',
  full_name: 'Tỉnh Kiên Giang',
  level: 'province',
  valid_to: '2025-06-30',
});
const AG = unit({
  code: '91',
  name: 'An Giang',
  full_name: 'Tỉnh An Giang',
  level: 'province',
  valid_from: '2025-07-01',
});
const BRVT = unit({
  code: '77',
  name: 'Bà Rịa - Vũng Tàu',
  full_name: 'Tỉnh Bà Rịa - Vũng Tàu',
  level: 'province',
  valid_to: '2025-06-30',
});
const HCM = unit({
  code: '79',
  name: 'Hồ Chí Minh',
  full_name: 'Thành phố Hồ Chí Minh',
  level: 'province',
});
const HN = unit({ code: '01', name: 'Hà Nội', full_name: 'Thành phố Hà Nội', level: 'province' });
const AG_OLD = unit({
  code: '89',
  name: 'An Giang',
  full_name: 'Tỉnh An Giang',
  level: 'province',
  valid_to: '2025-06-30',
});
const CM_AG = unit({
  code: '893',
  name: 'Chợ Mới',
  full_name: 'Huyện Chợ Mới',
  level: 'district',
  parent_id: AG_OLD.unit_id,
  valid_to: '2025-06-30',
});
const CM_BK = unit({
  code: '065',
  name: 'Chợ Mới',
  full_name: 'Huyện Chợ Mới',
  level: 'district',
  parent_id: 'p06',
  valid_to: '2025-06-30',
});
const UNITS = [NATIONAL, KG, AG, BRVT, HCM, HN, AG_OLD, CM_AG, CM_BK];
const RULES: UnitRules = {
  index: new UnitIndex(UNITS),
  successors: new Map([
    [BRVT.unit_id, [{ kind: 'merge', on: '2025-07-01', name: HCM.full_name, code: '79' }]],
  ]),
  inScope: null,
};
const at = (unitCode: string | null, unitName: string | null, readOn: string | null) => ({
  unitCode,
  unitName,
  readOn,
});

describe('units', () => {
  it('reads a code as the unit it named at the period', () => {
    const [before, after] = classifyUnits(
      [at('91', null, '2024-12-31'), at(' 91 ', null, '2026-01-31')],
      RULES,
    );
    expect([before.unitId, after.unitId]).toEqual(['p91', 'p91@2025-07-01']);
    expect(after).toMatchObject({ code: '91', problem: null, rule: null, column: null });
  });

  it('says what a dead code named and what became of it', () => {
    expect(classifyUnit(at('77', null, '2026-01-31'), RULES)).toMatchObject({
      unitId: null,
      rule: 'dead_code',
      column: 'unit_code',
      problem:
        'code 77 names no unit on 2026-01-31; it named Tỉnh Bà Rịa - Vũng Tàu until 2025-06-30, merged into Thành phố Hồ Chí Minh (code 79) on 2025-07-01',
    });
    expect(codeHistory([AG], RULES.successors)).toBe('Tỉnh An Giang from 2025-07-01');
  });

  it('hints at a leading zero a spreadsheet dropped', () => {
    expect(classifyUnit(at('1', null, '2024-07-31'), RULES).problem).toBe(
      'no unit has code 1 (a leading zero lost? 01 is Thành phố Hà Nội)',
    );
  });

  it('refuses an ambiguous name, unless a code or the parent picks one of its units', () => {
    const name = 'Huyện Chợ Mới';
    expect(classifyUnit(at(null, name, '2024-07-31'), RULES)).toMatchObject({
      rule: 'ambiguous_unit',
      column: 'unit_name',
      problem:
        'unit name "Huyện Chợ Mới" is ambiguous on 2024-07-31: Huyện Chợ Mới (Tỉnh An Giang) [893]; Huyện Chợ Mới [065]; give unit_code, or --parent (the province or district the file is about), or --level',
    });
    expect(classifyUnit(at('893', name, '2024-07-31'), RULES).unitId).toBe('d893');
    const under = { ...RULES, parentUnitId: AG_OLD.unit_id };
    expect(classifyUnit(at(null, name, '2024-07-31'), under).unitId).toBe('d893');
    // the parent's own row, by its own name
    expect(classifyUnit(at(null, 'Tỉnh An Giang', '2024-07-31'), under).unitId).toBe('p89');
  });

  it('refuses a name that says another unit than the code', () => {
    expect(classifyUnit(at('91', 'Tỉnh Kiên Giang', '2026-01-31'), RULES)).toMatchObject({
      rule: 'unit_mismatch',
      problem: 'unit_code 91 is Tỉnh An Giang on 2026-01-31, but unit_name says "Tỉnh Kiên Giang"',
    });
  });

  it('keeps a reporter to its scope, and says nothing of a row whose period is the problem', () => {
    const scoped = { ...RULES, inScope: underAny(RULES.index, [AG_OLD.unit_id]) };
    expect(classifyUnit(at('893', null, '2024-07-31'), scoped).unitId).toBe('d893');
    expect(classifyUnit(at('01', null, '2024-07-31'), scoped)).toMatchObject({
      rule: 'out_of_scope',
      problem: 'Thành phố Hà Nội is outside the units this token may report for',
    });
    expect(classifyUnit(at('01', null, null), RULES)).toMatchObject({
      unitId: null,
      problem: null,
    });
    expect(classifyUnit(at(' ', null, '2024-07-31'), RULES).rule).toBe('unit');
  });
});
