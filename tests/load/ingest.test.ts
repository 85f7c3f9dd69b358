// The fixture corpus, bad half: every file that must be refused names each problem exactly
// (file, row, column, value, rule, message) and leaves the database as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../pipelines/db/connect.ts';
import { ingestFile, type IngestOptions } from '../../pipelines/load/ingest.ts';
import {
  dump,
  fixture,
  FIXTURES,
  makeTemplate,
  type Template,
} from '../fixtures/ingest/harness.ts';

/** [row, column, value, rule, message]; the file is the fixture's unless the case says so */
type Expected = [number | null, string | null, string | null, string, string | RegExp];

interface BadCase {
  fixture: string;
  options?: IngestOptions;
  /** the name problems carry (a workbook's sheet) */
  file?: string;
  errors: Expected[];
}

const CASES: BadCase[] = [
  // encodings and files that are not tables
  {
    fixture: 'utf8-damaged-bytes.csv',
    errors: [
      [
        null,
        null,
        null,
        'encoding',
        'not valid UTF-8 at line 3 (byte 0xEA), although the rest reads as UTF-8; give the encoding with --encoding',
      ],
    ],
  },
  {
    fixture: 'utf16le-without-bom.csv',
    errors: [
      [
        null,
        null,
        null,
        'binary',
        'the file is binary, not text (control character U+0000 at character 2); if it is UTF-16LE without a BOM, give --encoding utf-16le',
      ],
    ],
  },
  {
    fixture: 'binary-junk.bin',
    errors: [
      [
        null,
        null,
        null,
        'binary',
        'the file is binary, not text (control character U+0014 at character 4)',
      ],
    ],
  },
  {
    fixture: 'legacy-excel-97.xls',
    errors: [
      [
        null,
        null,
        null,
        'format',
        'an Excel 97–2003 workbook (.xls) cannot be read: save it as .xlsx or CSV',
      ],
    ],
  },
  { fixture: 'empty.csv', errors: [[null, null, null, 'empty_file', 'the file is empty']] },
  {
    fixture: 'header-only.csv',
    errors: [[null, null, null, 'no_rows', 'the file has a header but no rows']],
  },
  {
    fixture: 'blank-first-line.csv',
    errors: [[null, null, null, 'header', 'the first line is empty: the header must be line 1']],
  },

  // CSV structure
  {
    fixture: 'unterminated-quote.csv',
    errors: [
      [
        3,
        'value',
        '79,2024-07,population,"9000000',
        'csv_unquoted_value',
        'Value with unterminated quote found.',
      ],
    ],
  },
  {
    fixture: 'too-many-columns.csv',
    errors: [
      [
        3,
        null,
        '01,2024-08,population,8,510,000',
        'csv_too_many_columns',
        'Expected Number of Columns: 4 Found: 5',
      ],
    ],
  },
  {
    fixture: 'too-few-columns.csv',
    errors: [
      [
        2,
        'value',
        '01,2024-07,population',
        'csv_missing_columns',
        'Expected Number of Columns: 4 Found: 3',
      ],
    ],
  },
  {
    fixture: 'bad-row-after-multiline-note.csv',
    errors: [[6, 'value', 'nine million', 'not_a_number', 'not a number "nine million"']],
  },

  // headers
  {
    fixture: 'duplicate-header.csv',
    errors: [[1, 'Value', 'Value', 'header', 'column Value appears twice']],
  },
  {
    fixture: 'long-unknown-column.csv',
    errors: [
      // STT (the row number) is a column offices always write: it is ignored, not refused
      [1, 'value', null, 'header', 'missing column value'],
      [
        1,
        'amount',
        'amount',
        'header',
        'column amount is not one of unit_code, unit_name, period, metric, value, reported_at, note',
      ],
    ],
  },
  {
    fixture: 'wide-unknown-column.csv',
    errors: [
      [
        1,
        'Số hộ nghèo',
        'Số hộ nghèo',
        'unknown_metric',
        'column «Số hộ nghèo» matches no metric. Closest: «Dân số» (population), «Tổng số xã, phường, thị trấn» (communes_total), «Số giao dịch của công dân số» (digital_citizen_transactions). Rename the column or use a mapping file (--mapping).',
      ],
    ],
  },
  {
    fixture: 'wide-duplicate-metric-columns.csv',
    errors: [
      [1, 'Dân số', 'Dân số', 'header', 'columns population and Dân số both hold population'],
    ],
  },
  {
    fixture: 'wide-with-period-flag.csv',
    errors: [[1, null, null, 'header', 'a wide file needs a period column or --period']],
  },
  {
    fixture: 'wide-by-metric-id.csv',
    options: { period: 'Tháng 13/2024' },
    errors: [[null, null, 'Tháng 13/2024', 'period', 'unreadable --period "Tháng 13/2024"']],
  },

  // numbers
  {
    fixture: 'mixed-conventions.csv',
    errors: [
      [
        4,
        'value',
        '7,123,456',
        'convention_mismatch',
        'number "7,123,456" reads only as 7123456, but this file groups thousands with "."',
      ],
    ],
  },
  {
    fixture: 'tied-conventions.csv',
    errors: [
      [
        2,
        'value',
        '6.543.210',
        'mixed_convention',
        'cannot tell how this file writes numbers: "6.543.210" reads only as 6543210 (thousands ".", decimals ","), but as many values read only the other way',
      ],
      [
        3,
        'value',
        '7,123,456',
        'mixed_convention',
        'cannot tell how this file writes numbers: "7,123,456" reads only as 7123456 (thousands ",", decimals "."), but as many values read only the other way',
      ],
    ],
  },
  {
    fixture: 'percent-in-count.csv',
    errors: [[3, 'value', '85,5%', 'count', 'a count cannot be a percentage']],
  },
  {
    fixture: 'negative-count.csv',
    errors: [
      [2, 'value', '-120', 'count', 'a count cannot be negative'],
      [3, 'value', '−5', 'count', 'a count cannot be negative'],
    ],
  },
  {
    fixture: 'fractional-count.csv',
    errors: [[2, 'value', '1.234,5', 'count', 'a count must be a whole number']],
  },
  {
    fixture: 'formula-text.csv',
    errors: [
      [2, 'value', '=1+1', 'formula', 'formula instead of a value "=1+1"'],
      [3, 'value', '=SUM(D2:D3)', 'formula', 'formula instead of a value "=SUM(D2:D3)"'],
    ],
  },
  {
    fixture: 'text-in-number.csv',
    errors: [
      [2, 'value', '1.234 hồ sơ', 'not_a_number', 'not a number "1.234 hồ sơ"'],
      [3, 'value', 'N/A', 'not_a_number', 'not a number "N/A"'],
    ],
  },
  {
    fixture: 'number-too-large.csv',
    errors: [
      [
        3,
        'value',
        '9007199254740993',
        'out_of_range',
        'number too large to hold exactly "9007199254740993"',
      ],
      [
        4,
        'value',
        '123456789012345678',
        'out_of_range',
        'number too large to hold exactly "123456789012345678"',
      ],
    ],
  },
  {
    fixture: 'wide-text-in-metric-column.csv',
    errors: [
      [2, 'Số thẻ CCCD đã cấp', 'chưa báo cáo', 'not_a_number', 'not a number "chưa báo cáo"'],
      [3, 'Số thẻ CCCD đã cấp', '=C3*0.9', 'formula', 'formula instead of a value "=C3*0.9"'],
    ],
  },

  // periods and metrics
  {
    fixture: 'unreadable-periods.csv',
    errors: [
      [2, 'period', 'Tháng 13/2024', 'period', 'unreadable period "Tháng 13/2024"'],
      [3, 'period', 'Quý V/2024', 'period', 'unreadable period "Quý V/2024"'],
      [4, 'period', null, 'period', 'period is empty'],
      [5, 'period', 'sometime', 'period', 'unreadable period "sometime"'],
    ],
  },
  {
    fixture: 'unknown-metric.csv',
    errors: [
      [2, 'metric', 'vneid_activ', 'unknown_metric', 'unknown metric: vneid_activ'],
      [3, 'metric', null, 'unknown_metric', 'metric is empty'],
    ],
  },

  // units
  {
    fixture: 'unknown-unit-name.csv',
    errors: [
      [
        2,
        'unit_name',
        'Tỉnh Atlantis',
        'unknown_unit',
        'no unit is named "Tỉnh Atlantis" on 2024-07-31',
      ],
    ],
  },
  {
    fixture: 'ambiguous-unit-name.csv',
    errors: [
      [
        2,
        'unit_name',
        'Huyện Chợ Mới',
        'ambiguous_unit',
        'unit name "Huyện Chợ Mới" is ambiguous on 2024-07-31: Huyện Chợ Mới (Tỉnh Bắc Kạn) [065]; Huyện Chợ Mới (Tỉnh An Giang) [893]; give unit_code, or --parent (the province or district the file is about), or --level',
      ],
      [
        3,
        'unit_name',
        'Khánh Hòa',
        'ambiguous_unit',
        'unit name "Khánh Hòa" is ambiguous on 2024-07-31: Xã Khánh Hoà (Huyện Lục Yên, Tỉnh Yên Bái) [04342]; Xã Khánh Hòa (Huyện Yên Khánh, Tỉnh Ninh Bình) [14569]; Xã Khánh Hòa (Huyện Châu Phú, Tỉnh An Giang) [30466]; Phường Khánh Hòa (Thị xã Vĩnh Châu, Tỉnh Sóc Trăng) [31789]; Xã Khánh Hòa (Huyện U Minh, Tỉnh Cà Mau) [32047]; Tỉnh Khánh Hòa [56]; give unit_code, or --parent (the province or district the file is about), or --level',
      ],
    ],
  },
  {
    fixture: 'unknown-unit-code.csv',
    errors: [[2, 'unit_code', '12345678', 'unknown_unit', 'no unit has code 12345678']],
  },
  {
    fixture: 'leading-zero-lost.csv',
    errors: [
      [
        2,
        'unit_code',
        '1',
        'unknown_unit',
        'no unit has code 1 (a leading zero lost? 01 is Thành phố Hà Nội; 001 is Quận Ba Đình; 00001 is Phường Phúc Xá)',
      ],
    ],
  },
  {
    fixture: 'blank-unit.csv',
    errors: [[2, 'unit_code', null, 'unit', 'no unit_code or unit_name']],
  },
  {
    fixture: 'dead-code-77-in-2026.csv',
    errors: [
      [
        2,
        'unit_code',
        '77',
        'dead_code',
        'code 77 names no unit on 2026-01-31; it named Tỉnh Bà Rịa - Vũng Tàu until 2025-06-30, merged into Thành phố Hồ Chí Minh (code 79) on 2025-07-01',
      ],
    ],
  },
  {
    fixture: 'name-code-mismatch.csv',
    errors: [
      [
        3,
        'unit_name',
        'Tỉnh Kiên Giang',
        'unit_mismatch',
        'unit_code 91 is Tỉnh An Giang on 2026-01-31, but unit_name says "Tỉnh Kiên Giang"',
      ],
    ],
  },
  {
    fixture: 'conflicting-duplicates.csv',
    errors: [
      [
        4,
        'value',
        '1000 / 1200',
        'conflicting_duplicate',
        'the same unit, period and metric appear on rows 2, 4 with different values',
      ],
    ],
  },

  // JSON: a problem's row is the record's number
  {
    fixture: 'json-not-array.json',
    errors: [
      [
        null,
        null,
        null,
        'json',
        'expected an array of records ({"unit_code", "period", "metric", "value"}), found object',
      ],
    ],
  },
  { fixture: 'json-invalid.json', errors: [[null, null, null, 'json', /^not JSON: /]] },
  {
    fixture: 'json-bad-record-shapes.json',
    errors: [
      [2, null, '"01,2024-07,population,1"', 'json', 'record 2 is not an object'],
      [
        3,
        'unit',
        null,
        'header',
        'unknown field unit (expected unit_code, unit_name, period, metric, value, reported_at, note)',
      ],
      [4, 'value', null, 'required', 'record 4 has no value (use null for a missing value)'],
      [5, 'value', '{"n":1}', 'json', 'value must be a string, a number or null'],
    ],
  },
  {
    fixture: 'json-unknown-metric-in-record-3.json',
    errors: [[3, 'metric', 'dan_so', 'unknown_metric', 'unknown metric: dan_so']],
  },

  // workbooks: rows are the sheet's, the file names the sheet
  {
    fixture: 'xlsx-two-row-header.xlsx',
    file: 'xlsx-two-row-header.xlsx[Sheet1]',
    // the two header rows are read as one ("group | leaf"); neither leaf ("Đủ điều kiện",
    // "Đã cấp") is a metric's label by itself, so no guess is made: the closest are named
    errors: [
      [1, null, null, 'header', 'a wide file needs a period column or --period'],
      [
        1,
        'Căn cước công dân | Đủ điều kiện',
        'Căn cước công dân | Đủ điều kiện',
        'unknown_metric',
        'column «Căn cước công dân | Đủ điều kiện» matches no metric. Closest: «Số công dân đủ điều kiện cấp CCCD» (cccd_eligible), «Số thẻ CCCD đã cấp» (cccd_issued), «Số dịch vụ công trực tuyến đủ điều kiện» (dvc_online). Rename the column or use a mapping file (--mapping).',
      ],
      [
        1,
        'Căn cước công dân | Đã cấp',
        'Căn cước công dân | Đã cấp',
        'unknown_metric',
        'column «Căn cước công dân | Đã cấp» matches no metric. Closest: «Số thẻ CCCD đã cấp» (cccd_issued), «Số hồ sơ cấp CCCD đã thu nhận» (cccd_applications), «Số công dân đủ điều kiện cấp CCCD» (cccd_eligible). Rename the column or use a mapping file (--mapping).',
      ],
    ],
  },
  {
    fixture: 'xlsx-empty-header-cell.xlsx',
    file: 'xlsx-empty-header-cell.xlsx[Sheet1]',
    errors: [[1, 'E', null, 'header', 'column E has no name']],
  },
  {
    fixture: 'xlsx-formula-without-result.xlsx',
    file: 'xlsx-formula-without-result.xlsx[Sheet1]',
    errors: [[3, 'value', '=D2*0.8', 'formula', 'formula instead of a value "=D2*0.8"']],
  },
  {
    fixture: 'xlsx-percent-cells.xlsx',
    file: 'xlsx-percent-cells.xlsx[Sheet1]',
    errors: [[3, 'value', '85.5%', 'count', 'a count cannot be a percentage']],
  },
  {
    fixture: 'xlsx-merged-data-cells.xlsx',
    file: 'xlsx-merged-data-cells.xlsx[Sheet1]',
    errors: [
      [
        3,
        'unit_code',
        '01',
        'merged_cell',
        'cell A3 is merged with A2: each cell must hold its own value',
      ],
    ],
  },
  {
    fixture: 'xlsx-all-sheets-empty.xlsx',
    errors: [[null, null, null, 'empty_file', 'every sheet of the workbook is empty']],
  },
  {
    fixture: 'xlsx-not-a-zip.xlsx',
    errors: [[null, null, null, 'xlsx', /^not a readable \.xlsx workbook: /]],
  },
  {
    fixture: 'xlsx-two-sheets.xlsx',
    options: { sheet: 'Tổng hợp' },
    errors: [
      [
        null,
        null,
        'Tổng hợp',
        'sheet',
        'no sheet is named "Tổng hợp"; the workbook has "Dài", "Rộng", "Ghi chú"',
      ],
    ],
  },
];

describe('ingest refuses every bad fixture, naming each problem, and loads nothing', () => {
  let template: Template;
  let db: Database;
  beforeAll(async () => {
    template = await makeTemplate();
    db = await template.copy('bad');
  });
  afterAll(() => {
    db.close();
    template.cleanup();
  });

  it('has a case for every bad fixture, each named once', () => {
    const names = CASES.filter((c) => !c.options).map((c) => c.fixture);
    expect(new Set(names).size).toBe(names.length);
  });

  it('leaves no fixture of the corpus untested', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const tests = readdirSync(here)
      .filter((f) => /^ingest.*\.test\.ts$/.test(f))
      .map((f) => readFileSync(join(here, f), 'utf8'))
      .join('\n');
    const untested = readdirSync(FIXTURES).filter(
      (f) => !/\.(ts|md)$/.test(f) && !tests.includes(`'${f}'`),
    );
    expect(untested).toEqual([]);
  });

  for (const c of CASES) {
    const title = `${c.fixture}${c.options ? ` ${JSON.stringify(c.options)}` : ''}`;
    it(title, async () => {
      const before = await dump(db);
      const report = await ingestFile(db, fixture(c.fixture), c.options);
      const file = c.file ?? c.fixture;
      // the Vietnamese words are checked where they are written (tests/normalize, context-*)
      expect(report.errors.map(({ vi: _vi, ...p }) => p)).toEqual(
        c.errors.map(([row, column, value, rule, message]) => ({
          file,
          row,
          column,
          value,
          rule,
          message: typeof message === 'string' ? message : expect.stringMatching(message),
          severity: 'error',
        })),
      );
      expect(report).toMatchObject({
        status: 'rejected',
        batchId: null,
        errorCount: c.errors.length,
        rowsNew: 0,
        rowsRevised: 0,
      });
      expect(await dump(db)).toEqual(before);
    });
  }
});
