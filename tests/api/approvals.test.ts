// POST /api/approvals by role and scope, and the lock it sets: a reporter's revision of an approved
// figure is refused naming the approval (through the fast path's file too), a new figure still
// loads, an admin's revision loads and is flagged (approvedRevisions lists it), a quarter's
// approval covers its months and the units under the unit; `chitieu approve`.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, type TestApp } from './app.ts';
import { approvedRevisions } from '../../indicators/approvals.ts';
import { readPeriod } from '../../pipelines/normalize/lookup.ts';
import { main } from '../../cli/main.ts';
import { bufferIo } from '../helpers.ts';
import { addUser, browser, csrfOf, get, passwordOf, post, signIn } from './signin.ts';

let t: TestApp;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  t = await demoApp();
  const make = (
    name: string,
    role: Parameters<typeof t.app.tokens.create>[0],
    unit: string | null,
  ) => (tokens[name] = t.app.tokens.create(role, unit, name).token);
  make('admin', 'admin', null);
  make('reporter', 'reporter', 'p01@2025-07-01');
  make('analyst', 'analyst', null);
  make('hanoiPlanner', 'planner', 'p01@2025-07-01');
  make('nationalPlanner', 'planner', 'VN');
});
afterAll(async () => t.close());

const approve = (who: string | null, body: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/approvals',
    headers: who ? { authorization: `Bearer ${tokens[who]}` } : {},
    payload: body,
  });

async function ingest(who: string, csv: string) {
  const data = new FormData();
  data.append('file', new Blob([csv]), 'so-lieu.csv');
  const encoded = new Response(data);
  return t.app.inject({
    method: 'POST',
    url: '/api/ingest',
    headers: {
      authorization: `Bearer ${tokens[who]}`,
      'content-type': encoded.headers.get('content-type')!,
    },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

const figure = (period: string, metric = 'cccd_issued') =>
  t.app.warehouse.read(async (db) =>
    Number(
      await db.scalar(
        `select value from observations where unit_code = '01' and period = $period and metric = $metric`,
        { period, metric },
      ),
    ),
  );

const csv = (rows: string[]) => `unit_code,period,metric,value\n${rows.join('\n')}\n`;

describe('POST /api/approvals', () => {
  it('lets an admin approve, once; refuses other roles and no token', async () => {
    const first = await approve('admin', { unit: '01', period: '2026-01' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      unit_id: 'p01@2025-07-01',
      period: '2026-01',
      approved_by: expect.stringContaining('(admin)'),
    });
    const again = await approve('admin', { unit: '01', period: '2026-01' });
    expect(again.statusCode).toBe(200);
    expect(again.json().approval_id).toBe(first.json().approval_id);
    expect((await approve('reporter', { unit: '01', period: '2026-01' })).statusCode).toBe(403);
    expect((await approve('analyst', { unit: '01', period: '2026-01' })).statusCode).toBe(403);
    expect((await approve(null, { unit: '01', period: '2026-01' })).statusCode).toBe(401);
    expect((await approve('admin', { unit: '01', period: 'Q9' })).statusCode).toBe(400);
    const list = await t.app.inject('/api/approvals');
    expect(list.json().approvals.map((a: { period: string }) => a.period)).toContain('2026-01');
  });

  it("lets a province's planner approve its province only", async () => {
    const own = await approve('hanoiPlanner', { unit: '01', period: '2026-06' });
    expect(own.statusCode, own.body).toBe(201);
    const other = await approve('hanoiPlanner', { unit: '79', period: '2026-06' });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.message).toContain('ngoài Hà Nội');
    const national = await approve('nationalPlanner', { unit: '01', period: '2026-06' });
    expect(national.statusCode).toBe(403);
    expect(national.json().error.message).toContain('cấp tỉnh');
  });
});

describe('an approved period', () => {
  it("refuses a reporter's revision, naming the approval, and still takes new figures", async () => {
    // figures of 2026-02, then the period approved
    expect((await ingest('admin', csv(['01,2026-02,cccd_issued,100']))).statusCode).toBe(200);
    expect((await approve('admin', { unit: 'VN', period: '2026-Q1' })).statusCode).toBe(201);

    const revised = await ingest('reporter', csv(['01,2026-02,cccd_issued,101']));
    expect(revised.statusCode, revised.body).toBe(422);
    const body = revised.json();
    expect(body.error.code).toBe('PERIOD_APPROVED');
    expect(body.errors[0]).toMatchObject({ rule: 'approved_period', row: 2 });
    // who, when, which unit and period
    expect(body.errors[0].message).toMatch(
      /VN 2026-Q1 was approved by token:\S+ \(admin\), 20\d\d-/,
    );
    expect(await figure('2026-02')).toBe(100);

    const fresh = await ingest('reporter', csv(['01,2026-02,cccd_eligible,500']));
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.json().status).toBe('loaded');
  });

  it("loads an admin's revision and flags it for the pack", async () => {
    const revised = await ingest('admin', csv(['01,2026-02,cccd_issued,102']));
    expect(revised.statusCode, revised.body).toBe(200);
    expect(revised.json().warnings.map((w: { rule: string }) => w.rule)).toContain(
      'approved_period',
    );
    expect(await figure('2026-02')).toBe(102);
    const flagged = await t.app.warehouse.read((db) =>
      approvedRevisions(db, 'VN', readPeriod('2026-Q1')),
    );
    expect(flagged).toMatchObject([
      {
        unit_code: '01',
        period: '2026-02',
        metric: 'cccd_issued',
        previous_value: 100,
        value: 102,
        approved_period: '2026-Q1',
        batch_id: revised.json().batchId,
      },
    ]);
    // the quarterly pack lists it, in words, with the figure before and after
    const pack = await t.app.inject({ url: '/pack?unit=VN&period=2026-Q1' });
    expect(pack.statusCode, pack.body).toBe(200);
    const section = /<section aria-labelledby="locked-revisions">([\s\S]*?)<\/section>/.exec(
      pack.body,
    );
    expect(section?.[1]).toContain('Số liệu được sửa sau khi kỳ đã phê duyệt');
    expect(section?.[1]).toContain('<td>Hà Nội</td>');
    expect(section?.[1]).toMatch(/<td class="num">100<\/td>\s*<td class="num">102<\/td>/);
    expect(section?.[1]).toContain('Quý I/2026 đã phê duyệt');
    // another quarter, another unit's subtree: nothing
    expect(
      await t.app.warehouse.read((db) => approvedRevisions(db, 'VN', readPeriod('2026-Q2'))),
    ).toEqual([]);
    expect(
      await t.app.warehouse.read((db) =>
        approvedRevisions(db, 'p79@2025-07-01', readPeriod('2026-Q1')),
      ),
    ).toEqual([]);
  });

  it('leaves periods outside the approval open', async () => {
    expect((await ingest('admin', csv(['01,2026-04,cccd_issued,10']))).statusCode).toBe(200);
    const revised = await ingest('reporter', csv(['01,2026-04,cccd_issued,11']));
    expect(revised.statusCode, revised.body).toBe(200);
    expect(await figure('2026-04')).toBe(11);
  });
});

describe('chitieu approve', () => {
  it('approves on the database file, and says usage for a missing argument', async () => {
    await t.app.warehouse.write((db) => db.run('checkpoint'));
    const copy = join(t.dir, 'copy.duckdb');
    copyFileSync(t.config.dbPath, copy);
    const io = bufferIo(copy);
    expect(await main(['approve', '--unit', '79', '--period', '2026-05'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^a-/);
    expect(io.stderr[0]).toContain('đã phê duyệt');
    expect(await main(['approve', '--unit', '79'], io)).toBe(2);
  });
});

describe('the pack page (signed in)', () => {
  // the demo's quarter: An Giang (p91) and Hà Nội (p01) after the reform
  const pack = (unit: string) => `/pack?unit=${unit}&period=2025-Q4`;

  it('asks nobody for a token: a visitor is sent to sign in, a reporter sees no forms', async () => {
    const visitor = browser();
    const page = await get(t.app, visitor, pack('p91@2025-07-01'));
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/token/i);
    expect(page.body).toContain('chưa được phê duyệt');
    expect(page.body).toMatch(/href="\/login\?next=[^"]*pack/);
    expect(page.body).not.toContain('action="/pack/approve"');
    expect(page.body).not.toContain('action="/pack/review"');

    await addUser(t.app, 'bao.cao.viet', 'reporter', 'p91@2025-07-01');
    const reporter = browser('10.0.0.31');
    await signIn(t.app, reporter, 'bao.cao.viet', passwordOf('bao.cao.viet'));
    const seen = await get(t.app, reporter, pack('p91@2025-07-01'));
    expect(seen.body).not.toContain('action="/pack/approve"');
    expect(seen.body).toContain('Chỉ quản trị viên lưu được bản đã xem xét');
  });

  it("lets a province's planner approve its quarter from the pack, and no other province's", async () => {
    await addUser(t.app, 'ke.hoach.an.giang', 'planner', 'p91@2025-07-01');
    const b = browser('10.0.0.32');
    await signIn(t.app, b, 'ke.hoach.an.giang', passwordOf('ke.hoach.an.giang'));
    const page = await get(t.app, b, pack('p91@2025-07-01'));
    expect(page.body).toContain('action="/pack/approve"');
    expect(page.body).not.toContain('action="/pack/review"');
    const form = {
      unit: 'p91@2025-07-01',
      period: '2025-Q4',
      lang: 'vi',
      _csrf: csrfOf(page.body),
    };
    // without the form's CSRF token nothing is approved
    const forged = await post(t.app, b, '/pack/approve', { ...form, _csrf: 'x' });
    expect(forged.statusCode).toBe(403);
    const other = await post(t.app, b, '/pack/approve', { ...form, unit: 'p01@2025-07-01' });
    expect(other.statusCode).toBe(403);
    expect(other.body).toContain('nằm ngoài');
    const done = await post(t.app, b, '/pack/approve', form);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/pack?unit=p91%402025-07-01&period=2025-Q4');
    const approvals = (await t.app.inject('/api/approvals')).json().approvals;
    expect(approvals).toContainEqual(
      expect.objectContaining({
        unit_id: 'p91@2025-07-01',
        period: '2025-Q4',
        approved_by: 'ke.hoach.an.giang',
      }),
    );
    const byPlanner = approvals.filter(
      (a: { approved_by: string }) => a.approved_by === 'ke.hoach.an.giang',
    );
    expect(byPlanner).toHaveLength(1);
    const after = await get(t.app, b, pack('p91@2025-07-01'));
    expect(after.body).toContain('đã được phê duyệt');
    expect(after.body).toContain('ke.hoach.an.giang');
    expect(after.body).not.toContain('action="/pack/approve"');
  });

  it('lets a signed-in admin save the pack as reviewed, recorded under the login', async () => {
    await addUser(t.app, 'quan.tri', 'admin');
    const b = browser('10.0.0.33');
    await signIn(t.app, b, 'quan.tri', passwordOf('quan.tri'));
    const page = await get(t.app, b, pack('p01@2025-07-01'));
    expect(page.body).toContain('action="/pack/review"');
    const form = {
      unit: 'p01@2025-07-01',
      period: '2025-Q4',
      lang: 'vi',
      _csrf: csrfOf(page.body),
    };
    const saved = await post(t.app, b, '/pack/review', form);
    expect(saved.statusCode).toBe(303);
    const reviewed = await get(t.app, b, pack('p01@2025-07-01'));
    expect(reviewed.body).toMatch(/Số liệu đã được xem xét ngày [^<]*\(quan\.tri\)/);
    const by = await t.app.warehouse.read((db) =>
      db.scalar<string>(
        `select reviewed_by from core.pack_reviews where unit_id = 'p01@2025-07-01'`,
      ),
    );
    expect(by).toBe('user:quan.tri');
  });
});
