// Office report forms (issue 13 part B) through ingestFile into a copy of the demo database: the
// corpus of tests/fixtures/forms/make.ts, each asserting the exact stored rows or the exact
// problems, the warnings of the totals and derived columns, and the notes of what was skipped.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';
import { Database } from '../../pipelines/db/connect.ts';
import { ingestFile, type IngestOptions } from '../../pipelines/load/ingest.ts';
import { parseMapping } from '../../pipelines/load/mapping.ts';
import { saveUnitMapping, unitMapping } from '../../pipelines/load/mapping-store.ts';
import { bufferIo, tempDir } from '../helpers.ts';
import { API_MAPPING, makeForms } from '../fixtures/forms/make.ts';

type Row = [string, string, string, number];

let dir: string;
let cleanup: () => void;
let copies = 0;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  await makeForms(dir);
});
afterAll(() => cleanup());

function freshDb(): string {
  const path = join(dir, `db${++copies}.duckdb`);
  copyFileSync(inject('demoDb'), path);
  return path;
}

/** Loads `file` into a fresh copy of the demo: the report and the rows its batch stored. */
async function load(file: string, options: IngestOptions = {}) {
  const db = await Database.open(freshDb());
  try {
    const report = await ingestFile(db, file.startsWith('/') ? file : join(dir, file), options);
    const rows = await db.all<{ unit_id: string; period: string; metric: string; value: number }>(
      `select unit_id, period, metric, value from observation_history where batch_id = $b
       order by unit_id, period, metric`,
      { b: report.batchId ?? '' },
    );
    const notes = await db.all<{ unit_id: string; note: string }>(
      `select unit_id, note from core.observation_revisions
       where batch_id = $b and note is not null group by all order by all`,
      { b: report.batchId ?? '' },
    );
    const stored = rows.map((r): Row => [r.unit_id, r.period, r.metric, Number(r.value)]);
    const findings = await db.all<{ rule: string; line: string; value: string; unit_id: null }>(
      `select rule, line, value, unit_id from core.quality_findings where batch_id = $b
       order by line`,
      { b: report.batchId ?? '' },
    );
    const counted = await db.scalar(`select warnings from core.batches where batch_id = $b`, {
      b: report.batchId ?? '',
    });
    return { report, stored, notes, findings, counted };
  } finally {
    db.close();
  }
}

/** The form's 20 figures of July 2024 (units as named before the 2025 reform). */
const FORM_ROWS: Row[] = [
  ['p89', '2024-07', 'cccd_applications', 20000],
  ['p89', '2024-07', 'cccd_issued', 18500],
  ['p89', '2024-07', 'dossiers_online', 3000],
  ['p89', '2024-07', 'dossiers_received', 6000],
  ['p91', '2024-07', 'cccd_applications', 12345],
  ['p91', '2024-07', 'cccd_issued', 11000],
  ['p91', '2024-07', 'dossiers_online', 4000],
  ['p91', '2024-07', 'dossiers_received', 5000],
  ['p92', '2024-07', 'cccd_applications', 9000],
  ['p92', '2024-07', 'cccd_issued', 8700],
  ['p92', '2024-07', 'dossiers_online', 1000],
  ['p92', '2024-07', 'dossiers_received', 4000],
  ['p93', '2024-07', 'cccd_applications', 5000],
  ['p93', '2024-07', 'cccd_issued', 4800],
  ['p93', '2024-07', 'dossiers_online', 1500],
  ['p93', '2024-07', 'dossiers_received', 2000],
  ['p96', '2024-07', 'cccd_applications', 7000],
  ['p96', '2024-07', 'cccd_issued', 6500],
  ['p96', '2024-07', 'dossiers_online', 2400],
  ['p96', '2024-07', 'dossiers_received', 3000],
];

const CCCD = 'Căn cước công dân | Số hồ sơ cấp CCCD đã thu nhận (hồ sơ)';
const RATE = 'Hồ sơ thủ tục hành chính | Tỷ lệ (%)';

describe('the standard form in three encodings', () => {
  // the same form: sheet rows in the workbook, lines in the text files (the header's second row
  // holds a line break inside quotes, so the text's rows below it are one line further down)
  const CASES = [
    { file: 'form-2024-07.xlsx', encoding: 'xlsx', sheet: '[Báo cáo]', shift: 0 },
    { file: 'form-2024-07-unicode-text.txt', encoding: 'utf-16le', sheet: '', shift: 1 },
    { file: 'form-2024-07-windows-1258.csv', encoding: 'windows-1258', sheet: '', shift: 1 },
  ];
  for (const c of CASES) {
    it(`${c.file}: loads the five units, warns for the wrong total and rate, notes the rest`, async () => {
      const { report, stored, notes, findings, counted } = await load(c.file);
      const name = `${c.file}${c.sheet}`;
      expect(report.errors).toEqual([]);
      expect(report).toMatchObject({ status: 'loaded', layout: 'wide', encoding: c.encoding });
      expect(report.rowsRead).toBe(5);
      expect(stored).toEqual(FORM_ROWS);
      expect(notes).toEqual([{ unit_id: 'p89', note: 'Số liệu tạm tính' }]);
      expect(report.warnings.map((w) => [w.file, w.row, w.rule, w.column, w.value])).toEqual([
        [name, 17 + c.shift, 'total_mismatch', CCCD, '22000'],
        [name, 11 + c.shift, 'derived_mismatch', RATE, '55'],
      ]);
      // both kept with the batch, for the data-quality page: at their rows, without a unit
      expect(findings).toEqual([
        { rule: 'derived_mismatch', line: String(11 + c.shift), value: '55', unit_id: null },
        { rule: 'total_mismatch', line: String(17 + c.shift), value: '22000', unit_id: null },
      ]);
      expect(Number(counted)).toBe(2);
      expect(report.warnings[1].vi).toBe(
        `«${RATE}» ghi 55 nhưng «Trong đó: Số hồ sơ TTHC tiếp nhận trực tuyến» / «Số HS TTHC tiếp nhận» = 50%: kiểm tra lại số liệu`,
      );
      const s = c.shift;
      const notesByRule = (report.notes ?? []).map((n) => [n.rule, n.rows]);
      expect(notesByRule).toEqual([
        ...(c.sheet ? [['skipped_hidden_sheet', []]] : []),
        ['header_rows', [6, 7]],
        ['skipped_title', [1, 2, 4, 5]],
        ['skipped_column_numbers', [8 + s]],
        ['skipped_group', [9 + s, 13 + s]],
        ['skipped_total', [12 + s, 17 + s, 18 + s]],
        ['skipped_signature', [20 + s, 21 + s, 22 + s, 24 + s]],
        ['period_from_title', []],
        ['derived_checked', []],
      ]);
      const period = report.notes?.find((n) => n.rule === 'period_from_title');
      expect(period?.vi).toBe(
        'kỳ báo cáo 2024-07 lấy từ tiêu đề "BÁO CÁO KẾT QUẢ TRIỂN KHAI ĐỀ ÁN 06 THÁNG 7/2024" (không có --period)',
      );
    });
  }

  it('refuses a --period that the title contradicts, naming both', async () => {
    const { report } = await load('form-2024-07.xlsx', { period: 'Tháng 8/2024' });
    expect(report.status).toBe('rejected');
    expect(report.errors).toEqual([
      {
        file: 'form-2024-07.xlsx[Báo cáo]',
        row: null,
        column: null,
        value: '2024-08',
        rule: 'period',
        message:
          '--period 2024-08 but the title says 2024-07: give the period the figures are for, or leave --period out',
        vi: '--period 2024-08 nhưng tiêu đề ghi kỳ 2024-07: sửa --period cho đúng kỳ của số liệu, hoặc bỏ --period',
        severity: 'error',
      },
    ]);
  });

  it('skips the rows asked (--skip-rows): the totals then disagree, and say so', async () => {
    const { report, stored } = await load('form-2024-07.xlsx', { skipRows: [16] });
    expect(stored).toEqual(FORM_ROWS.filter((r) => r[0] !== 'p96'));
    expect(report.notes?.find((n) => n.rule === 'skipped_asked')?.message).toBe(
      'rows skipped as asked (--skip-rows): row 16',
    );
    // the "Cộng" of group II and the "Tổng cộng" now miss Cà Mau in each of the four columns
    expect(report.warnings.filter((w) => w.rule === 'total_mismatch').map((w) => w.row)).toEqual([
      17, 17, 17, 17, 18, 18, 18, 18,
    ]);
  });
});

describe('workbooks of several sheets', () => {
  const MONTHS: Row[] = [
    ['p89', '2024-07', 'dossiers_online', 3000],
    ['p89', '2024-07', 'dossiers_received', 6000],
    ['p89', '2024-08', 'dossiers_online', 6000],
    ['p89', '2024-08', 'dossiers_received', 12000],
    ['p91', '2024-07', 'dossiers_online', 4000],
    ['p91', '2024-07', 'dossiers_received', 5000],
    ['p91', '2024-08', 'dossiers_online', 8000],
    ['p91', '2024-08', 'dossiers_received', 10000],
  ];

  it('reads every visible sheet, each its period from its name; hidden and chart sheets noted', async () => {
    const { report, stored } = await load('months-2024.xlsx');
    expect(report.errors).toEqual([]);
    expect(stored).toEqual(MONTHS);
    expect((report.notes ?? []).map((n) => [n.file, n.rule, n.message])).toEqual([
      [
        'months-2024.xlsx',
        'skipped_hidden_sheet',
        'hidden sheet(s) "DM_DonVi" skipped (--sheet reads one by name)',
      ],
      ['months-2024.xlsx', 'skipped_chart_sheet', 'chart sheet(s) "Biểu đồ" skipped'],
      ['months-2024.xlsx[T7-2024]', 'header_rows', 'header read from: row 3'],
      ['months-2024.xlsx[T7-2024]', 'skipped_title', 'title block skipped: row 1'],
      [
        'months-2024.xlsx[T7-2024]',
        'skipped_total',
        'total rows skipped (checked against their rows): row 6',
      ],
      ['months-2024.xlsx[T8-2024]', 'header_rows', 'header read from: row 3'],
      ['months-2024.xlsx[T8-2024]', 'skipped_title', 'title block skipped: row 1'],
      [
        'months-2024.xlsx[T8-2024]',
        'skipped_total',
        'total rows skipped (checked against their rows): row 6',
      ],
      [
        'months-2024.xlsx[T7-2024]',
        'period_from_sheet',
        'period 2024-07 taken from the sheet\'s name "T7-2024" (no --period given)',
      ],
      [
        'months-2024.xlsx[T8-2024]',
        'period_from_sheet',
        'period 2024-08 taken from the sheet\'s name "T8-2024" (no --period given)',
      ],
    ]);
  });

  it('reads the sheets asked for, a hidden one included when named', async () => {
    const one = await load('months-2024.xlsx', { sheets: ['T8-2024'] });
    expect(one.stored).toEqual(MONTHS.filter((r) => r[1] === '2024-08'));
    const hidden = await load('months-2024.xlsx', { sheets: ['T7-2024', 'DM_DonVi'] });
    expect(hidden.report.status).toBe('rejected');
    expect(hidden.report.errors.map((e) => [e.file, e.rule, e.message])).toEqual([
      ['months-2024.xlsx[DM_DonVi]', 'header', 'a wide file needs a period column or --period'],
    ]);
    const missing = await load('months-2024.xlsx', { sheets: ['T9-2024'] });
    expect(missing.report.errors.map((e) => e.message)).toEqual([
      'no sheet is named "T9-2024"; the workbook has "T7-2024", "T8-2024", "DM_DonVi"',
    ]);
  });
});

describe('columns an office names its own way', () => {
  const csv = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('lists the three closest metrics for a column it cannot match, then loads with a mapping', async () => {
    const path = csv(
      'unknown-column.csv',
      'BÁO CÁO THÁNG 7/2024\nSTT,Tên đơn vị,Số HS TTHC tiếp nhận,Số TK VNeID đã kích hoạt\n1,Kiên Giang,5000,100\n',
    );
    const refused = await load(path);
    expect(refused.report.errors).toEqual([
      {
        file: 'unknown-column.csv',
        row: 2,
        column: 'Số TK VNeID đã kích hoạt',
        value: 'Số TK VNeID đã kích hoạt',
        rule: 'unknown_metric',
        message:
          'column «Số TK VNeID đã kích hoạt» matches no metric. Closest: «Số tài khoản định danh điện tử đã kích hoạt» (vneid_activated), «Số tài khoản định danh điện tử mức 2 đã kích hoạt» (vneid_l2_activated), «Số hồ sơ trực tuyến nộp bằng tài khoản định danh điện tử» (dossiers_online_eid). Rename the column or use a mapping file (--mapping).',
        vi: 'Cột «Số TK VNeID đã kích hoạt» không khớp chỉ tiêu nào. Gần nhất: «Số tài khoản định danh điện tử đã kích hoạt» (vneid_activated), «Số tài khoản định danh điện tử mức 2 đã kích hoạt» (vneid_l2_activated), «Số hồ sơ trực tuyến nộp bằng tài khoản định danh điện tử» (dossiers_online_eid). Đổi tiêu đề cột hoặc dùng tệp ánh xạ (--mapping).',
        severity: 'error',
      },
    ]);
    const mapping = parseMapping('Số TK VNeID đã kích hoạt: vneid_activated\n');
    const loaded = await load(path, { mapping });
    expect(loaded.stored).toEqual([
      ['p91', '2024-07', 'dossiers_received', 5000],
      ['p91', '2024-07', 'vneid_activated', 100],
    ]);
  });

  it('leaves out a percentage whose parts are no known ratio, with a note', async () => {
    const path = csv(
      'rate-ignored.csv',
      'STT;Đơn vị;Số hồ sơ cấp CCCD đã thu nhận;Số thẻ CCCD đã cấp;Tỷ lệ %\n1;Kiên Giang;12345;11000;89,1\n',
    );
    const { report, stored } = await load(path, { period: '2024-07' });
    expect(report.errors).toEqual([]);
    expect(stored).toEqual([
      ['p91', '2024-07', 'cccd_applications', 12345],
      ['p91', '2024-07', 'cccd_issued', 11000],
    ]);
    expect(report.notes).toEqual([
      {
        file: 'rate-ignored.csv',
        rule: 'derived_ignored',
        rows: [],
        message:
          'column «Tỷ lệ %» is a derived percentage: not stored (the scoreboard computes it)',
        vi: 'cột «Tỷ lệ %» là tỷ lệ tính ra: không lưu (bảng điểm tự tính)',
      },
    ]);
  });

  it('takes --header-row where no header is recognised, with a mapping for its unit column', async () => {
    const path = csv(
      'header-row.csv',
      'Biểu 01\nSố liệu tổng hợp\nTỉnh thành,Số hồ sơ TTHC tiếp nhận\nKiên Giang,5000\nDòng nháp,1\n',
    );
    const refused = await load(path, { period: '2024-07' });
    expect(refused.report.status).toBe('rejected');
    const loaded = await load(path, {
      period: '2024-07',
      headerRow: 3,
      skipRows: [5],
      mapping: { 'Tỉnh thành': 'unit' },
    });
    expect(loaded.report.errors).toEqual([]);
    expect(loaded.stored).toEqual([['p91', '2024-07', 'dossiers_received', 5000]]);
    expect(loaded.report.notes?.map((n) => [n.rule, n.rows])).toEqual([
      ['header_rows', [3]],
      ['skipped_title', [1, 2]],
      ['skipped_asked', [5]],
    ]);
  });
});

describe('a mapping remembered per unit (core.column_mappings)', () => {
  it('saves a unit mapping whole, reads it back, and an ingest can use it', async () => {
    const db = await Database.open(freshDb());
    try {
      expect(await unitMapping(db, 'p91')).toBeUndefined();
      await saveUnitMapping(db, 'p91', { 'Mã ĐV': 'ignore', 'Tỉnh thành': 'unit' });
      await saveUnitMapping(db, 'p91', { 'Tỉnh thành': 'unit' }, 'officer@p91');
      const mapping = await unitMapping(db, 'p91');
      expect(mapping).toEqual({ 'Tỉnh thành': 'unit' });
      const path = join(dir, 'remembered.csv');
      writeFileSync(path, 'Tỉnh thành,Số hồ sơ TTHC tiếp nhận\nKiên Giang,5000\n');
      const report = await ingestFile(db, path, { period: '2024-07', mapping, dryRun: true });
      expect(report.errors).toEqual([]);
      expect(report.rowsRead).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe('JSON exported by an API', () => {
  it('reads the records under --record-path, keys mapped by the mapping file', async () => {
    const mapping = parseMapping(API_MAPPING);
    const { report, stored } = await load('api-export.json', { recordPath: 'data.items', mapping });
    expect(report.errors).toEqual([]);
    expect(stored).toEqual([
      ['p89', '2024-07', 'dossiers_online', 3000],
      ['p89', '2024-07', 'dossiers_received', 6000],
      ['p91', '2024-07', 'dossiers_online', 4000],
      ['p91', '2024-07', 'dossiers_received', 5000],
    ]);
  });

  it('says where a wrong record path stops, with the keys found there', async () => {
    const mapping = parseMapping(API_MAPPING);
    const { report } = await load('api-export.json', { recordPath: 'data.rows', mapping });
    expect(report.errors.map((e) => [e.rule, e.message])).toEqual([
      [
        'record_path',
        '--record-path data.rows: there is no "data.rows" (keys there: total, items)',
      ],
    ]);
  });
});

describe('the command line', () => {
  it('takes --sheet as a comma list, --skip-rows, --mapping and --record-path, and prints notes', async () => {
    const dbPath = freshDb();
    const io = bufferIo(dbPath);
    const code = await main(
      [
        'ingest',
        join(dir, 'months-2024.xlsx'),
        '--sheet',
        'T7-2024,T8-2024',
        '--skip-rows',
        '5',
        '--dry-run',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(io.stderr).toContain(
      'note: months-2024.xlsx[T7-2024]: rows skipped as asked (--skip-rows): row 5',
    );
    // one row of each sheet: row 5 of both is skipped
    expect(io.stdout.join('\n')).toMatch(/dry run: valid, nothing written — 2 rows read/);
    const mappingPath = join(dir, 'cli.mapping.yaml');
    writeFileSync(mappingPath, API_MAPPING);
    const json = bufferIo(dbPath);
    const jsonCode = await main(
      [
        'ingest',
        join(dir, 'api-export.json'),
        '--record-path',
        'data.items',
        '--mapping',
        mappingPath,
      ],
      json,
    );
    expect(json.stderr).toEqual([]);
    expect(jsonCode).toBe(0);
    const bad = bufferIo(dbPath);
    await expect(
      main(['ingest', join(dir, 'api-export.json'), '--skip-rows', '7-2'], bad),
    ).resolves.toBe(2);
  });
});

// DEPENDS ON H1 (issue 13 part A): "UBND tỉnh Kiên Giang" is read as Kiên Giang only once unit
// names lose their "UBND …" prefix. Until that lands this test fails with unknown_unit errors.
describe('a form naming its units "UBND tỉnh …" (needs H1 prefix stripping)', () => {
  it('loads the same figures as the plain form', async () => {
    const { report, stored } = await load('form-ubnd-2024-07.xlsx');
    expect(report.errors).toEqual([]);
    expect(stored).toEqual(FORM_ROWS);
  });
});
