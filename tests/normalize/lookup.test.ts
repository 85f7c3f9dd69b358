import { describe, expect, it } from 'vitest';
import { NATIONAL, UnitIndex, unitId, type Unit } from '../../pipelines/normalize/units.ts';
import {
  findUnit,
  LookupError,
  readPeriod,
  readPeriodOrDay,
} from '../../pipelines/normalize/lookup.ts';
import { formatPeriod } from '../../pipelines/normalize/periods.ts';

function province(code: string, name: string, from: string | null, to: string | null): Unit {
  return {
    unit_id: unitId('province', code, from),
    code,
    name,
    full_name: `Tỉnh ${name}`,
    name_en: null,
    level: 'province',
    parent_id: 'VN',
    valid_from: from,
    valid_to: to,
    source: 'test',
  };
}

// code 91 named Kiên Giang until 30/6/2025 and An Giang from 1/7/2025
const KG = province('91', 'Kiên Giang', null, '2025-06-30');
const AG = province('91', 'An Giang', '2025-07-01', null);
const units = new UnitIndex([NATIONAL, KG, AG]);

const lookupCode = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    if (error instanceof LookupError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'found';
};

describe('readPeriod', () => {
  it('reads a month, quarter or year in any form people type', () => {
    expect(formatPeriod(readPeriod('Quý III/2024'))).toBe('2024-Q3');
    expect(formatPeriod(readPeriod('Tháng 7/2024'))).toBe('2024-07');
    expect(formatPeriod(readPeriod('2024'))).toBe('2024');
  });

  it('refuses a day and unreadable text with INVALID_PERIOD, naming the parameter', () => {
    expect(lookupCode(() => readPeriod('2024-07-19'))).toBe(
      'INVALID_PERIOD: invalid period: 2024-07-19 (a month, quarter or year)',
    );
    expect(lookupCode(() => readPeriod('2025-13', 'to'))).toBe(
      'INVALID_PERIOD: invalid to: 2025-13 (a month, quarter or year)',
    );
  });

  it('readPeriodOrDay takes a day too', () => {
    expect(formatPeriod(readPeriodOrDay('19/07/2024', 'from'))).toBe('2024-07-19');
    expect(lookupCode(() => readPeriodOrDay('yesterday', 'from'))).toMatch(
      /^INVALID_PERIOD: invalid from: yesterday/,
    );
  });
});

describe('findUnit', () => {
  it('reads a code as the unit it named on the date, an id or VN at any date', () => {
    expect(findUnit(units, '91', '2024-12-31').unit_id).toBe(KG.unit_id);
    expect(findUnit(units, '91', '2025-12-31').unit_id).toBe(AG.unit_id);
    expect(findUnit(units, AG.unit_id, '2020-01-01')).toBe(AG);
    expect(findUnit(units, 'VN', null)).toBe(NATIONAL);
  });

  it('names what an unknown code once was, and refuses an ambiguous one', () => {
    const gone = new UnitIndex([NATIONAL, KG]);
    expect(lookupCode(() => findUnit(gone, '91', '2026-01-01'))).toBe(
      'UNKNOWN_UNIT: no unit has code or id 91 on 2026-01-01; it named p91 (… – 2025-06-30)',
    );
    expect(lookupCode(() => findUnit(units, '91', null))).toMatch(/^AMBIGUOUS_UNIT: code 91/);
  });

  it('reads a name at the date, with or without its prefix, and refuses one that names several', () => {
    expect(findUnit(units, 'An Giang', '2025-12-31')).toBe(AG);
    expect(findUnit(units, 'Tỉnh Kiên Giang', '2024-12-31')).toBe(KG);
    expect(findUnit(units, 'kiên giang', '2024-12-31')).toBe(KG);
    // Kiên Giang ended on 30/6/2025: the name names nothing after it
    expect(lookupCode(() => findUnit(units, 'Kiên Giang', '2025-12-31'))).toBe(
      'UNKNOWN_UNIT: no unit has code, id or name Kiên Giang on 2025-12-31',
    );
    const twins = new UnitIndex([
      NATIONAL,
      AG,
      { ...province('92', 'An Giang', '2025-07-01', null), full_name: 'Tỉnh An Giang' },
    ]);
    expect(lookupCode(() => findUnit(twins, 'An Giang', '2025-12-31'))).toBe(
      'AMBIGUOUS_UNIT: "An Giang" names 2 units on 2025-12-31: Tỉnh An Giang (p91@2025-07-01), Tỉnh An Giang (p92@2025-07-01); give its code or id',
    );
    // a code is still a code, and an unknown one says so as before
    expect(lookupCode(() => findUnit(units, '77', '2025-12-31'))).toBe(
      'UNKNOWN_UNIT: no unit has code or id 77 on 2025-12-31',
    );
  });
});
