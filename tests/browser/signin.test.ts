// Signing in and keeping the task list current in a real browser (Debian's Chromium through
// playwright-core) against a real server with reads closed: the sign-in form by its labels, the
// session cookie's flags as the browser holds them, a planner marking an overdue task done with
// the keyboard and the page's overdue count dropping; a form posted from another site refused.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../../dashboards/browser.ts';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { demoApp, type TestApp } from '../api/app.ts';
import { addUser, passwordOf } from '../api/signin.ts';

const SHOTS = join(PROJECT_ROOT, 'tests/artifacts/screenshots');
const PLAN = 'kh-2024-ho-chi-minh';

let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  t = await demoApp({ openReads: false });
  await addUser(t.app, 'hcm.planner', 'planner', '79');
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** The first overdue task of the plan (its seq) and the plan's overdue count, from the API. */
async function overdue() {
  const admin = t.app.tokens.create('admin', null, 'browser check').token;
  const res = await t.app.inject({
    url: `/api/tasks?plan=${PLAN}&overdue=true`,
    headers: { authorization: `Bearer ${admin}` },
  });
  const body = res.json() as {
    summary: { overdue: number };
    tasks: { number: string; title: string }[];
  };
  const [row] = await t.app.warehouse.read((db) =>
    db.all<{ seq: number }>(
      'select seq from core.tasks where plan_id = $plan and number = $number and title = $title',
      { plan: PLAN, number: body.tasks[0].number, title: body.tasks[0].title },
    ),
  );
  return { seq: row.seq, count: body.summary.overdue };
}

describe('a planner in Chromium', () => {
  it('signs in, marks an overdue task done, and sees the overdue count drop', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${base}/tasks?plan=${PLAN}`);
      // reads are closed: the browser is sent to sign in, and back after
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.getByLabel('Tên đăng nhập').fill('hcm.planner');
      await page.getByLabel('Mật khẩu').fill(passwordOf('hcm.planner'));
      await page.screenshot({ path: join(SHOTS, 'signin.png') });
      await page.getByLabel('Mật khẩu').press('Enter');
      await page.waitForURL(`${base}/tasks?plan=${PLAN}`);
      await expect(page.locator('header .account').textContent()).resolves.toContain('hcm.planner');

      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({
        name: 'chitieu',
        httpOnly: true,
        sameSite: 'Lax',
        secure: false,
        path: '/',
      });

      const card = page.locator('.card.off_track .big');
      const before = Number((await card.textContent())!.replace(/\D/g, ''));
      const task = await overdue();
      expect(before).toBe(task.count);
      const id = `task-${PLAN}-${task.seq}`;
      // the task list folds by plan: open the folds around the form, as a reader would
      await page
        .locator(`details:has(#${id})`)
        .evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
      const summary = page.locator(`#${id} > summary`);
      await summary.focus();
      await page.keyboard.press('Enter');
      await page
        .getByLabel('Trạng thái')
        .and(page.locator(`#${id}-status`))
        .selectOption('done');
      await page.locator(`#${id}-as-of`).fill('2026-01-20');
      await page.locator(`#${id}-note`).fill('Hoàn thành, báo cáo số 7');
      await page.locator(`#${id}-note`).press('Enter');
      await page.waitForURL(new RegExp(`#${id}$`));
      const after = Number((await card.textContent())!.replace(/\D/g, ''));
      expect(after).toBe(before - 1);
      expect((await overdue()).count).toBe(before - 1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses a form posted to it from another site, recording nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      // signed in here, as a planner reading mail in another tab would be
      await page.goto(`${base}/login`);
      await page.getByLabel('Tên đăng nhập').fill('hcm.planner');
      await page.getByLabel('Mật khẩu').fill(passwordOf('hcm.planner'));
      await page.getByLabel('Mật khẩu').press('Enter');
      await page.waitForURL(`${base}/`);
      const task = await overdue();
      // another site (localhost is not 127.0.0.1 to a browser) with a form aimed at this server
      const evil = createServer((_request, response) => {
        response.setHeader('content-type', 'text/html; charset=utf-8');
        response.end(`<form method="post" action="${base}/tasks/status">
          <input name="plan_id" value="${PLAN}" /><input name="seq" value="${task.seq}" />
          <input name="status" value="cancelled" /><input name="as_of" value="2026-01-20" />
          <button id="go">go</button></form>`);
      });
      await new Promise<void>((done) => evil.listen(0, '127.0.0.1', done));
      try {
        const { port } = evil.address() as AddressInfo;
        await page.goto(`http://localhost:${port}/`);
        await Promise.all([page.waitForURL(/\/login/), page.click('#go')]);
      } finally {
        evil.close();
      }
      // SameSite=Lax keeps the cookie home: the server saw nobody, and would want a CSRF token
      expect(new URL(page.url()).pathname).toBe('/login');
      expect((await overdue()).count).toBe(task.count);
    } finally {
      await context.close();
    }
  });
});
