import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../pipelines/db/connect.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import {
  allUnits,
  builtinProvinces,
  readUnitList,
  readUnitsCsv,
  saveUnits,
} from '../../pipelines/load/units.ts';
import { RejectedInput } from '../../pipelines/load/problems.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import { POST_2025, PRE_2025, openTempDb, tempDir } from '../helpers.ts';

describe('built-in provinces and their 2025 succession', () => {
  const list = builtinProvinces();
  it('has the country, 63 provinces before and 34 after', () => {
    const byLevel = (valid: (u: (typeof list.units)[number]) => boolean) =>
      list.units.filter((u) => u.level === 'province' && valid(u)).length;
    expect(list.units.filter((u) => u.level === 'national').map((u) => u.unit_id)).toEqual(['VN']);
    expect(byLevel((u) => u.valid_to === '2025-06-30')).toBe(63);
    expect(byLevel((u) => u.valid_from === '2025-07-01')).toBe(34);
    expect(list.successions).toHaveLength(63);
  });

  it('reads the seven codes that changed meaning as different units', () => {
    for (const code of ['15', '24', '44', '52', '80', '82', '91']) {
      const [before, after] = ['p' + code, `p${code}@2025-07-01`].map((id) =>
        list.units.find((u) => u.unit_id === id),
      );
      expect(before?.name).not.toBe(after?.name);
    }
    const kg = list.successions.find((s) => s.from_unit_id === 'p91');
    expect(kg).toMatchObject({
      to_unit_id: 'p91@2025-07-01',
      kind: 'merge',
      effective_on: '2025-07-01',
    });
    const ag = list.successions.find((s) => s.from_unit_id === 'p89');
    expect(ag?.to_unit_id).toBe('p91@2025-07-01');
  });

  it('marks unmerged provinces as continuing (Huế as renamed)', () => {
    const kinds = Object.fromEntries(list.successions.map((s) => [s.from_unit_id, s.kind]));
    expect(kinds.p04).toBe('continue');
    expect(kinds.p46).toBe('rename');
    expect(Object.values(kinds).filter((k) => k !== 'merge')).toHaveLength(11);
  });
});

describe('units import of the public dataset (both files, from ../shared)', () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await openTempDb());
    await migrate(db);
    await saveUnits(db, builtinProvinces(), false);
  });
  afterAll(() => cleanup());

  it('loads 63/696/10,035 before and 34/3,321 after, with correct validity', async () => {
    for (const file of [PRE_2025, POST_2025])
      await saveUnits(db, readUnitList(file, await allUnits(db)), true);
    const rows = await db.all<{
      level: string;
      valid_from: string | null;
      valid_to: string | null;
      n: string;
    }>(
      `select level, strftime(valid_from, '%Y-%m-%d') valid_from, strftime(valid_to, '%Y-%m-%d') valid_to, count(*) n
       from units group by all order by all`,
    );
    expect(rows).toEqual([
      { level: 'commune', valid_from: '2025-07-01', valid_to: null, n: '3321' },
      { level: 'commune', valid_from: null, valid_to: '2025-06-30', n: '10035' },
      { level: 'district', valid_from: null, valid_to: '2025-06-30', n: '696' },
      { level: 'national', valid_from: null, valid_to: null, n: '1' },
      { level: 'province', valid_from: '2025-07-01', valid_to: null, n: '34' },
      { level: 'province', valid_from: null, valid_to: '2025-06-30', n: '63' },
    ]);
  });

  it('links every unit to a parent that exists at the same time', async () => {
    const orphans = await db.all(`
      select c.unit_id from units c left join units p on p.unit_id = c.parent_id
      where c.level <> 'national' and (p.unit_id is null
        or coalesce(p.valid_to, date '9999-12-31') < coalesce(c.valid_to, date '9999-12-31')
        or coalesce(p.valid_from, date '0001-01-01') > coalesce(c.valid_from, date '0001-01-01'))`);
    expect(orphans).toEqual([]);
    const levels = await db.all(`
      select c.level, p.level as parent_level, count(*) n from units c join units p on p.unit_id = c.parent_id
      group by all order by all`);
    expect(levels).toEqual([
      { level: 'commune', parent_level: 'district', n: '10035' },
      { level: 'commune', parent_level: 'province', n: '3321' },
      { level: 'district', parent_level: 'province', n: '696' },
      { level: 'province', parent_level: 'national', n: '97' },
    ]);
  });

  it('importing the same lists again changes nothing', async () => {
    const before = await db.all('select * from core.units order by unit_id');
    for (const file of [PRE_2025, POST_2025]) {
      const summary = await saveUnits(db, readUnitList(file, await allUnits(db)), true);
      expect(summary.inserted + summary.updated).toBe(0);
    }
    expect(await db.all('select * from core.units order by unit_id')).toEqual(before);
  });

  it('a code names different units before and after the reform; Phan Rang–Tháp Chàm is found by name', async () => {
    const index = new UnitIndex(await allUnits(db));
    expect(index.byCodeAt('91', '2024-05-01').map((u) => u.name)).toEqual(['Kiên Giang']);
    expect(index.byCodeAt('91', '2026-01-01').map((u) => u.name)).toEqual(['An Giang']);
    expect(index.byCodeAt('77', '2026-01-01')).toEqual([]);
    const prtc = index.resolve({
      name: 'Phan Rang–Tháp Chàm',
      date: '2022-03-10',
      level: 'district',
    });
    expect(prtc.ok && prtc.unit.code).toBe('582');
  });
});

describe('units import of a plain CSV', () => {
  const known = builtinProvinces().units;
  const header = 'code,name,level,parent_code,valid_from,valid_to\n';

  it("resolves parent codes at the unit's own date (91 is Kiên Giang before, An Giang after)", () => {
    const list = readUnitsCsv(
      header +
        '899,Thành phố Rạch Giá,district,91,,2025-06-30\n30001,Xã Mới,commune,91,2025-07-01,\n',
      'units.csv',
      known,
    );
    expect(list.units.map((u) => [u.unit_id, u.parent_id, u.name])).toEqual([
      ['d899', 'p91', 'Rạch Giá'],
      ['c30001@2025-07-01', 'p91@2025-07-01', 'Mới'],
    ]);
  });

  it('rejects the whole file, naming row, column and value of every problem', () => {
    const text =
      header +
      '899,Rạch Giá,district,91,,2025-06-30\n' +
      ',Không mã,district,91,,\n' +
      '900,Sai cấp,hamlet,91,,\n' +
      '901,Ngày sai,district,91,2025-13-01,\n' +
      '902,Không cha,commune,777,,\n';
    try {
      readUnitsCsv(text, 'bad-units.csv', known);
      expect.unreachable('the file should be rejected');
    } catch (error) {
      expect(error).toBeInstanceOf(RejectedInput);
      const found = (error as RejectedInput).problems.map((p) => [
        p.file,
        p.row,
        p.column,
        p.value,
        p.rule,
      ]);
      expect(found).toEqual([
        ['bad-units.csv', 3, 'code', '', 'required'],
        ['bad-units.csv', 4, 'level', 'hamlet', 'level'],
        ['bad-units.csv', 5, 'valid_from', '2025-13-01', 'date'],
        ['bad-units.csv', 6, 'parent_code', '777', 'parent'],
      ]);
    }
  });

  it('rejects a file without the required header', () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'no-header.csv');
      writeFileSync(path, 'ma,ten\n01,Hà Nội\n');
      expect(() => readUnitList(path, known)).toThrow(/missing column\(s\) code, name, level/);
    } finally {
      cleanup();
    }
  });
});
