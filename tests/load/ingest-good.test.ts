// The fixture corpus, good half: every file that office software really writes loads, each into
// a fresh copy of the same database, and stores exactly the figures it holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../pipelines/db/connect.ts';
import { ingestFile, type IngestOptions, type IngestReport } from '../../pipelines/load/ingest.ts';
import { fixture, makeTemplate, stored, type Template } from '../fixtures/ingest/harness.ts';

/** [unit_id, period, metric, value]; unit_code is the unit_id's code */
type Row = [string, string, string, number];

interface GoodCase {
  fixture: string;
  options?: IngestOptions;
  rows: Row[];
  report?: Partial<IngestReport>;
  /** extra checks on the database after the load */
  check?: (db: Database, report: IngestReport) => Promise<void>;
}

const codeOf = (unitId: string) => unitId.replace(/^[pdc]/, '').replace(/@.*$/, '');

/** The row number and note each figure was stored with. */
const linesAndNotes = (db: Database, batchId: string | null) =>
  db.all<{ unit_id: string; line: string; note: string | null }>(
    'select unit_id, line, note from core.observation_revisions where batch_id = $b order by line',
    { b: batchId ?? '' },
  );

const CASES: GoodCase[] = [
  // encodings
  {
    fixture: 'utf8-bom.csv',
    rows: [
      ['p01', '2024-07', 'population', 8500000],
      ['p79', '2024-07', 'population', 9400000],
    ],
    report: { encoding: 'utf-8' },
  },
  {
    fixture: 'utf16le-excel-unicode-text.txt',
    rows: [
      ['p01', '2024-07', 'dossiers_received', 123456],
      ['p79', '2024-07', 'dossiers_received', 1234567],
    ],
    report: { encoding: 'utf-16le', layout: 'long' },
  },
  {
    fixture: 'utf16be-bom.csv',
    rows: [['p91', '2024-07', 'population', 1800000]],
    report: { encoding: 'utf-16be' },
  },
  {
    fixture: 'utf16le-without-bom.csv',
    options: { encoding: 'utf-16le' },
    rows: [['p01', '2024-07', 'population', 8500000]],
    report: { encoding: 'utf-16le' },
  },
  {
    fixture: 'windows-1258-combining-tones.csv',
    rows: [
      ['p38', '2024-Q3', 'vneid_activated', 2345678],
      ['p56', '2024-Q3', 'vneid_activated', 1012345],
    ],
    report: { encoding: 'windows-1258' },
    check: async (db, r) => {
      const notes = (await linesAndNotes(db, r.batchId)).map((n) => n.note);
      expect(notes).toEqual(['Số liệu của Công an tỉnh', 'Đã đối chiếu với Bộ Công an']);
      for (const note of notes) expect(note).toBe(note?.normalize('NFC'));
    },
  },
  {
    fixture: 'nfd-unit-names.csv',
    rows: [
      ['p38', '2024-07', 'population', 3700000],
      ['p56', '2024-07', 'population', 1250000],
      ['p79', '2024-07', 'population', 9400000],
    ],
    check: async (db, r) => {
      const [first] = await linesAndNotes(db, r.batchId);
      expect(first.note).toBe('Dân số ước tính'.normalize('NFC'));
      expect(first.note?.length).toBe(15);
    },
  },

  // delimiters and number conventions
  {
    fixture: 'dot-thousands.csv',
    rows: [
      ['p01', '2024-07', 'cccd_eligible', 6543210],
      ['p01', '2024-07', 'cccd_issued', 6012345],
      ['p79', '2024-07', 'tthc_total', 1234],
    ],
  },
  {
    fixture: 'comma-thousands.csv',
    rows: [
      ['p01', '2024-07', 'cccd_eligible', 6543210],
      ['p01', '2024-07', 'cccd_issued', 6012345],
      ['p79', '2024-07', 'tthc_total', 1234],
    ],
  },
  {
    fixture: 'semicolon-decimal-comma.csv',
    rows: [
      ['p01', '2024-08', 'payments_online', 987654],
      ['p01', '2024-08', 'payments_total', 1234567],
      ['p91', '2024-08', 'payments_online', 7],
      ['p91', '2024-08', 'payments_total', 12],
    ],
    report: { layout: 'wide', rowsRead: 2 },
  },
  {
    fixture: 'semicolon-label-with-comma.csv',
    options: { period: 'Tháng 8/2024' },
    rows: [
      ['p01', '2024-08', 'payments_total', 1234567],
      ['p91', '2024-08', 'payments_total', 45678],
    ],
    report: { layout: 'wide' },
  },
  {
    fixture: 'dash-missing-values.csv',
    rows: [
      ['p01', '2024-07', 'cccd_eligible', 6543210],
      ['p79', '2024-07', 'cccd_eligible', 7123456],
    ],
    report: { rowsRead: 5, rowsNew: 2, rowsMissing: 3 },
  },

  // layouts
  {
    fixture: 'wide-by-metric-id.csv',
    rows: [
      ['p01', '2024-07', 'cccd_eligible', 6543210],
      ['p01', '2024-07', 'cccd_issued', 6012345],
      ['p01', '2024-07', 'vneid_activated', 4100000],
      ['p79', '2024-07', 'cccd_eligible', 7123456],
      ['p79', '2024-07', 'vneid_activated', 5000000],
    ],
    report: { layout: 'wide', rowsRead: 2, rowsNew: 5, rowsMissing: 1 },
  },
  {
    fixture: 'wide-by-vietnamese-label.csv',
    rows: [
      ['p01', '2024-07', 'cccd_eligible', 6543210],
      ['p01', '2024-07', 'cccd_issued', 6012345],
      ['p38', '2024-07', 'cccd_eligible', 2900000],
      ['p38', '2024-07', 'cccd_issued', 2800000],
    ],
    report: { layout: 'wide' },
  },
  {
    fixture: 'wide-with-period-flag.csv',
    // "900.000" reads as 900000 or 900: only the declared thousands mark may decide it
    options: { period: 'Quý III/2024', thousands: '.' },
    rows: [
      ['p01', '2024-Q3', 'cccd_issued', 6012345],
      ['p01', '2024-Q3', 'vneid_activated', 4100000],
      ['p91', '2024-Q3', 'cccd_issued', 1300000],
      ['p91', '2024-Q3', 'vneid_activated', 900000],
    ],
  },

  // periods
  {
    // counts written the Vietnamese way: a count cannot be 1.234 or 2.5 (issue 13)
    fixture: 'ambiguous-thousands-only.csv',
    rows: [
      ['p01', '2024-07', 'tthc_total', 1234],
      ['p79', '2024-07', 'tthc_total', 2500],
      ['p91', '2024-07', 'tthc_total', 987],
    ],
  },
  {
    fixture: 'vietnamese-periods.csv',
    // "40.000" and "13.000" read two ways 1000× apart: refused unless the mark is declared
    options: { thousands: '.' },
    rows: [
      ['p01', '2024', 'dossiers_received', 1150000],
      ['p01', '2024-07', 'dossiers_received', 12345],
      ['p01', '2024-08', 'dossiers_received', 13000],
      ['p01', '2024-Q3', 'dossiers_received', 40000],
    ],
  },
  {
    fixture: 'snapshot-dates.csv',
    rows: [
      ['p01', '2024-07-19', 'vneid_activated', 4100000],
      ['p01', '2024-08-19', 'vneid_activated', 4250000],
      ['p01', '2024-09-05', 'vneid_activated', 4300000],
    ],
  },

  // units across the reform
  {
    fixture: 'code-91-before-and-after-reform.csv',
    rows: [
      ['p91', '2024-06', 'vneid_activated', 1200000],
      ['p91', '2025-Q2', 'vneid_activated', 1300000],
      ['p91@2025-07-01', '2026-01', 'vneid_activated', 3100000],
    ],
  },
  {
    fixture: 'unit-names-without-prefix.csv',
    rows: [
      ['d001', '2024-07', 'population', 250000],
      ['p01', '2024-07', 'population', 8500000],
      ['p79', '2024-07', 'population', 9400000],
      ['p91', '2024-07', 'population', 1800000],
    ],
  },
  {
    fixture: 'commune-codes-across-reform.csv',
    rows: [
      ['c00001', '2024-07', 'population', 12000],
      ['c00004@2025-07-01', '2026-01', 'population', 65000],
    ],
  },

  // duplicates, row numbers, warnings
  {
    fixture: 'identical-duplicates.csv',
    rows: [
      ['p01', '2024-07', 'dossiers_received', 1000],
      ['p79', '2024-07', 'dossiers_received', 2000],
    ],
    report: {
      rowsRead: 3,
      rowsNew: 2,
      warningCount: 1,
      warnings: [
        {
          file: 'identical-duplicates.csv',
          row: 3,
          column: 'value',
          value: '1000',
          rule: 'duplicate',
          message: 'the same figure appears on rows 2, 3',
          severity: 'warning',
        },
      ],
    },
  },
  {
    fixture: 'excel-trailing-empty-rows.csv',
    rows: [['p01', '2024-07', 'population', 8500000]],
    report: { rowsRead: 1 },
  },
  {
    fixture: 'blank-lines-and-multiline-notes.csv',
    rows: [
      ['p01', '2024-07', 'population', 8500000],
      ['p79', '2024-07', 'population', 9400000],
    ],
    check: async (db, r) => {
      expect(await linesAndNotes(db, r.batchId)).toEqual([
        { unit_id: 'p01', line: '2', note: 'dòng 1\r\ndòng 2' },
        { unit_id: 'p79', line: '5', note: null },
      ]);
    },
  },
  {
    fixture: 'mixed-line-endings.csv',
    rows: [
      ['p01', '2024-07', 'population', 8500000],
      ['p79', '2024-07', 'population', 9400000],
      ['p91', '2024-07', 'population', 1800000],
    ],
    check: async (db, r) => {
      const lines = (await linesAndNotes(db, r.batchId)).map((l) => [l.unit_id, l.line]);
      expect(lines).toEqual([
        ['p01', '2'],
        ['p79', '3'],
        ['p91', '5'],
      ]);
    },
  },
  {
    fixture: 'numerator-above-denominator.csv',
    rows: [
      ['p01', '2024-07', 'cccd_eligible', 6000000],
      ['p01', '2024-07', 'cccd_issued', 6100000],
    ],
    report: {
      warningCount: 1,
      warnings: [
        {
          file: 'numerator-above-denominator.csv',
          row: 3,
          column: 'value',
          value: '6.100.000',
          rule: 'numerator_above_denominator',
          message:
            'cccd_issued 6100000 is above cccd_eligible 6000000 for 01 2024-07 (cccd_coverage)',
          severity: 'warning',
        },
      ],
    },
    check: async (db, r) => {
      const findings = await db.all(
        `select batch_id, unit_id, period, metric, rule, severity, message, value, line
         from core.quality_findings order by all`,
      );
      expect(findings).toEqual([
        {
          batch_id: r.batchId,
          unit_id: 'p01',
          period: '2024-07',
          metric: 'cccd_issued',
          rule: 'numerator_above_denominator',
          severity: 'warning',
          message:
            'cccd_issued 6100000 is above cccd_eligible 6000000 for 01 2024-07 (cccd_coverage)',
          value: '6.100.000',
          line: '3',
        },
      ]);
    },
  },

  // JSON records: the row stored is the record's number
  {
    fixture: 'json-long-records.json',
    rows: [
      ['p01', '2024-07', 'cccd_issued', 6012345],
      ['p91', '2024-07', 'cccd_issued', 1300000],
    ],
    report: { layout: 'json', rowsRead: 3, rowsMissing: 1 },
    check: async (db, r) => {
      expect(await linesAndNotes(db, r.batchId)).toEqual([
        { unit_id: 'p01', line: '1', note: null },
        { unit_id: 'p91', line: '2', note: 'số liệu sơ bộ' },
      ]);
    },
  },

  // workbooks: every sheet in one batch, rows are the sheets' own
  {
    fixture: 'xlsx-two-sheets.xlsx',
    rows: [
      ['p01', '2024-07', 'cccd_issued', 6012345],
      ['p56', '2024-07', 'cccd_eligible', 1000000],
      ['p56', '2024-07', 'cccd_issued', 900000],
      ['p79', '2024-07', 'cccd_issued', 6012346],
      ['p91', '2024-07', 'cccd_issued', 1300000],
    ],
    report: { encoding: 'xlsx', rowsRead: 4, file: 'xlsx-two-sheets.xlsx' },
    check: async (db, r) => {
      // a row is its sheet and its line: both sheets have a row 2
      const lines = await db.values(
        `select unit_id, line::integer as line, sheet from core.observation_revisions
         where batch_id = $b order by line, unit_id`,
        { b: r.batchId ?? '' },
      );
      expect(lines).toEqual([
        { unit_id: 'p01', line: 2, sheet: 'Dài' },
        { unit_id: 'p56', line: 2, sheet: 'Rộng' },
        { unit_id: 'p56', line: 2, sheet: 'Rộng' },
        { unit_id: 'p79', line: 3, sheet: 'Dài' },
        { unit_id: 'p91', line: 4, sheet: 'Dài' },
      ]);
    },
  },
  {
    fixture: 'xlsx-two-sheets.xlsx',
    options: { sheet: 'Rộng' },
    rows: [
      ['p56', '2024-07', 'cccd_eligible', 1000000],
      ['p56', '2024-07', 'cccd_issued', 900000],
    ],
    report: { layout: 'wide', rowsRead: 1, file: 'xlsx-two-sheets.xlsx[Rộng]' },
    check: async (db, r) => {
      const [batch] = await db.all<{ file_name: string }>(
        'select file_name from core.batches where batch_id = $b',
        { b: r.batchId ?? '' },
      );
      expect(batch.file_name).toBe('xlsx-two-sheets.xlsx[Rộng]');
    },
  },
  {
    fixture: 'xlsx-date-period-cells.xlsx',
    rows: [
      ['p01', '2024-07', 'vneid_activated', 4100000],
      ['p01', '2024-08-19', 'vneid_activated', 4250000],
    ],
  },
  // a merged title row above the header ("BÁO CÁO … THÁNG 7/2024") is found and skipped:
  // the header is row 2, the figure row 3
  {
    fixture: 'xlsx-merged-header.xlsx',
    rows: [['p01', '2024-07', 'population', 8500000]],
    report: { encoding: 'xlsx', rowsRead: 1 },
    check: async (db, r) => {
      const lines = await db.values(
        `select unit_id, line::integer as line, sheet from core.observation_revisions
         where batch_id = $b`,
        { b: r.batchId ?? '' },
      );
      expect(lines).toEqual([{ unit_id: 'p01', line: 3, sheet: 'Báo cáo' }]);
    },
  },
];

describe('ingest loads every good fixture with exactly its figures', () => {
  let template: Template;
  beforeAll(async () => {
    template = await makeTemplate();
  });
  afterAll(() => template.cleanup());

  CASES.forEach((c, i) => {
    const title = `${c.fixture}${c.options ? ` ${JSON.stringify(c.options)}` : ''}`;
    it(title, async () => {
      const db = await template.copy(`good-${i}`);
      try {
        const report = await ingestFile(db, fixture(c.fixture), c.options);
        expect(report.errors).toEqual([]);
        expect(report).toMatchObject({
          status: 'loaded',
          rowsNew: c.rows.length,
          rowsRevised: 0,
          rowsUnchanged: 0,
          ...c.report,
        });
        if (!c.report?.warnings) expect(report.warnings).toEqual([]);
        expect(await stored(db, report.batchId)).toEqual(
          c.rows.map(([unit_id, period, metric, value]) => ({
            unit_id,
            unit_code: codeOf(unit_id),
            period,
            metric,
            value,
          })),
        );
        await c.check?.(db, report);
      } finally {
        db.close();
      }
    });
  });
});
