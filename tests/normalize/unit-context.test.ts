// Unit names as offices write them: an office before the unit's name, former names at the dates
// they were used, and text in a legacy font encoding told apart from Unicode (pure).
import { describe, expect, it } from 'vitest';
import { legacyEncoding } from '../../pipelines/load/unit-names.ts';
import { matchKey } from '../../pipelines/normalize/text.ts';
import { splitName, UnitIndex, unitId, type Unit } from '../../pipelines/normalize/units.ts';

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

describe('office prefixes', () => {
  it('strips "UBND", "Ủy ban nhân dân" and "Công an" before an administrative prefix only', () => {
    expect(splitName('UBND xã Sơn Ninh')).toEqual({ prefix: 'xã', key: 'sơn ninh' });
    expect(splitName('Ủy ban nhân dân huyện Hương Sơn')).toEqual({
      prefix: 'huyện',
      key: 'hương sơn',
    });
    expect(splitName('Công an phường 3')).toEqual({ prefix: 'phường', key: '3' });
    expect(splitName('UBND TP. Huế')).toEqual({ prefix: 'thành phố', key: 'huế' });
    // not followed by a prefix: not clearly a unit's name, left as it is
    expect(splitName('Công an tỉnh')).toEqual({ prefix: null, key: matchKey('công an tỉnh') });
    expect(splitName('Ca Mau')).toEqual({ prefix: null, key: 'ca mau' });
  });
});

describe('former names', () => {
  const hue = unit({
    code: '46',
    name: 'Huế',
    full_name: 'Thành phố Huế',
    level: 'province',
    valid_to: '2025-06-30',
  });
  const index = new UnitIndex(
    [hue],
    [
      {
        level: 'province',
        code: '46',
        formerName: 'Tỉnh Thừa Thiên Huế',
        validTo: '2024-12-31',
        source: 'NQ 1314/NQ-UBTVQH15',
      },
    ],
  );

  it('reads a former name as its unit at a date it was the name, and says it was', () => {
    const r = index.resolve({ name: 'Thừa Thiên Huế', date: '2024-07-31' });
    expect(r).toMatchObject({ ok: true, unit: hue, former: { validTo: '2024-12-31' } });
    expect(index.resolve({ name: 'Thừa Thiên Huế', date: '2025-03-31' })).toMatchObject({
      ok: false,
      reason: 'unknown',
    });
    expect(index.resolve({ name: 'Thừa Thiên Huế', date: '2024-07-31', level: 'commune' }).ok).toBe(
      false,
    );
    expect(index.formerNamed('THỪA THIÊN HUẾ')).toHaveLength(1);
  });
});

describe('legacy font encodings', () => {
  it('tells TCVN3 and VNI from Unicode Vietnamese', () => {
    expect(legacyEncoding('Hµ Néi')).toBe('TCVN3');
    expect(legacyEncoding('§µ N½ng')).toBe('TCVN3');
    expect(legacyEncoding('Kh¸nh Hßa')).toBe('TCVN3');
    expect(legacyEncoding('Haø Noäi')).toBe('VNI');
    expect(legacyEncoding('Ñaø Naüng')).toBe('VNI');
    for (const name of [
      'Hà Nội',
      'Đà Nẵng',
      'Khánh Hoà',
      'Thừa Thiên Huế',
      'Phường Hòa Khánh',
      'Ea Kar',
    ]) {
      expect(legacyEncoding(name)).toBeNull();
    }
  });
});
