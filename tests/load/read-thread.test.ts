// Reading a file on the worker thread (issue 16.9): the parts are the ones the in-process readers
// give, a file past the thread's heap or deadline is refused as too large and the next read works
// again, and a reader's own failure comes back as the same error.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParts, type Format, type Parts, type Source } from '../../pipelines/load/formats.ts';
import { readPartsInThread, threadLimits } from '../../pipelines/load/read-thread.ts';
import { FIXTURES } from '../fixtures/ingest/harness.ts';
import { tempDir } from '../helpers.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
let n = 0;
function source(path: string, name: string, format: Format, extra: Partial<Source> = {}): Source {
  const workDir = join(dir, `work${++n}`);
  mkdirSync(workDir);
  return { path, baseName: name, file: name, format, workDir, ...extra };
}

/** The parts with their work folder named alike, and each staged CSV's text beside them. */
const comparable = (parts: Parts, workDir: string) => ({
  read: JSON.parse(JSON.stringify(parts).replaceAll(workDir, '<work>')) as unknown,
  staged: parts.parts.map((p) => readFileSync(p.utf8Path, 'utf8')),
});

/** A long table of `rows` figures as a workbook: 4 cells a row. */
async function longWorkbook(rows: number): Promise<string> {
  const path = join(dir, `long-${rows}.xlsx`);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet1');
  sheet.addRow(['unit_code', 'period', 'metric', 'value']);
  for (let i = 0; i < rows; i++) sheet.addRow(['01', '2024-07', 'cccd_issued', i]);
  writeFileSync(path, Buffer.from(await book.xlsx.writeBuffer()));
  return path;
}

let big: string;
beforeAll(async () => {
  big = await longWorkbook(10_000);
});

describe('reading on the worker thread', () => {
  const cases: Array<[string, Format, Partial<Source>]> = [
    ['xlsx-merged-header.xlsx', 'xlsx', {}],
    ['xlsx-two-sheets.xlsx', 'xlsx', { sheets: ['Sheet2'] }],
    ['windows-1258-combining-tones.csv', 'csv', {}],
    ['utf16le-excel-unicode-text.txt', 'csv', {}],
    ['json-long-records.json', 'json', {}],
    ['xlsx-not-a-zip.xlsx', 'xlsx', {}],
  ];
  for (const [name, format, extra] of cases) {
    it(`gives the parts the in-process reader gives: ${name}`, async () => {
      const path = join(FIXTURES, name);
      const inThread = source(path, name, format, extra);
      const inProcess = source(path, name, format, extra);
      const a = await readPartsInThread(inThread);
      const b = await readParts(inProcess);
      expect(comparable(a, inThread.workDir)).toEqual(comparable(b, inProcess.workDir));
      expect(a.parts.length + a.problems.length).toBeGreaterThan(0);
    });
  }

  it('reads several files asked at once, each its own', async () => {
    const names = ['xlsx-merged-header.xlsx', 'json-long-records.json', 'utf8-bom.csv'];
    const formats: Format[] = ['xlsx', 'json', 'csv'];
    const read = await Promise.all(
      names.map((name, i) => readPartsInThread(source(join(FIXTURES, name), name, formats[i]))),
    );
    expect(read.map((r) => r.parts[0]?.file)).toEqual([`${names[0]}[Báo cáo]`, names[1], names[2]]);
  });

  it('refuses a file that needs more than the heap limit, and reads the next one', async () => {
    const read = await readPartsInThread(source(big, 'big.xlsx', 'xlsx'), {
      memoryMb: 16,
      timeoutMs: 120_000,
    });
    expect(read.parts).toEqual([]);
    expect(read.problems).toEqual([
      expect.objectContaining({
        file: 'big.xlsx',
        row: null,
        rule: 'too_large',
        message: expect.stringContaining('more than 16 MB of memory (CHITIEU_READ_MEMORY_MB)'),
        vi: expect.stringContaining('cần hơn 16 MB bộ nhớ'),
      }),
    ]);
    const after = await readPartsInThread(source(big, 'big.xlsx', 'xlsx'));
    expect(after.problems).toEqual([]);
    expect(readFileSync(after.parts[0].utf8Path, 'utf8').trim().split('\n')).toHaveLength(10_001);
  });

  it('refuses a file that takes longer than the deadline, and reads the next one', async () => {
    const read = await readPartsInThread(source(big, 'big.xlsx', 'xlsx'), {
      memoryMb: 1536,
      timeoutMs: 50,
    });
    expect(read.problems).toEqual([
      expect.objectContaining({
        rule: 'too_large',
        message: expect.stringContaining('longer than 0.1 s (CHITIEU_READ_TIMEOUT_S)'),
        vi: expect.stringContaining('Đọc tệp mất quá 0.1 giây'),
      }),
    ]);
    const name = 'utf8-bom.csv';
    const after = await readPartsInThread(source(join(FIXTURES, name), name, 'csv'));
    expect(after.parts).toHaveLength(1);
  });

  it("passes a reader's own failure back as the same error", async () => {
    const missing = source(join(dir, 'missing.csv'), 'missing.csv', 'csv');
    await expect(readPartsInThread(missing)).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: expect.any(String),
    });
  });

  it('takes its limits from the environment, with defaults', () => {
    expect(threadLimits({})).toEqual({ memoryMb: 1536, timeoutMs: 120_000 });
    expect(threadLimits({ CHITIEU_READ_MEMORY_MB: '512', CHITIEU_READ_TIMEOUT_S: '30' })).toEqual({
      memoryMb: 512,
      timeoutMs: 30_000,
    });
    expect(() => threadLimits({ CHITIEU_READ_TIMEOUT_S: '0' })).toThrow(
      'invalid CHITIEU_READ_TIMEOUT_S: 0',
    );
  });
});
