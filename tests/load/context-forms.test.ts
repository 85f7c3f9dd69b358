// Issue 13, part A, through the real ingest on a copy of the template database: numbers read by
// their metric's kind (counts written the Vietnamese way), the 1000× trap refused both ways and
// decided only by --thousands, half-years refused with the reason, and unit names read in the
// file's context (the level its other rows share, former names, office prefixes), with every
// refusal naming the cell once, in English and Vietnamese.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../pipelines/db/connect.ts';
import { ingestFile, type IngestOptions } from '../../pipelines/load/ingest.ts';
import { makeTemplate, stored, type Template } from '../fixtures/ingest/harness.ts';

const FORMS = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/forms');

let template: Template;
let db: Database;
beforeAll(async () => {
  template = await makeTemplate();
  db = await template.copy('context');
});
afterAll(() => {
  db.close();
  template.cleanup();
});

const ingest = (name: string, options: IngestOptions = {}) =>
  ingestFile(db, join(FORMS, name), options);

/** [row, column, value, rule, English message] of every error */
const errorsOf = (r: Awaited<ReturnType<typeof ingest>>) =>
  r.errors.map((e) => [e.row, e.column, e.value, e.rule, e.message]);

describe('numbers by metric kind', () => {
  it('loads counts written the Vietnamese way (was: ambiguous number "48.215")', async () => {
    for (const fast of [true, false]) {
      const r = await ingest('numbers-counts-dot-groups.csv', { dryRun: true, fast });
      expect(r.errors).toEqual([]);
      expect(r.status).toBe('dry_run');
    }
    const r = await ingest('numbers-counts-dot-groups.csv');
    expect(r.status).toBe('loaded');
    expect((await stored(db, r.batchId)).map((s) => [s.unit_id, s.value])).toEqual([
      ['p01', 48215],
      ['p48', 1234567],
      ['p79', 72996],
      ['p92', 987],
    ]);
  });

  it('refuses "722,000" beside "816.918" (was: stored as 722, no warning)', async () => {
    for (const fast of [true, false]) {
      const r = await ingest('numbers-trap-comma-in-dot-file.csv', { fast });
      expect(r.status).toBe('rejected');
      expect(errorsOf(r)).toEqual([
        [
          4,
          'value',
          '722,000',
          'ambiguous_number',
          'ambiguous number "722,000": 722000 or 722.000 (1000 times apart); the rest of the file cannot decide it: write 722000 without separators, or give the thousands mark , (the "Thousands mark" field of the upload page, or --thousands ,) if "," groups thousands in this file (. if it does not)',
        ],
      ]);
      expect(r.errors[0].vi).toBe(
        'số "722,000" đọc được hai cách: 722000 hoặc 722,000 (chênh nhau 1000 lần); phần còn lại của tệp không quyết định được: ghi 722000 không có dấu phân cách, hoặc chọn dấu phân cách hàng nghìn , (ô «Dấu phân cách hàng nghìn» của trang tải lên, hoặc --thousands ,) nếu tệp dùng "," để phân cách hàng nghìn (. nếu không phải)',
      );
    }
  });

  it('refuses "25.000" in a file grouping with "," (was: stored as 25), and --thousands decides', async () => {
    const r = await ingest('numbers-trap-dot-in-comma-file.csv', { dryRun: true });
    expect(errorsOf(r)).toEqual([
      [
        4,
        'value',
        '25.000',
        'ambiguous_number',
        expect.stringMatching(/^ambiguous number "25\.000": 25000 or 25\.000 \(1000 times apart\)/),
      ],
    ]);
    // declared: "," groups thousands, so "25.000" is 25 (a whole count: it loads)
    const comma = await ingest('numbers-trap-dot-in-comma-file.csv', {
      dryRun: true,
      thousands: ',',
    });
    expect(comma.errors).toEqual([]);
    // declared the other way, the comma-grouped figures are refused, each named
    const dot = await ingest('numbers-trap-dot-in-comma-file.csv', {
      dryRun: true,
      thousands: '.',
    });
    expect(errorsOf(dot).map((e) => [e[0], e[3], e[4]])).toEqual([
      [
        2,
        'convention_mismatch',
        'number "6,543,210" reads only as 6543210, but --thousands "." was given',
      ],
      [
        3,
        'convention_mismatch',
        'number "7,123,456" reads only as 7123456, but --thousands "." was given',
      ],
    ]);
  });

  it('never loads a value readable two ways 1000× apart silently (property, real ingest)', async () => {
    const dir = template.dir;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 999 }),
        fc.constantFrom('.', ','),
        fc.boolean(),
        async (n, mark, fast) => {
          const trap = `${n}${mark}000`;
          const other = mark === '.' ? '"1,234,567"' : '1.234.567';
          const file = join(dir, 'trap.csv');
          writeFileSync(
            file,
            `unit_code,period,metric,value\n01,2024-09,cccd_issued,${other}\n79,2024-09,cccd_issued,"${trap}"\n`,
          );
          const r = await ingestFile(db, file, { dryRun: true, fast });
          expect(r.status).toBe('rejected');
          expect(r.errors.map((e) => [e.row, e.rule])).toContainEqual([3, 'ambiguous_number']);
        },
      ),
      { numRuns: 6 },
    );
  });

  it('refuses a half-year, saying why and what to send instead', async () => {
    const r = await ingest('numbers-half-year.csv', { dryRun: true });
    expect(errorsOf(r)).toEqual([
      [
        2,
        'period',
        '6 tháng đầu năm 2023',
        'period',
        '"6 tháng đầu năm 2023" is a half-year: figures are kept by month, quarter or year; a stock figure (cumulative) at the half-year\'s end is its June figure: give the period as YYYY-06 (or YYYY-Q2); a flow over six months cannot be split into months: send the months or quarters',
      ],
    ]);
    expect(r.errors[0].vi).toMatch(/^"6 tháng đầu năm 2023" là kỳ 6 tháng/);
  });
});

describe('unit names in the file’s context', () => {
  it('reads "Hà Tĩnh" and "Khánh Hoà" in a list of provinces as the provinces, and says so', async () => {
    const r = await ingest('units-provinces-by-name.csv');
    expect(r.errors).toEqual([]);
    expect(r.status).toBe('loaded');
    const rows = await stored(db, r.batchId);
    expect(rows.map((s) => [s.unit_id, s.metric, s.value])).toEqual([
      ['p01', 'cccd_issued', 6543210],
      ['p01', 'vneid_activated', 4100000],
      ['p22', 'cccd_issued', 1234567],
      ['p22', 'vneid_activated', 998001],
      ['p42', 'cccd_issued', 1012345],
      ['p42', 'vneid_activated', 712996],
      ['p56', 'cccd_issued', 1048215],
      ['p56', 'vneid_activated', 872996],
    ]);
    const notes = r.notes?.filter((n) => n.rule === 'unit_by_context').map((n) => n.message);
    expect(notes?.sort()).toEqual([
      '"Hà Tĩnh" read as Tỉnh Hà Tĩnh: the file\'s other rows name province units (the name alone also fits units of other levels; give unit_code or --level to say otherwise)',
      '"Khánh Hoà" read as Tỉnh Khánh Hòa: the file\'s other rows name province units (the name alone also fits units of other levels; give unit_code or --level to say otherwise)',
    ]);
  });

  it('reads a former name at a date it was the name, and not after', async () => {
    const r = await ingest('units-former-name.csv', { dryRun: true });
    expect(r.errors).toEqual([]);
    expect(r.notes?.filter((n) => n.rule === 'former_name').map((n) => n.message)).toEqual([
      expect.stringMatching(
        /^"Thừa Thiên Huế" read as Thành phố Huế \(code 46\): its name until 2024-12-31/,
      ),
    ]);
    const after = join(template.dir, 'hue-2025.csv');
    writeFileSync(after, 'unit_name,period,cccd_issued\nThừa Thiên Huế,2025-09,1.052.117\n');
    const late = await ingestFile(db, after, { dryRun: true });
    expect(late.errors.map((e) => [e.rule, e.message])).toEqual([
      [
        'unknown_unit',
        'no unit is named "Thừa Thiên Huế" on 2025-09-30: "Tỉnh Thừa Thiên Huế" was the name of code 46 until 31/12/2024; on 2025-09-30 it is Thành phố Huế',
      ],
    ]);
  });

  it('strips "UBND xã" and "Công an xã" before a unit’s name', async () => {
    const r = await ingest('units-office-prefix.csv', { dryRun: true });
    expect(r.errors).toEqual([]);
    expect(r.rowsNew).toBe(2);
  });

  it('names a former city as ended, never offering a ward of the new era as the same unit', async () => {
    const r = await ingest('units-former-city-after-reform.csv', { dryRun: true });
    // one error for the cell, not one per metric column (was: three)
    expect(errorsOf(r)).toEqual([
      [
        2,
        'unit_name',
        'Thành phố Rạch Giá',
        'unknown_unit',
        'no unit is named "Thành phố Rạch Giá" on 2025-09-30: Thành phố Rạch Giá (Tỉnh Kiên Giang) ended on 30/6/2025; its area is now part of Tỉnh An Giang; Phường Rạch Giá (Tỉnh An Giang) is a commune-level unit, not the same unit: write its own name if it is the one meant',
      ],
    ]);
    expect(r.errors[0].vi).toMatch(/đã kết thúc ngày 30\/6\/2025; địa bàn nay thuộc Tỉnh An Giang/);
  });

  it('names TCVN3 and VNI text as such', async () => {
    const r = await ingest('units-tcvn3-vni.csv', { dryRun: true });
    expect(r.errors.map((e) => [e.row, e.rule])).toEqual([
      [2, 'unknown_unit'],
      [3, 'unknown_unit'],
    ]);
    expect(r.errors[0].message).toBe(
      'no unit is named "Hµ Néi" on 2024-07-31: the text looks written in TCVN3, a legacy Vietnamese font encoding, not Unicode; convert the file to Unicode (for example with Unikey\'s converter, TCVN3 → Unicode) and send it again',
    );
    expect(r.errors[1].message).toContain(
      '"Haø Noäi" on 2024-08-31: the text looks written in VNI',
    );
    expect(r.errors[0].message).toContain('TCVN3 → Unicode');
    expect(r.errors[1].vi).toContain('bảng mã VNI');
  });

  it('lists the candidates of an ambiguous name with their parents, hinting --parent, and --level decides', async () => {
    const file = join(template.dir, 'khanh-hoa-alone.csv');
    writeFileSync(file, 'unit_name,period,cccd_issued\nKhánh Hoà,2024-07,1.048.215\n');
    const r = await ingestFile(db, file, { dryRun: true });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].rule).toBe('ambiguous_unit');
    expect(r.errors[0].message).toContain(
      'Phường Khánh Hòa (Thị xã Vĩnh Châu, Tỉnh Sóc Trăng) [31789]',
    );
    expect(r.errors[0].message).toMatch(/give unit_code, or --parent .*, or --level$/);
    const level = await ingestFile(db, file, { dryRun: true, level: 'province' });
    expect(level.errors).toEqual([]);
  });
});
