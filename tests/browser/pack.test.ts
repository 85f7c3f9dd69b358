// The quarterly pack as a document to sign, and the map and charts as a projector shows them:
// the PDF that GET /pack.pdf prints through Debian's Chromium (dashboards/browser.ts) read back as
// text with pdf.js — the national motto, the place and date, page numbers on every page, a
// summary on page 1, no token, no command; the overview and indicator pages' tile maps (one
// square per province of the date's map) and their screenshots at 1280 × 720.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { launchBrowser } from '../../dashboards/browser.ts';
import { reviewPack } from '../../dashboards/plugin.ts';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { today } from '../../pipelines/normalize/calendar.ts';
import { demoApp, type TestApp } from '../api/app.ts';

const SHOTS = join(PROJECT_ROOT, 'tests/artifacts/screenshots');
const PACK = '/pack.pdf?unit=p91&period=2024-Q4';

let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await demoApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The text of each page of a PDF, items joined by spaces. */
async function pdfPages(bytes: Buffer): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(bytes), disableFontFace: true }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(
      content.items
        .map((item) => ('str' in item ? item.str : ''))
        .join(' ')
        .replace(/\s+/g, ' '),
    );
  }
  await doc.destroy();
  return pages;
}

async function printed(url: string): Promise<string[]> {
  const res = await fetch(`${base}${url}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  return pdfPages(Buffer.from(await res.arrayBuffer()));
}

describe('the quarterly pack as a PDF (Nghị định 30/2020/NĐ-CP layout)', () => {
  it('has the motto, the place and date, page numbers, a full first page, and no token or command', async () => {
    // reviewed by a token, as a pack is today: the document names the reviewer, never the token
    await reviewPack(t.app, 'p91', '2024-Q4', 'token:da4ec9fad1c5 (Chánh Văn phòng UBND)');
    const pages = await printed(PACK);
    const all = pages.join('\n');
    expect(pages.length).toBeGreaterThanOrEqual(2);

    expect(pages[0]).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(pages[0]).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(pages[0]).toMatch(/Số: …+\/BC-/);
    const [y, m, d] = today().split('-').map(Number);
    const month = m <= 2 ? String(m).padStart(2, '0') : String(m);
    expect(pages[0]).toContain(
      `Kiên Giang, ngày ${String(d).padStart(2, '0')} tháng ${month} năm ${y}`,
    );
    expect(pages[0]).toContain('BÁO CÁO');
    // page 1 is the summary: the counts and the first targets, not a blank two thirds
    expect(pages[0]).toContain('I. Tóm tắt');
    expect(pages[0]).toContain('chỉ tiêu ràng buộc trong kỳ');
    expect(pages[0]).toContain('Tỷ lệ');
    expect(pages[0].length).toBeGreaterThan(1200);

    // every page numbered "Trang i/n"
    pages.forEach((text, i) => expect(text).toContain(`Trang ${i + 1}/${pages.length}`));

    // the end of the document and its annex
    expect(all).toContain('Nơi nhận:');
    expect(all).toContain('TM. TỔ CÔNG TÁC');
    expect(all).toContain('Phụ lục');
    expect(all).toContain('SỐ LIỆU MÔ PHỎNG');
    expect(all).toContain('Chánh Văn phòng UBND');

    // nothing of the screen's machinery
    expect(all).not.toMatch(/npx|chitieu report|Token|token:|da4ec9fad1c5/);
    expect(all).not.toContain('Đăng nhập');
  });

  it('prints in English with English page numbers and the motto in English', async () => {
    const pages = await printed(`${PACK}&lang=en`);
    expect(pages[0]).toContain('SOCIALIST REPUBLIC OF VIET NAM');
    expect(pages[0]).toContain('Independence - Freedom - Happiness');
    pages.forEach((text, i) => expect(text).toContain(`Page ${i + 1}/${pages.length}`));
  });
});

describe('the provinces map', () => {
  for (const [name, path, provinces] of [
    ['overview', '/?unit=VN&period=2025-Q4', 34],
    ['indicator', '/indicator/cccd_coverage?unit=VN&period=2024-Q4', 63],
  ] as const) {
    it(`${name} (${path}): one square per province of the date's map (${provinces}), a table behind it`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      try {
        await page.goto(`${base}${path}`);
        const map = page.locator('figure.tilemap svg[role="img"]');
        expect(await map.count()).toBe(1);
        expect(await page.locator('figure.tilemap g.mark-tile rect').count()).toBe(provinces);
        expect(await page.locator('figure.tilemap g.mark-tile rect > title').count()).toBe(
          provinces,
        );
        expect(await page.locator('section.province-map details tbody tr').count()).toBe(provinces);
        // the map fits the screen's width and its tile labels are not shrunk below their size
        const box = await map.boundingBox();
        expect(box?.width).toBeLessThanOrEqual(1280);
        await page.screenshot({ path: join(SHOTS, `projector-${name}.png`) });
        await page.locator('section.province-map').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SHOTS, `projector-${name}-map.png`) });
      } finally {
        await page.close();
      }
    });
  }

  it('axis text is at least 14 px on a 1280 × 720 screen (indicator page)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await page.goto(`${base}/indicator/cccd_coverage?unit=VN&period=2025-Q4`);
      const sizes = await page
        .locator('main svg[role="img"] g[aria-label$="tick label"] text')
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
      expect(sizes.length).toBeGreaterThan(5);
      // a text box is about 1.2 × its font size
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(14);
    } finally {
      await page.close();
    }
  });

  it('the pack on screen at 1280 × 720', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await page.goto(`${base}/pack?unit=p91&period=2024-Q4`);
      await page.screenshot({ path: join(SHOTS, 'projector-pack.png') });
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('header.site').isVisible()).resolves.toBe(false);
      await expect(page.locator('form').first().isVisible()).resolves.toBe(false);
      await page.screenshot({ path: join(SHOTS, 'projector-pack-print.png') });
    } finally {
      await page.close();
    }
  });
});
