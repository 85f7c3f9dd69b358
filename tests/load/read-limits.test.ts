// The readers' limits on hostile files: JSON nesting measured before JSON.parse, a workbook's zip
// measured (declared sizes, then inflated bytes, rows and cells) before exceljs reads it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { nestingPast, readJson } from '../../pipelines/read/json.ts';
import {
  checkXlsxLimits,
  readXlsx,
  xlsxLimits,
  zipEntries,
  ZipLimitError,
  type XlsxLimits,
} from '../../pipelines/read/xlsx.ts';
import { tempDir } from '../helpers.ts';
import { sheetXml, workbook } from './xlsx-bomb.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
let n = 0;
const write = (name: string, content: string | Buffer) => {
  const path = join(dir, `${++n}-${name}`);
  writeFileSync(path, content);
  return path;
};
const work = () => {
  const w = join(dir, `work${++n}`);
  mkdirSync(w);
  return w;
};

describe('JSON nesting', () => {
  it('finds the first bracket past the limit, ignoring brackets inside strings', () => {
    expect(nestingPast('[{"a":1},{"b":[2]}]', 3)).toBe(-1);
    expect(nestingPast('[{"b":[2]}]', 2)).toBe(6);
    expect(nestingPast('["[[[[", "\\"[[[["]', 1)).toBe(-1);
    expect(nestingPast('[[[', 2)).toBe(2);
    expect(nestingPast('not json {', 0)).toBe(9);
  });

  it('refuses a file nested 100,000 levels as a whole-file problem, before JSON.parse', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const read = readJson(write('deep.json', deep), 'deep.json', work(), undefined, 64);
    expect(read.parts).toEqual([]);
    expect(read.problems).toHaveLength(1);
    expect(read.problems[0]).toMatchObject({ row: null, rule: 'too_deep' });
    expect(read.problems[0].message).toContain('64 levels');
    expect(read.problems[0].message).toContain('CHITIEU_JSON_MAX_DEPTH');
  });

  it('still reads records within the limit', () => {
    const records = JSON.stringify([
      { unit_code: '01', period: '2026-01', metric: 'cccd_issued', value: 5 },
    ]);
    const read = readJson(write('ok.json', records), 'ok.json', work());
    expect(read.problems).toEqual([]);
    expect(read.parts).toHaveLength(1);
  });
});

const small: XlsxLimits = { maxInflated: 1 << 20, maxCells: 1000, maxRows: 100 };

describe('workbook limits', () => {
  it('reads the central directory without inflating anything', async () => {
    const path = write('book.xlsx', await workbook(sheetXml(3, 4)));
    const entries = zipEntries(path)!;
    expect(entries.map((e) => e.name)).toContain('xl/worksheets/sheet1.xml');
    expect(entries.every((e) => e.method === 8)).toBe(true);
    expect(zipEntries(write('not.xlsx', 'unit_code,period\n'))).toBeNull();
  });

  it('measures what a workbook inflates to: bytes, rows and cells', async () => {
    const path = write('book.xlsx', await workbook(sheetXml(30, 7)));
    const measure = await checkXlsxLimits(path, small);
    expect(measure).toMatchObject({ rows: 30, cells: 210 });
    expect(measure!.inflated).toBeGreaterThan(30 * 7 * 20);
  });

  it('counts tags cut by a chunk boundary once', async () => {
    // 64 KiB zlib chunks fall inside tags at many places in 20,000 cells
    const path = write('book.xlsx', await workbook(sheetXml(2000, 10, '<c r="A1"><v>7</v></c>')));
    const measure = await checkXlsxLimits(path, { ...small, maxCells: 1e6, maxRows: 1e6 });
    expect(measure).toMatchObject({ rows: 2000, cells: 20_000 });
  });

  it('refuses by the declared sizes before inflating', async () => {
    const path = write('bomb.xlsx', await workbook(sheetXml(2000, 100)));
    await expect(checkXlsxLimits(path, { ...small, maxCells: 1e9, maxRows: 1e9 })).rejects.toThrow(
      /over the limit of 1 MB uncompressed \(CHITIEU_XLSX_MAX_INFLATED\)/,
    );
  });

  it('refuses a zip that lies about its sizes once the inflated bytes pass the limit', async () => {
    const path = write('liar.xlsx', await workbook(sheetXml(2000, 100), 100));
    await expect(
      checkXlsxLimits(path, { ...small, maxCells: 1e9, maxRows: 1e9 }),
    ).rejects.toBeInstanceOf(ZipLimitError);
  });

  it('refuses too many cells, and too many rows', async () => {
    const path = write('cells.xlsx', await workbook(sheetXml(20, 100)));
    await expect(checkXlsxLimits(path, small)).rejects.toThrow(
      /1,000 cells \(CHITIEU_XLSX_MAX_CELLS\)/,
    );
    const tall = write('rows.xlsx', await workbook(sheetXml(101, 1)));
    await expect(checkXlsxLimits(tall, small)).rejects.toThrow(
      /100 rows \(CHITIEU_XLSX_MAX_ROWS\)/,
    );
  });

  it('reports the bomb as one whole-file problem, and reads a workbook within the limits', async () => {
    const bomb = write('bomb.xlsx', await workbook(sheetXml(20, 100)));
    const refused = await readXlsx(bomb, 'bomb.xlsx', work(), undefined, small);
    expect(refused.parts).toEqual([]);
    expect(refused.problems).toEqual([expect.objectContaining({ row: null, rule: 'too_large' })]);

    const rows = [
      ['unit_code', 'period', 'metric', 'value'],
      ['01', '2026-01', 'cccd_issued', '5'],
    ];
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Sheet1').addRows(rows);
    const good = write('good.xlsx', Buffer.from(await book.xlsx.writeBuffer()));
    const read = await readXlsx(good, 'good.xlsx', work(), undefined, small);
    expect(read.problems).toEqual([]);
    expect(read.parts[0].header).toEqual(rows[0]);
  });

  it('takes its defaults from the environment', () => {
    expect(xlsxLimits({})).toEqual({
      maxInflated: 100 << 20,
      maxCells: 1_000_000,
      maxRows: 1_000_000,
    });
    expect(xlsxLimits({ CHITIEU_XLSX_MAX_CELLS: '10' }).maxCells).toBe(10);
    expect(() => xlsxLimits({ CHITIEU_XLSX_MAX_ROWS: 'lots' })).toThrow(
      'invalid CHITIEU_XLSX_MAX_ROWS: lots',
    );
  });
});
