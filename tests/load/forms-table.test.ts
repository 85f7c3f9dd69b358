// Finding the table in an office form, pure: grids in, header, data rows, notes and total checks
// out; the labels an office writes; the period its title or sheet states; the override lists.
import { describe, expect, it } from 'vitest';
import { textGrid, type Grid } from '../../pipelines/read/grid.ts';
import { decode } from '../../pipelines/read/decode.ts';
import { labelKey, metricKeys, roleOf } from '../../pipelines/load/labels.ts';
import { parseMapping, parseRowList } from '../../pipelines/load/mapping.ts';
import { findTable, formNumber, rowList, statedPeriod } from '../../pipelines/load/table.ts';
import { encodeWindows1258, formRows } from '../fixtures/forms/make.ts';

const grid = (rows: Array<Array<string | number | null>>): Grid => ({
  file: 'f.csv',
  rows: rows
    .map((r, i) => ({
      number: i + 1,
      cells: r.map((c) => (c === null || c === '' ? null : String(c))),
    }))
    .filter((r) => r.cells.some((c) => c !== null)),
  width: Math.max(...rows.map((r) => r.length)),
  columnLetters: false,
});

describe('findTable on the standard form', () => {
  const table = findTable(grid(formRows()));

  it('joins the two header rows into one label per column, group first', () => {
    expect(table.headerRows).toEqual([6, 7]);
    expect(table.header).toEqual([
      'STT',
      'Đơn vị',
      'Căn cước công dân | Số hồ sơ cấp CCCD đã thu nhận (hồ sơ)',
      'Căn cước công dân | Số thẻ CCCD đã cấp (thẻ)',
      'Hồ sơ thủ tục hành chính | Số HS TTHC tiếp nhận',
      'Hồ sơ thủ tục hành chính | Trong đó: Số hồ sơ TTHC tiếp nhận trực tuyến',
      'Hồ sơ thủ tục hành chính | Tỷ lệ (%)',
      'Ghi chú',
    ]);
  });

  it('keeps the five data rows and says what it skipped, by kind and row', () => {
    expect(table.rows.map((r) => [r.number, r.values[1]])).toEqual([
      [10, 'Kiên Giang'],
      [11, 'An Giang'],
      [14, 'Cần Thơ'],
      [15, 'Hậu Giang'],
      [16, 'Cà Mau'],
    ]);
    expect(table.notes.map((n) => [n.rule, n.rows])).toEqual([
      ['header_rows', [6, 7]],
      ['skipped_title', [1, 2, 4, 5]],
      ['skipped_column_numbers', [8]],
      ['skipped_group', [9, 13]],
      ['skipped_total', [12, 17, 18]],
      ['skipped_signature', [20, 21, 22, 24]],
    ]);
    expect(table.notes[4].vi).toBe('bỏ qua các dòng tổng (đã đối chiếu): dòng 12, 17–18');
    expect(table.plain).toBe(false);
  });

  it('checks each total against the rows it totals: one warning for the wrong "Cộng"', () => {
    expect(table.warnings).toEqual([
      {
        file: 'f.csv',
        row: 17,
        column: 'Căn cước công dân | Số hồ sơ cấp CCCD đã thu nhận (hồ sơ)',
        value: '22000',
        rule: 'total_mismatch',
        message:
          'row 17 "Cộng" says 22000 in column «Căn cước công dân | Số hồ sơ cấp CCCD đã thu nhận (hồ sơ)», but rows 14–16 add up to 21000: check the total row or the figures',
        vi: 'Dòng 17 «Cộng» ghi 22000 ở cột «Căn cước công dân | Số hồ sơ cấp CCCD đã thu nhận (hồ sơ)», nhưng cộng các dòng 14–16 được 21000: kiểm tra lại dòng tổng hoặc số liệu',
        severity: 'warning',
      },
    ]);
  });

  it('finds the period in the title, not in the "ngày 05/8/2024" line', () => {
    expect(table.period).toEqual({
      value: '2024-07',
      from: 'title',
      text: 'BÁO CÁO KẾT QUẢ TRIỂN KHAI ĐỀ ÁN 06 THÁNG 7/2024',
    });
  });
});

describe('findTable overrides and plain tables', () => {
  it('leaves a plain table as it is', () => {
    const t = findTable(
      grid([
        ['unit_code', 'period', 'metric', 'value'],
        ['01', '2024-07', 'population', 5],
      ]),
    );
    expect(t.plain).toBe(true);
    expect(t.notes).toEqual([]);
    expect(t.rows).toEqual([{ number: 2, values: ['01', '2024-07', 'population', '5'] }]);
  });

  it('reads abbreviated unit names as data, not as group rows ("Q. Ba Đình", "X. Tân An")', () => {
    const t = findTable(
      grid([
        ['unit_name', 'period', 'metric', 'value'],
        ['Q. Ba Đình', '2024-07', 'population', 250000],
        ['X. Tân An', '2024-07', 'population', '-'],
        ['Q. Bà Rịa', '2024-07', 'population', '-'],
      ]),
    );
    expect(t.plain).toBe(true);
    expect(t.rows.map((r) => r.values[0])).toEqual(['Q. Ba Đình', 'X. Tân An', 'Q. Bà Rịa']);
  });

  it('takes --header-row and --skip-rows, and notes the rows skipped as asked', () => {
    const rows = [
      ['Biểu số 01'],
      ['Tỉnh thành', 'population'],
      ['Kiên Giang', 100],
      ['An Giang', 200],
      ['Cần Thơ', 300],
    ];
    const t = findTable(grid(rows), { headerRow: 2, skipRows: [4] });
    expect(t.header).toEqual(['Tỉnh thành', 'population']);
    expect(t.rows.map((r) => r.number)).toEqual([3, 5]);
    expect(t.notes.map((n) => [n.rule, n.rows])).toEqual([
      ['header_rows', [2]],
      ['skipped_title', [1]],
      ['skipped_asked', [4]],
    ]);
    expect(findTable(grid(rows), { headerRow: 9 }).errors[0]).toMatchObject({
      row: 9,
      rule: 'header',
      vi: '--header-row 9: dòng này trống hoặc không có trong tệp',
    });
  });

  it('warns for a grand total that disagrees, naming row and column', () => {
    const t = findTable(
      grid([
        ['STT', 'Tên đơn vị', 'Dân số'],
        [null, 'Toàn tỉnh', '1.500'],
        [1, 'Xã A', '1.000'],
        [2, 'Xã B', 400],
      ]),
    );
    expect(t.rows.map((r) => r.number)).toEqual([3, 4]);
    expect(t.warnings.map((w) => [w.row, w.column, w.value])).toEqual([[2, 'Dân số', '1.500']]);
  });
});

describe('labels', () => {
  it('reads unit, period, STT and derived columns by their office names', () => {
    expect(
      ['Đơn vị', 'Tên đơn vị', 'Địa phương', 'Đơn vị hành chính', 'Xã/phường'].map(roleOf),
    ).toEqual(Array(5).fill('unit_name'));
    expect(['Kỳ báo cáo', 'Tháng', 'Kỳ'].map(roleOf)).toEqual(Array(3).fill('period'));
    expect(['STT', 'TT', 'Tỷ lệ %', 'Tỷ lệ (%)', 'Ghi chú'].map(roleOf)).toEqual([
      'ignore',
      'ignore',
      'derived',
      'derived',
      'note',
    ]);
    expect(roleOf('Số tài khoản')).toBeNull();
  });

  it('matches a label despite brackets, line breaks, "Trong đó:" and abbreviations', () => {
    const name = labelKey('Số tài khoản định danh điện tử đã kích hoạt');
    expect(labelKey('Số TK ĐDĐT\nđã kích hoạt (tài khoản)')).toBe(name);
    expect(metricKeys('Định danh điện tử | Trong đó: Số TK ĐDĐT đã kích hoạt')).toContain(name);
    expect(labelKey('Số HS cấp CCCD đã thu nhận')).toBe(
      labelKey('Số hồ sơ cấp căn cước công dân đã thu nhận'),
    );
    expect(labelKey('Số TTHC cung cấp DVCTT toàn trình')).toBe(
      labelKey('Số thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình'),
    );
  });
});

describe('periods stated by a form', () => {
  it('reads months, quarters and years in titles and sheet names', () => {
    expect(statedPeriod('BÁO CÁO KẾT QUẢ THÁNG 7/2024')).toBe('2024-07');
    expect(statedPeriod('BÁO CÁO QUÝ III/2024')).toBe('2024-Q3');
    expect(statedPeriod('BÁO CÁO NĂM 2024')).toBe('2024');
    expect(statedPeriod('T7-2024')).toBe('2024-07');
    expect(statedPeriod('Tháng 7', 2024)).toBe('2024-07');
    expect(statedPeriod('Tháng 7')).toBeNull();
  });

  it('does not take a cumulative span for a calendar period', () => {
    expect(statedPeriod('BÁO CÁO 6 THÁNG ĐẦU NĂM 2024')).toBeNull();
    expect(statedPeriod('KẾT QUẢ 9 THÁNG NĂM 2024')).toBeNull();
  });
});

describe('text forms and small parsers', () => {
  it('reads a Windows-1258 form with a line break inside quotes, rows numbered by line', () => {
    const text = 'BÁO CÁO THÁNG 7/2024\r\nSTT,"Tên\r\nđơn vị",Dân số\r\n1,Kiên Giang,"1.800"\r\n';
    const decoded = decode(encodeWindows1258(text));
    expect(decoded.encoding).toBe('windows-1258');
    const t = findTable(textGrid(decoded.text, 'f.csv'));
    expect(t.header).toEqual(['STT', 'Tên đơn vị', 'Dân số']);
    expect(t.rows).toEqual([{ number: 4, values: ['1', 'Kiên Giang', '1.800'] }]);
  });

  it('parses --skip-rows lists, mapping files and form numbers', () => {
    expect(parseRowList('1,2,5-7')).toEqual([1, 2, 5, 6, 7]);
    expect(() => parseRowList('3-1')).toThrow('invalid --skip-rows: 3-1');
    expect(parseMapping('columns:\n  "Số TK": vneid_activated\n')).toEqual({
      'Số TK': 'vneid_activated',
    });
    expect(parseMapping('{"Tên": "unit"}')).toEqual({ Tên: 'unit' });
    expect(() => parseMapping('[1, 2]')).toThrow(/must map column headers/);
    expect([
      formNumber('1.234.567'),
      formNumber('12 345'),
      formNumber('85,5'),
      formNumber('x'),
    ]).toEqual([1234567, 12345, 85.5, null]);
    expect(rowList([5, 1, 2, 3, 9])).toBe('1–3, 5, 9');
  });
});
