// GET /api/template and `chitieu template`: the workbook's rows, columns, validation and
// instructions; a filled template loads unchanged through POST /api/ingest (XLSX and CSV), an
// empty one loads nothing and says so; the child units' rows when a reporting duty binds them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, type TestApp } from './app.ts';
import { main } from '../../cli/main.ts';
import { bufferIo } from '../helpers.ts';
import { DATA_SHEET, HELP_SHEET } from '../../indicators/template.ts';

let t: TestApp;
let reporter: string;
beforeAll(async () => {
  t = await demoApp();
  reporter = t.app.tokens.create('reporter', 'p01@2025-07-01', 'Hà Nội').token;
});
afterAll(async () => t.close());

const download = (query: string) => t.app.inject(`/api/template?${query}`);

async function workbook(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}

/** POST /api/ingest with the reporter's token. */
async function ingest(name: string, content: Buffer) {
  const data = new FormData();
  data.append('file', new Blob([new Uint8Array(content)]), name);
  const encoded = new Response(data);
  return t.app.inject({
    method: 'POST',
    url: '/api/ingest',
    headers: {
      authorization: `Bearer ${reporter}`,
      'content-type': encoded.headers.get('content-type')!,
    },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

const stored = (period: string) =>
  t.app.warehouse.read((db) =>
    db.all<{ metric: string; value: number }>(
      `select metric, value from observations where unit_code = '01' and period = $period
       order by metric`,
      { period },
    ),
  );

describe('GET /api/template', () => {
  it('gives a workbook: codes filled, a labelled column per needed metric, whole numbers only', async () => {
    const res = await download('unit=01&period=2026-01');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="bieu-mau-01-2026-01.xlsx"',
    );
    const wb = await workbook(res.rawPayload);
    const ws = wb.getWorksheet(DATA_SHEET)!;
    const header = (ws.getRow(1).values as string[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['unit_code', 'unit_name', 'period']);
    // Hà Nội's targets need the full-online procedures' pair, among others, by their labels
    const labels = await t.app.warehouse.read((db) =>
      db.all<{ name_vi: string }>(
        `select name_vi from core.metrics where metric_id in ('tthc_eligible_full', 'tthc_online_full')`,
      ),
    );
    for (const { name_vi } of labels) expect(header).toContain(name_vi);
    expect((ws.getRow(2).values as string[]).slice(1, 4)).toEqual(['01', 'Hà Nội', '2026-01']);
    expect(ws.rowCount).toBe(2);
    expect(ws.getCell('D2').dataValidation).toMatchObject({
      type: 'whole',
      operator: 'greaterThanOrEqual',
      formulae: [0],
    });
    // the unit of measure beside each label, and the instructions in Vietnamese
    expect(String(ws.getCell('D1').note)).toMatch(/\(.+\) — \w+/);
    const help = wb.getWorksheet(HELP_SHEET)!;
    expect(String(help.getCell('A1').value)).toBe('Biểu mẫu báo cáo: Hà Nội (01), kỳ 2026-01');
    expect(String(help.getCell('B5').value)).toContain('Chỉ nhập số nguyên không âm');
  });

  it('gives a CSV with a BOM, and refuses what names nothing', async () => {
    const res = await download('unit=01&period=2026-01&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.body.startsWith('\ufeffunit_code,unit_name,period,')).toBe(true);
    expect(res.body.split('\r\n')[1]).toMatch(/^01,Hà Nội,2026-01,+$/);
    expect((await download('unit=zz&period=2026-01')).statusCode).toBe(404);
    expect((await download('unit=01&period=2026-13')).statusCode).toBe(400);
    expect((await download('unit=01&period=2026-01&format=pdf')).statusCode).toBe(400);
  });

  it('has a row for each child unit when a reporting duty binds them', async () => {
    await t.app.warehouse.write((db) =>
      db.run(`insert into core.reporting_obligations
        values ('test-duty', 'VN', 'VN', 10, 'monthly', null, '2026-01', '2026-12')`),
    );
    const res = await download('unit=VN&period=2026-02&format=csv');
    const rows = res.body.trim().split('\r\n');
    // the country, then its 34 provinces of 2026
    expect(rows[1]).toMatch(/^VN,Việt Nam,2026-02,/);
    expect(rows).toHaveLength(1 + 1 + 34);
    const before = await download('unit=VN&period=2025-12&format=csv');
    expect(before.body.trim().split('\r\n')).toHaveLength(2);
  });
});

describe('a template filled in', () => {
  it('loads unchanged through the ingest (XLSX), its figures stored', async () => {
    const res = await download('unit=01&period=2026-02');
    const wb = await workbook(res.rawPayload);
    const ws = wb.getWorksheet(DATA_SHEET)!;
    const metrics = ws.columnCount - 3;
    for (let c = 4; c <= ws.columnCount; c++) ws.getCell(2, c).value = 1000 + c;
    const up = await ingest('bieu-mau.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toMatchObject({ status: 'loaded', rowsNew: metrics, errorCount: 0 });
    expect(await stored('2026-02')).toHaveLength(metrics);
  });

  it('loads from the CSV form too; an empty template loads nothing and says so', async () => {
    const empty = await download('unit=01&period=2026-03&format=csv');
    const none = await ingest('trong.csv', Buffer.from(empty.body));
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json()).toMatchObject({ status: 'unchanged', rowsNew: 0, batchId: null });
    expect(none.json().warnings[0].rule).toBe('no_figures');
    expect(await stored('2026-03')).toEqual([]);

    const [header, row] = empty.body.split('\r\n');
    const filled = `${header}\r\n${row.replace(/,+$/, (commas) => commas.replace(/,/g, ',7'))}\r\n`;
    const up = await ingest('day.csv', Buffer.from(filled));
    expect(up.json()).toMatchObject({ status: 'loaded', errorCount: 0 });
    expect((await stored('2026-03')).every((r) => r.value === 7)).toBe(true);
  });
});

describe('chitieu template', () => {
  it('writes the workbook, or the CSV, and refuses a missing argument', async () => {
    const io = bufferIo(t.config.dbPath);
    const out = join(t.dir, 'mau.csv');
    // the server holds the database: a copy is read (DuckDB allows one writer per file)
    await t.app.warehouse.write((db) => db.run('checkpoint'));
    const copy = join(t.dir, 'copy.duckdb');
    const { copyFileSync } = await import('node:fs');
    copyFileSync(t.config.dbPath, copy);
    const cli = bufferIo(copy);
    expect(
      await main(
        ['template', '--unit', '01', '--period', '2026-01', '--format', 'csv', '--out', out],
        cli,
      ),
    ).toBe(0);
    expect(cli.stdout).toEqual([out]);
    expect(readFileSync(out, 'utf8')).toContain('01,Hà Nội,2026-01');
    expect(await main(['template', '--unit', '01'], io)).toBe(2);
    expect(await main(['template', '--help'], io)).toBe(0);
  });
});
