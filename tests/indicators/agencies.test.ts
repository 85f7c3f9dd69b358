// The agencies catalogue: a lead or partner name as printed maps to one agency, whatever its
// case, Unicode form, tone placement or dash; listed aliases cover the rest; a name used at two
// levels is settled by the plan unit's level, and one that context cannot settle stays unmapped.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgencyIndex, levelOfCode, loadAgencies } from '../../indicators/catalogue/agencies.ts';
import { DefinitionError } from '../../indicators/definitions.ts';
import { tempDir } from '../helpers.ts';

const index = new AgencyIndex(loadAgencies());
const id = (name: string, level: Parameters<AgencyIndex['resolve']>[1] = 'province') =>
  index.resolve(name, level)?.id ?? null;

describe('agency names as printed', () => {
  it('reads case, Unicode form, tone placement and dashes as the same agency', () => {
    for (const name of [
      'Sở Thông tin và Truyền thông',
      'Sở Thông tin và truyền thông',
      'Sở Thông tin và Truyền Thông',
      'Sở Thông tin và Truyền thông'.normalize('NFD'),
      '  Sở  Thông tin và Truyền thông ',
    ]) {
      expect(id(name), name).toBe('so_thong_tin_truyen_thong');
    }
    expect(id('Sở Lao động – Thương binh và Xã hội')).toBe('so_lao_dong_tbxh');
    expect(id('Sở Lao động - Thương binh và Xã hội')).toBe('so_lao_dong_tbxh');
    expect(id('Phòng Lao động- Thương binh và Xã hội', 'district')).toBe('phong_lao_dong_tbxh');
    expect(id('Phòng Tài Chính - Kế hoạch', 'district')).toBe('phong_tai_chinh_ke_hoach');
    // tone placement: the old and the new spelling of "hóa"
    expect(id('Sở Văn hoá và Thể thao')).toBe('so_van_hoa_the_thao');
  });

  it('takes the listed aliases, and never drops a letter or a tone', () => {
    expect(id('Sở Lao động Thương binh và Xã hội')).toBe('so_lao_dong_tbxh');
    expect(id('Văn phòng UBND Thành phố')).toBe('van_phong_ubnd_tinh');
    expect(id('các đồng chí Công an xã', 'commune')).toBe('cong_an_xa');
    expect(id('Sở Tài chánh')).toBeNull();
    expect(id('Sở Tư phap')).toBeNull();
  });

  it('settles a name used at two levels by the plan unit’s level, and never guesses', () => {
    expect(id('Công an thành phố', 'province')).toBe('cong_an_tinh'); // TP.HCM's police
    expect(id('Công an thành phố', 'district')).toBe('cong_an_huyen'); // Phan Rang–Tháp Chàm's
    expect(id('Công an thành phố', 'commune')).toBeNull();
    expect(id('Tòa án nhân dân Thành phố', 'province')).toBe('toa_an_tinh');
    expect(id('Tòa án nhân dân thành phố', 'district')).toBe('toa_an_huyen');
    // one meaning only: the level does not matter
    expect(id('Bộ Công an', 'commune')).toBe('bo_cong_an');
    expect(id('Sở Tư pháp', 'district')).toBe('so_tu_phap');
  });

  it('leaves people, lists of offices and bare words unmapped', () => {
    expect(id('đồng chí Thiếu úy Hồ Khánh Tài', 'commune')).toBeNull();
    expect(id('Sở Tư pháp, Bảo hiểm xã hội, Công an tỉnh')).toBeNull();
    expect(id('địa phương')).toBeNull();
  });

  it('marks groups named together as collectives', () => {
    const all = index.resolve('các sở, ban, ngành, địa phương liên quan', 'province');
    expect(all).toMatchObject({ id: 'cac_so_ban_nganh_dia_phuong', kind: 'collective' });
  });

  it('reads the level of a plan’s unit from its code', () => {
    expect(['VN', '79', '582', '18175', 'x'].map(levelOfCode)).toEqual([
      'national',
      'province',
      'district',
      'commune',
      null,
    ]);
  });
});

describe('agencies.yaml', () => {
  it('refuses a name two agencies of one level share, and names both', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'agencies.yaml');
      writeFileSync(
        file,
        `- {id: a, name_vi: Sở Nội vụ, name_en: A, level: province}
- {id: b, name_vi: Sở Tư pháp, name_en: B, level: province, aliases: [sở nội vụ]}
- {id: c, name_vi: Phòng Nội vụ, name_en: C, level: nation}
`,
      );
      expect(() => loadAgencies(file)).toThrow(DefinitionError);
      try {
        loadAgencies(file);
      } catch (error) {
        const problems = (error as DefinitionError).problems;
        expect(problems).toContainEqual(expect.stringMatching(/^agencies\.c\.level: /));
        expect(problems).toContain(
          'agencies: "Sở Nội vụ" (a) and "sở nội vụ" (b) are one name at one level',
        );
      }
    } finally {
      cleanup();
    }
  });
});
