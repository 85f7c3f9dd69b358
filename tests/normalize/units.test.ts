import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UnitIndex, splitName, unitId, type Unit } from '../../pipelines/normalize/units.ts';
import { matchKey } from '../../pipelines/normalize/text.ts';

function unit(partial: Partial<Unit> & Pick<Unit, 'code' | 'name' | 'full_name' | 'level'>): Unit {
  return {
    unit_id: unitId(partial.level, partial.code, partial.valid_from ?? null),
    name_en: null,
    parent_id: null,
    valid_from: null,
    valid_to: null,
    source: 'test',
    ...partial,
  };
}

// a small map with the traps the resolver must handle
const KH = unit({
  code: '56',
  name: 'Khánh Hòa',
  full_name: 'Tỉnh Khánh Hòa',
  level: 'province',
  valid_to: '2025-06-30',
  parent_id: 'VN',
});
const NT = unit({
  code: '58',
  name: 'Ninh Thuận',
  full_name: 'Tỉnh Ninh Thuận',
  level: 'province',
  valid_to: '2025-06-30',
  parent_id: 'VN',
});
const KH2 = unit({
  code: '56',
  name: 'Khánh Hoà',
  full_name: 'Tỉnh Khánh Hoà',
  level: 'province',
  valid_from: '2025-07-01',
  parent_id: 'VN',
});
const PRTC = unit({
  code: '582',
  name: 'Phan Rang - Tháp Chàm',
  full_name: 'Thành phố Phan Rang - Tháp Chàm',
  level: 'district',
  valid_to: '2025-06-30',
  parent_id: NT.unit_id,
});
const HT = unit({
  code: '42',
  name: 'Hà Tĩnh',
  full_name: 'Tỉnh Hà Tĩnh',
  level: 'province',
  valid_to: '2025-06-30',
  parent_id: 'VN',
});
const HTCITY = unit({
  code: '436',
  name: 'Hà Tĩnh',
  full_name: 'Thành phố Hà Tĩnh',
  level: 'district',
  valid_to: '2025-06-30',
  parent_id: HT.unit_id,
});
const HS = unit({
  code: '439',
  name: 'Hương Sơn',
  full_name: 'Huyện Hương Sơn',
  level: 'district',
  valid_to: '2025-06-30',
  parent_id: HT.unit_id,
});
const SN = unit({
  code: '18457',
  name: 'Sơn Ninh',
  full_name: 'Xã Sơn Ninh',
  level: 'commune',
  valid_to: '2025-06-30',
  parent_id: HS.unit_id,
});
const TT1 = unit({
  code: '22738',
  name: 'Thủy Xuân',
  full_name: 'Phường Thủy Xuân',
  level: 'commune',
  valid_to: '2025-06-30',
  parent_id: PRTC.unit_id,
});
// two communes of one name in different districts: ambiguous without a parent
const TANAN1 = unit({
  code: '10001',
  name: 'Tân An',
  full_name: 'Xã Tân An',
  level: 'commune',
  valid_to: '2025-06-30',
  parent_id: HS.unit_id,
});
const TANAN2 = unit({
  code: '10002',
  name: 'Tân An',
  full_name: 'Xã Tân An',
  level: 'commune',
  valid_to: '2025-06-30',
  parent_id: PRTC.unit_id,
});
const P1 = unit({
  code: '27001',
  name: 'Phường 1',
  full_name: 'Phường 1',
  level: 'commune',
  valid_to: '2025-06-30',
  parent_id: PRTC.unit_id,
});

const index = new UnitIndex([KH, NT, KH2, PRTC, HT, HTCITY, HS, SN, TT1, TANAN1, TANAN2, P1]);
const at2024 = '2024-06-01';

function resolved(name: string, extra: Partial<Parameters<UnitIndex['resolve']>[0]> = {}) {
  const r = index.resolve({ name, date: at2024, ...extra });
  return r.ok ? r.unit.unit_id : `${r.reason}:${r.candidates.map((c) => c.unit_id).join(',')}`;
}

describe('name resolution', () => {
  it('is blind to tone placement, NFC/NFD and case', () => {
    for (const name of [
      'Khánh Hòa',
      'Khánh Hoà',
      'KHÁNH HOÀ',
      'khánh hòa'.normalize('NFD'),
      'Tỉnh Khánh Hoà',
    ]) {
      expect(resolved(name)).toBe(KH.unit_id);
    }
    expect(resolved('Thuỷ Xuân')).toBe(TT1.unit_id);
    expect(resolved('Thủy Xuân')).toBe(TT1.unit_id);
  });

  it('does not confuse different tones', () => {
    expect(matchKey('Hòa')).not.toBe(matchKey('Hóa'));
    expect(resolved('Khánh Hóa')).toBe('unknown:');
  });

  it('handles dashes and spacing', () => {
    for (const name of [
      'Phan Rang–Tháp Chàm',
      'Phan Rang-Tháp Chàm',
      'Phan Rang - Tháp Chàm',
      'TP. Phan Rang — Tháp  Chàm',
    ]) {
      expect(resolved(name)).toBe(PRTC.unit_id);
    }
  });

  it('strips administrative prefixes, and uses them to tell a city from its province', () => {
    expect(resolved('Thành phố Hà Tĩnh')).toBe(HTCITY.unit_id);
    expect(resolved('Tỉnh Hà Tĩnh')).toBe(HT.unit_id);
    expect(resolved('Hà Tĩnh')).toBe(`ambiguous:${HT.unit_id},${HTCITY.unit_id}`);
    expect(resolved('Xã Sơn Ninh')).toBe(SN.unit_id);
    expect(resolved('Huyện Hương Sơn')).toBe(HS.unit_id);
    expect(resolved('Quận Hương Sơn')).toBe(HS.unit_id);
    expect(resolved('Xã Hương Sơn')).toBe(`unknown:${HS.unit_id}`);
    expect(resolved('Phường 01')).toBe(P1.unit_id);
  });

  it('reports every candidate of an ambiguous name, and a parent settles it', () => {
    expect(resolved('Tân An')).toBe(`ambiguous:${TANAN1.unit_id},${TANAN2.unit_id}`);
    expect(resolved('Tân An', { parentId: HS.unit_id })).toBe(TANAN1.unit_id);
    expect(resolved('Tân An', { parentId: NT.unit_id })).toBe(TANAN2.unit_id);
  });

  it('reads a name at a date', () => {
    expect(resolved('Khánh Hòa', { date: '2026-01-01' })).toBe(KH2.unit_id);
    expect(resolved('Ninh Thuận', { date: '2026-01-01' })).toBe('unknown:');
    expect(resolved('Khánh Hòa', { date: null })).toBe(`ambiguous:${KH.unit_id},${KH2.unit_id}`);
  });

  it('finds the unit a code named at a date', () => {
    expect(index.byCodeAt('56', at2024).map((u) => u.unit_id)).toEqual([KH.unit_id]);
    expect(index.byCodeAt('56', '2025-07-01').map((u) => u.unit_id)).toEqual([KH2.unit_id]);
    expect(index.byCodeAt('58', '2025-07-01')).toEqual([]);
  });

  it('law: any tone placement or normalisation form of a known name resolves to the same unit', () => {
    const names = [KH, PRTC, SN, TT1, HS].map((u) => u.full_name);
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.constantFrom('NFC', 'NFD') as fc.Arbitrary<'NFC' | 'NFD'>,
        fc.boolean(),
        (name, form, upper) => {
          const variant = (upper ? name.toUpperCase() : name).normalize(form);
          expect(resolved(variant)).toBe(resolved(name));
        },
      ),
    );
  });

  it('splitName spells out abbreviations', () => {
    expect(splitName('TP. Hồ Chí Minh')).toEqual({
      prefix: 'thành phố',
      key: matchKey('hồ chí minh'),
    });
    expect(splitName('TX Sơn Tây').prefix).toBe('thị xã');
  });
});
