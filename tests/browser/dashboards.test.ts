// The dashboards in a real browser: Debian's Chromium driven by playwright-core against a real
// server on a copy of the demo database. Screenshots go to tests/artifacts/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../dashboards/browser.ts';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { demoApp, type TestApp } from '../api/app.ts';

const SHOTS = join(PROJECT_ROOT, 'tests/artifacts/screenshots');

/** Every page, as a planner would open it (the demo's figures run to 2025-12). */
export const PAGES: Record<string, string> = {
  overview: '/',
  'overview-en': '/?lang=en',
  'overview-an-giang': '/?unit=p91@2025-07-01&period=2025-Q4',
  indicator: '/indicator/cccd_coverage?unit=VN&period=2025-Q4',
  'indicator-an-giang': '/indicator/vneid_activation_rate?unit=p91@2025-07-01&period=2025-Q4',
  units: '/unit',
  'unit-an-giang': '/unit/p91@2025-07-01',
  'unit-kien-giang': '/unit/p91?as_of=2025-01-01',
  tasks: '/tasks',
  procedures: '/procedures',
  reporting: '/reporting',
  plans: '/plans',
  plan: '/plans/qd-740-2022-kien-giang',
  quality: '/quality',
  pack: '/pack?unit=VN&period=2025-Q4',
  'pack-en': '/pack?unit=p91@2025-07-01&period=2025-Q4&lang=en',
};

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

/** Opens a page, failing on any console error, uncaught exception or failed request. */
async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
  expect(response?.status(), path).toBe(200);
  return { page, problems };
}

describe('every page in Chromium', () => {
  for (const [name, path] of Object.entries(PAGES)) {
    it(`${name} (${path}) loads with no console errors, a title and the data line`, async () => {
      const { page, problems } = await open(path);
      try {
        expect(problems).toEqual([]);
        expect((await page.locator('h1').textContent())?.trim().length).toBeGreaterThan(3);
        // every page says when the data was loaded, and on the demo that it is synthetic
        await expect(page.locator('main .data-as-of').textContent()).resolves.toMatch(/\d{4}/);
        await expect(page.locator('.synthetic').count()).resolves.toBe(1);
        await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
      } finally {
        await page.close();
      }
    });
  }
});

describe('the API docs page', () => {
  it('renders every operation of the OpenAPI document, with no console errors', async () => {
    const { page, problems } = await open('/api/docs/');
    try {
      await page.locator('.opblock').first().waitFor();
      const doc = await (await fetch(`${base}/api/openapi.json`)).json();
      const operations = Object.values(doc.paths as Record<string, object>).flatMap((p) =>
        Object.keys(p),
      );
      expect(await page.locator('.opblock').count()).toBe(operations.length);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('charts', () => {
  it('the overview draws a sparkline with a line for each indicator that has figures', async () => {
    const { page } = await open(PAGES.overview);
    try {
      const sparklines = page.locator('main table svg[role="img"]');
      expect(await sparklines.count()).toBeGreaterThanOrEqual(10);
      expect(await page.locator('main table svg[role="img"] path').count()).toBeGreaterThanOrEqual(
        10,
      );
    } finally {
      await page.close();
    }
  });

  it('the indicator page draws the series (line and dots) and the ranking (one bar per child)', async () => {
    const { page } = await open(PAGES.indicator);
    try {
      const svgs = page.locator('main svg[role="img"]');
      expect(await svgs.count()).toBeGreaterThanOrEqual(1);
      // Plot gives each mark an aria-label: the series has its dots, the ranking its bars
      const marks = await page
        .locator('main svg [aria-label]')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('aria-label'), e.children.length] as const),
        );
      expect(marks.filter(([, n]) => n > 0).length).toBeGreaterThan(2);
      const ranking = await (
        await fetch(`${base}/api/ranking?indicator=cccd_coverage&unit=VN&period=2025-Q4`)
      ).json();
      // the ranking is an HTML bar list since issue 15.1 (a state per child, never a wrong one)
      const bars = await page.locator('main table.ranking .bar.rank').count();
      expect(bars).toBe(
        ranking.rows.filter((c: { actual: number | null }) => c.actual !== null).length,
      );
    } finally {
      await page.close();
    }
  });
});

describe('language', () => {
  it('switches to English and back, keeping the page and its parameters', async () => {
    const { page } = await open(PAGES['overview-an-giang']);
    try {
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('vi');
      await expect(page.locator('header nav').textContent()).resolves.toContain('Tổng quan');
      await page.locator('header a.lang').click();
      await page.waitForLoadState('load');
      expect(page.url()).toContain('lang=en');
      expect(page.url()).toContain('unit=p91%402025-07-01');
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
      await expect(page.locator('header nav').textContent()).resolves.toContain('Overview');
      await expect(page.locator('h1').textContent()).resolves.toContain('Q4 2025');
      await page.locator('header a.lang').click();
      await page.waitForLoadState('load');
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('vi');
      await expect(page.locator('h1').textContent()).resolves.toContain('Quý IV/2025');
    } finally {
      await page.close();
    }
  });
});

describe('keyboard', () => {
  for (const name of ['overview', 'indicator', 'tasks', 'pack']) {
    it(`Tab reaches every control of the ${name} page, in order, with a visible focus`, async () => {
      const { page } = await open(PAGES[name]);
      try {
        // controls inside a <details> are reached once it is opened (Enter on its summary)
        for (const summary of await page.locator('details > summary').all()) {
          await summary.focus();
          await page.keyboard.press('Enter');
        }
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        const count = await page.evaluate(() => {
          const selector =
            'a[href], button, select, input:not([type="hidden"]), textarea, summary, [tabindex]:not([tabindex="-1"])';
          const els = [...document.querySelectorAll<HTMLElement>(selector)].filter(
            (e) =>
              (!e.hasAttribute('disabled') && e.checkVisibility()) || e.classList.contains('skip'),
          );
          els.forEach((e, i) => e.setAttribute('data-kb', String(i)));
          return els.length;
        });
        expect(count).toBeGreaterThan(5);
        const reached = new Set<string>();
        for (let i = 0; i < count + 5 && reached.size < count; i++) {
          await page.keyboard.press('Tab');
          const id = await page.evaluate(
            () => document.activeElement?.getAttribute('data-kb') ?? null,
          );
          if (id !== null) reached.add(id);
        }
        const missed = await page.evaluate(
          (seen) =>
            [...document.querySelectorAll<HTMLElement>('[data-kb]')]
              .filter((e) => !seen.includes(e.getAttribute('data-kb') as string))
              .map((e) => e.outerHTML.slice(0, 120)),
          [...reached],
        );
        expect(missed).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }

  it('the skip link is the first stop and moves focus to the main content', async () => {
    const { page } = await open(PAGES.overview);
    try {
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.className)).resolves.toBe('skip');
      await page.keyboard.press('Enter');
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
    } finally {
      await page.close();
    }
  });
});

describe('the quarterly pack', () => {
  it('prints to an A4 PDF in the browser and from GET /pack.pdf', async () => {
    const { page } = await open(PAGES.pack);
    try {
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('header nav').isVisible()).resolves.toBe(false);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(20_000);
    } finally {
      await page.close();
    }
    const res = await fetch(`${base}/pack.pdf?unit=VN&period=2025-Q4`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('bao-cao-quy-VN-2025-Q4.pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    // at least two A4 pages: the scorecard does not fit on one
    expect(
      (bytes.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length,
    ).toBeGreaterThanOrEqual(2);
    // printed once per data version: the same bytes again, and a 304 for a client that has them
    const again = await fetch(`${base}/pack.pdf?unit=VN&period=2025-Q4`);
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
    const cached = await fetch(`${base}/pack.pdf?unit=VN&period=2025-Q4`, {
      headers: { 'if-none-match': again.headers.get('etag') as string },
    });
    expect(cached.status).toBe(304);
  });
});
