// What the pages SAY, read in Chromium as a projector audience reads them (issue 15): a bar filled
// to the actual's share of the way from baseline to target, no verdict beside an empty figure, no
// English prose, raw ids or file paths in Vietnamese text outside <code> (tests/browser/vi-text.ts
// documents the heuristic), and no console error on any page, the tab icon included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../../dashboards/browser.ts';
import { demoApp, type TestApp } from '../api/app.ts';
import { offences, VISIBLE_TEXT } from './vi-text.ts';
import { DISPLAY_STATES } from '../../indicators/i18n/status.ts';

/** Every kind of page in Vietnamese, on the units and quarters the issue names. */
const VI_PAGES = [
  '/',
  '/?unit=p91&period=2024-Q4',
  '/?unit=p91@2025-07-01&period=2025-Q4',
  '/indicator/cccd_coverage?unit=VN&period=2025-Q4',
  '/indicator/vneid_accounts?unit=p91&period=2024-Q4',
  '/indicator/work_records_online_rate?unit=p91&period=2024-Q4&grain=quarter',
  '/unit',
  '/unit/p91@2025-07-01',
  '/unit/p91?as_of=01/01/2025',
  '/tasks',
  '/tasks?unit=p91&overdue=true',
  '/procedures',
  '/reporting',
  '/plans',
  // every shipped plan: its notes are bilingual data (text_vi) since issue 15.2
  ...[
    'kh-12-2022-son-ninh',
    'kh-12-cah-2022-huong-son',
    'kh-2024-ho-chi-minh',
    'kh-2026-an-giang-mo-phong',
    'kh-46-2022-ba-ria-vung-tau',
    'kh-590-2022-ninh-thuan',
    'kh-922-2022-ho-chi-minh',
    'kh-96-2022-phan-rang-thap-cham',
    'kh-bcd-2024-ba-ria-vung-tau',
    'qd-06-2022-national',
    'qd-11-2026-bcdcp',
    'qd-740-2022-kien-giang',
  ].map((id) => `/plans/${id}`),
  '/quality',
];

let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  t = await demoApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** A page in a fresh context (so the tab icon is asked for), with every console problem. */
async function open(path: string, status = 200): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url() !== `${base}${path}`)
      problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
  expect(response?.status(), path).toBe(status);
  // the tab icon is fetched after load: wait for the network to settle before judging
  await page.waitForLoadState('networkidle');
  return { page, problems };
}

describe('Vietnamese pages say everything in Vietnamese', () => {
  for (const path of VI_PAGES) {
    it(`${path}: no English prose, raw ids or paths outside <code>, no console error`, async () => {
      const { page, problems } = await open(path);
      try {
        const text = (await page.evaluate(VISIBLE_TEXT)) as string;
        expect(text.length).toBeGreaterThan(200);
        expect(offences(text)).toEqual([]);
        expect(problems).toEqual([]);
        // nothing is left in English but the language switch (marked lang="en" on purpose)
        await expect(page.locator('main [lang="en"]').count()).resolves.toBe(0);
      } finally {
        await page.context().close();
      }
    });
  }

  it('the heuristic catches what the issue found (so the test above can fail)', () => {
    const kinds = (s: string) => offences(s).map((o) => o.kind);
    expect(kinds('Cảnh báo payments_online 117.0 is far from its usual 197.0')).toContain('id');
    expect(kinds('Cảnh báo payments 117.0 is far from its usual 197.0')).toContain('english');
    expect(kinds('Nguồn: ../shared/seeds/002_0369dd4f4d0b0870.txt')).toContain('path');
    expect(kinds('Nguồn: qd-740-2022-kien-giang, II.2.a')).toContain('id');
    expect(kinds('≥ 100 percent')).toContain('english');
    expect(kinds('planned: 41')).toContain('english');
    expect(offences('Tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến: 63,3% — Đạt, hạn 31/12/2025')).toEqual(
      [],
    );
  });

  it('error pages are HTML in Vietnamese, the detail as code', async () => {
    for (const [path, status] of [
      ['/indicator/xyz', 404],
      ['/tasks?status=bogus', 400],
      ['/unit/p91?as_of=31/02/2025', 400],
    ] as const) {
      const { page } = await open(path, status);
      try {
        const text = (await page.evaluate(VISIBLE_TEXT)) as string;
        expect(offences(text), path).toEqual([]);
        await expect(page.locator('main [role="alert"]').count()).resolves.toBe(1);
      } finally {
        await page.context().close();
      }
    }
  });
});

describe('status you cannot misread', () => {
  for (const path of ['/?unit=p91&period=2024-Q4', '/?unit=p91@2025-07-01&period=2025-Q4'])
    it(`${path}: each bar is filled to the actual’s share of the way from baseline to target`, async () => {
      const { page } = await open(path);
      try {
        const bars = await page.locator('.progress .bar[data-actual]').evaluateAll((els) =>
          els.map((e) => {
            const fill = e.querySelector('.fill') as HTMLElement;
            return {
              actual: Number(e.getAttribute('data-actual')),
              baseline: Number(e.getAttribute('data-baseline')),
              target: Number(e.getAttribute('data-target')),
              comparator: e.getAttribute('data-comparator') ?? '',
              width: e.getBoundingClientRect().width - 2, // the 1px border each side
              fill: fill.getBoundingClientRect().width,
              label: e.parentElement?.querySelector('.bar-figures')?.textContent ?? '',
            };
          }),
        );
        expect(bars.length).toBeGreaterThanOrEqual(3);
        for (const b of bars) {
          // a met target is a full bar; else the actual's share of the way from baseline to target
          const met =
            {
              '>=': b.actual >= b.target,
              '>': b.actual > b.target,
              '<=': b.actual <= b.target,
              '<': b.actual < b.target,
            }[b.comparator] ?? false;
          const way = (b.actual - b.baseline) / (b.target - b.baseline);
          const share = met ? 1 : Math.max(0, Math.min(1, way));
          expect(Math.abs(b.fill - share * b.width), JSON.stringify(b)).toBeLessThanOrEqual(1.5);
          // labelled with both numbers: "721.266 / 500.000"
          expect(b.label).toMatch(/^[\d.,%]+ \/ [\d.,%]+$/);
        }
        // the projection is a marker of its own, not the fill
        expect(await page.locator('.progress .bar .projection').count()).toBeGreaterThan(0);
      } finally {
        await page.context().close();
      }
    });

  it('a unit without a figure in the period shows no verdict (rankings of the country)', async () => {
    const verdicts: string[] = [];
    for (const path of [
      '/indicator/vneid_accounts?unit=VN&period=2024-Q4',
      '/indicator/satisfaction_rate?unit=VN&period=2024-Q4',
      '/indicator/cccd_coverage?unit=VN&period=2025-Q4',
      '/indicator/results_stored_electronic_rate?unit=VN&period=2025-Q4',
    ]) {
      const { page } = await open(path);
      try {
        const rows = await page.locator('table.ranking tbody tr').evaluateAll((trs) =>
          trs.map((tr) => ({
            actual: (tr.querySelectorAll('td.num')[1]?.textContent ?? '').trim(),
            state: tr.getAttribute('data-state'),
            word: tr.querySelector('.status')?.textContent?.replace(/\s+/g, ' ').trim(),
          })),
        );
        expect(rows.length, path).toBeGreaterThan(0);
        for (const r of rows) {
          if (r.actual.startsWith('—'))
            expect(['no_figure', 'no_target', 'not_started', 'superseded'], path).toContain(
              r.state,
            );
          // "no data" is never said of a unit that has a figure: no target reads as such
          else expect(r.state, path).not.toBe('no_figure');
          if (!['no_figure', 'no_target', 'not_started', 'superseded'].includes(r.state ?? ''))
            verdicts.push(`${path} ${r.word}`);
        }
      } finally {
        await page.context().close();
      }
    }
    // Kiên Giang's own targets give verdicts in 2024 (so the rule above was not vacuous)
    expect(verdicts.length).toBeGreaterThan(0);
    const { page } = await open('/indicator/cccd_coverage?unit=VN&period=2025-Q4');
    try {
      // the country ranking: provinces with a figure and no target say so, not "Chưa có số liệu"
      const words = await page.locator('table.ranking tbody .status').allTextContents();
      expect(words.filter((w) => w.includes('Chưa có số liệu'))).toEqual([]);
      expect(words.some((w) => w.includes('Không có chỉ tiêu áp dụng'))).toBe(true);
    } finally {
      await page.context().close();
    }
  });

  it('a target whose window opens later says "not started", with the day it opens', async () => {
    const { page } = await open('/indicator/vneid_accounts?unit=p91&period=2024-Q4');
    try {
      const text = await page.locator('ul.targets').textContent();
      expect(text).toContain('Chưa bắt đầu (từ 01/01/2025)');
      expect(text).not.toContain('Chưa có số liệu');
    } finally {
      await page.context().close();
    }
  });

  it('English mode says the same states in English', async () => {
    const { page } = await open('/?unit=p91&period=2024-Q4&lang=en');
    try {
      const states = (await page.locator('main .status').allTextContents()).join(' ');
      expect(states).toContain(DISPLAY_STATES.no_target.en);
      expect(states).toContain(DISPLAY_STATES.no_figure.en);
      for (const d of Object.values(DISPLAY_STATES)) expect(states).not.toContain(d.vi);
      const headings = await page.locator('main th, main h2').allTextContents();
      expect(headings.join(' ')).not.toMatch(/Chỉ tiêu|Thực hiện|Tình trạng/);
    } finally {
      await page.context().close();
    }
  });

  it('the favicon is served (no 404 in the console)', async () => {
    const res = await fetch(`${base}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
  });
});
