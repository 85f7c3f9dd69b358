// A reporter's month in a real browser (Debian's Chromium through playwright-core) against a real
// server: sign in, upload a file with an error and read the Vietnamese problem table, fix it,
// preview, confirm with the keyboard, see the figure on the unit's page; a template downloaded,
// filled and uploaded; a file outside the reporter's unit refused; an approved period refusing a
// revision. No page of the flow runs a script (the site's CSP allows none inline).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../dashboards/browser.ts';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { DATA_SHEET } from '../../indicators/template.ts';
import { demoApp, type TestApp } from '../api/app.ts';
import { addUser, passwordOf } from '../api/signin.ts';

const SHOTS = join(PROJECT_ROOT, 'tests/artifacts/screenshots');
const HEADER = 'unit_code,period,metric,value\n';

let t: TestApp;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  t = await demoApp();
  await addUser(t.app, 'hn.reporter', 'reporter', 'p01@2025-07-01');
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const stored = (period: string, metric: string) =>
  t.app.warehouse.read(async (db) => {
    const v = await db.scalar(
      `select value from observations where unit_code = '01' and period = $period and metric = $metric`,
      { period, metric },
    );
    return v === null || v === undefined ? null : Number(v);
  });

/** Picks a file on the upload form and asks for its preview. */
async function preview(name: string, content: string | Buffer) {
  await page.goto(`${base}/upload`);
  await page.getByLabel('Tệp số liệu').setInputFiles({
    name,
    mimeType: name.endsWith('.xlsx')
      ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
      : 'text/csv',
    buffer: Buffer.from(content),
  });
  await page.getByRole('button', { name: 'Kiểm tra và xem trước' }).click();
  await page.waitForURL(`${base}/upload/preview`);
}

describe('a reporter in Chromium', () => {
  it('signs in, reads the problems in Vietnamese, fixes the file, confirms and sees the figure', async () => {
    await page.goto(`${base}/upload`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Tên đăng nhập').fill('hn.reporter');
    await page.getByLabel('Mật khẩu').fill(passwordOf('hn.reporter'));
    await page.getByLabel('Mật khẩu').press('Enter');
    await page.waitForURL(`${base}/upload`);
    await expect(page.locator('main h1').textContent()).resolves.toBe('Tải số liệu lên');

    await preview(
      'thang-3.csv',
      `${HEADER}01,2026-03,cccd_issued,7.700.000\n01,2026-03,cccd_eligible,tám triệu\n`,
    );
    const table = page.locator('table.problems');
    await expect(table.locator('caption').textContent()).resolves.toContain('Lỗi cần sửa (1)');
    const cells = await table.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['3', 'value', 'tám triệu']);
    expect(cells[3]).toMatch(/không phải là số/i);
    expect(cells[4]).toContain('Chỉ ghi chữ số');
    await expect(page.getByRole('button', { name: 'Xác nhận tải lên' }).count()).resolves.toBe(0);
    await page.screenshot({ path: join(SHOTS, 'upload-problems.png'), fullPage: true });

    await preview(
      'thang-3.csv',
      `${HEADER}01,2026-03,cccd_issued,7.700.000\n01,2026-03,cccd_eligible,8.000.000\n`,
    );
    await expect(page.locator('table.counts').textContent()).resolves.toMatch(/Số liệu mới\s*2/);
    expect(await stored('2026-03', 'cccd_issued')).toBeNull();
    await page.screenshot({ path: join(SHOTS, 'upload-preview.png'), fullPage: true });
    // confirmed from the keyboard
    await page.getByRole('button', { name: 'Xác nhận tải lên' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/upload/confirm`);
    await expect(page.locator('main .verdict').textContent()).resolves.toMatch(
      /Đã lưu lô số liệu b\d+/,
    );
    expect(await stored('2026-03', 'cccd_issued')).toBe(7_700_000);

    // the figure on the country's unit page, in Hà Nội's row: 7.7 M of 8 M, 96,3 %
    await page.goto(`${base}/unit/VN?period=2026-Q1`);
    const row = page.locator('table.children tr', { hasText: 'Hà Nội' });
    await expect(row.textContent()).resolves.toContain('96,3');
    expect(problems).toEqual([]);
  });

  it('downloads a template, fills it in and uploads it: the values are stored', async () => {
    await page.goto(`${base}/upload`);
    await page.getByLabel('Đơn vị (mã)').fill('01');
    await page.getByLabel('Kỳ của biểu mẫu').fill('2026-04');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải biểu mẫu' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('bieu-mau-01-2026-04.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(DATA_SHEET)!;
    const metrics = await t.app.warehouse.read((db) =>
      db.all<{ metric_id: string; name_vi: string }>('select metric_id, name_vi from core.metrics'),
    );
    const idOf = new Map(metrics.map((m) => [m.name_vi, m.metric_id]));
    const filled: Record<string, number> = {};
    for (let c = 4; c <= ws.columnCount; c++) {
      ws.getCell(2, c).value = 100 + c;
      filled[idOf.get(String(ws.getCell(1, c).value))!] = 100 + c;
    }
    await preview('bieu-mau-01-2026-04.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    await page.getByRole('button', { name: 'Xác nhận tải lên' }).click();
    await page.waitForURL(`${base}/upload/confirm`);
    for (const [metric, value] of Object.entries(filled)) {
      expect(await stored('2026-04', metric)).toBe(value);
    }
  });

  it('refuses a file with a unit outside its own, whole and in words', async () => {
    await preview('ca-nuoc.csv', `${HEADER}01,2026-05,cccd_issued,1\n79,2026-05,cccd_issued,2\n`);
    await expect(page.locator('main .verdict').textContent()).resolves.toContain(
      'ngoài phạm vi bạn được giao (Hà Nội (01))',
    );
    expect(await stored('2026-05', 'cccd_issued')).toBeNull();
  });

  it('refuses a revision of an approved period, naming the approval', async () => {
    const admin = t.app.tokens.create('admin', null, 'province office').token;
    const approved = await t.app.inject({
      method: 'POST',
      url: '/api/approvals',
      headers: { authorization: `Bearer ${admin}` },
      payload: { unit: 'VN', period: '2026-Q1' },
    });
    expect(approved.statusCode).toBe(201);
    await preview('sua.csv', `${HEADER}01,2026-03,cccd_issued,7.800.000\n`);
    await expect(page.locator('main .verdict').textContent()).resolves.toContain(
      'Kỳ báo cáo đã được phê duyệt',
    );
    await expect(page.locator('table.problems tbody').textContent()).resolves.toMatch(
      /VN 2026-Q1 đã được token:\S+ \(province office\) phê duyệt lúc 20\d\d-/,
    );
    await page.screenshot({ path: join(SHOTS, 'upload-approved.png'), fullPage: true });
    expect(await stored('2026-03', 'cccd_issued')).toBe(7_700_000);
  });
});
