// /api/accounts for every kind of caller, and the planner's forms on the tasks and procedures
// pages: shown to a planner on the plans of its scope (an admin on all), refused in words outside
// it, for other roles and without the CSRF token; recorded through the API's service, with the
// history under each task and the overdue count following.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoApp, type TestApp } from './app.ts';
import { addUser, browser, csrfOf, get, passwordOf, post, signIn, type Browser } from './signin.ts';

let t: TestApp;
const tokens: Record<string, string> = {};
const PLAN = 'kh-2024-ho-chi-minh';
/** a plan of a unit outside Hồ Chí Minh City and the units it continues (Kiên Giang) */
const ELSEWHERE = 'qd-740-2022-kien-giang';

beforeAll(async () => {
  t = await demoApp();
  for (const role of ['viewer', 'analyst', 'admin'] as const) {
    tokens[role] = t.app.tokens.create(role, null, `accounts ${role}`).token;
  }
  tokens.planner = t.app.tokens.create('planner', 'p79@2025-07-01', 'accounts planner').token;
  await addUser(t.app, 'hcm.planner', 'planner', '79');
  await addUser(t.app, 'hcm.viewer', 'viewer');
  await addUser(t.app, 'root', 'admin');
});
afterAll(async () => t?.close());

const api = (method: 'GET' | 'POST', url: string, token?: string, payload?: object) =>
  t.app.inject({
    method,
    url,
    headers: token ? { authorization: `Bearer ${tokens[token]}` } : {},
    ...(payload ? { payload } : {}),
  });

describe('/api/accounts', () => {
  it('lets an admin add (a one-time password, once), list and disable', async () => {
    const added = await api('POST', '/api/accounts', 'admin', {
      login: 'lan.pham',
      role: 'reporter',
      unit: '79',
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.headers['cache-control']).toBe('no-store');
    const body = added.json();
    expect(body).toMatchObject({ login: 'lan.pham', unit_id: 'p79@2025-07-01', must_change: true });
    expect(body.one_time_password).toMatch(/^[\w-]{16}$/);
    const listed = await api('GET', '/api/accounts', 'admin');
    expect(listed.json().accounts.map((a: { login: string }) => a.login)).toContain('lan.pham');
    expect(listed.body).not.toContain('scrypt');
    const b = browser('10.20.0.1');
    expect((await signIn(t.app, b, 'lan.pham', body.one_time_password)).statusCode).toBe(303);
    const disabled = await api('POST', '/api/accounts/lan.pham/disable', 'admin');
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().disabled_at).not.toBeNull();
    // the pre-password session is gone too
    expect((await get(t.app, b, '/login/password')).statusCode).toBe(303);
  });

  it('refuses a taken login, a bad unit and an unknown account in words', async () => {
    const taken = await api('POST', '/api/accounts', 'admin', { login: 'root', role: 'viewer' });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().error.code).toBe('LOGIN_TAKEN');
    const unit = await api('POST', '/api/accounts', 'admin', {
      login: 'nowhere',
      role: 'planner',
      unit: 'nowhere',
    });
    expect(unit.statusCode).toBe(400);
    const none = await api('POST', '/api/accounts/nobody/disable', 'admin');
    expect(none.statusCode).toBe(404);
  });

  it.each(['viewer', 'analyst', 'planner'])('refuses a %s token (403)', async (role) => {
    expect((await api('GET', '/api/accounts', role)).statusCode).toBe(403);
    expect(
      (await api('POST', '/api/accounts', role, { login: 'x-y', role: 'viewer' })).statusCode,
    ).toBe(403);
    expect((await api('POST', '/api/accounts/root/disable', role)).statusCode).toBe(403);
  });

  it('refuses a caller without a token (401), audited', async () => {
    expect((await api('GET', '/api/accounts')).statusCode).toBe(401);
    expect((await api('POST', '/api/accounts/root/disable')).statusCode).toBe(401);
    // written once the answer is sent
    await vi.waitFor(async () => {
      const rows = await t.app.warehouse.read((db) =>
        db.all(`select action, status from core.audit
                where route = '/api/accounts/:login/disable' and status = 401`),
      );
      expect(rows).toEqual([{ action: 'account.disable', status: 401 }]);
    });
  });
});

/** The seq and overdue count of the first overdue task of a plan, read through the API. */
async function overdueTask(plan: string) {
  const res = await api('GET', `/api/tasks?plan=${plan}&overdue=true`);
  const body = res.json() as {
    summary: { overdue: number };
    tasks: { number: string; title: string }[];
  };
  const task = body.tasks[0];
  const [row] = await t.app.warehouse.read((db) =>
    db.all<{ seq: number }>(
      'select seq from core.tasks where plan_id = $plan and number = $number and title = $title',
      { plan, number: task.number, title: task.title },
    ),
  );
  return { seq: row.seq, overdue: body.summary.overdue };
}

const statusForm = (b: Browser, page: string, fields: Record<string, string>) =>
  post(t.app, b, '/tasks/status', { ...fields, back: page });

describe('the planner form on /tasks', () => {
  let planner: Browser;
  beforeAll(async () => {
    planner = browser('10.21.0.1');
    await signIn(t.app, planner, 'hcm.planner', passwordOf('hcm.planner'));
  });

  it('shows a planner the form on its plans only, with labels; the history to everyone', async () => {
    const page = await get(t.app, planner, `/tasks?plan=${PLAN}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<details class="status-form" id="task-${PLAN}-`);
    expect(page.body).toMatch(/<label for="task-[\w-]+-status">Trạng thái<\/label>/);
    expect(page.body).toContain('<option value="done">');
    const elsewhere = await get(t.app, planner, `/tasks?plan=${ELSEWHERE}`);
    expect(elsewhere.body).toContain('<td>');
    expect(elsewhere.body).not.toContain('class="status-form"');
    const anonymous = await t.app.inject(`/tasks?plan=${PLAN}`);
    expect(anonymous.body).not.toContain('class="status-form"');
  });

  it('records a change through the API service: the task is done, overdue drops by one', async () => {
    const before = await overdueTask(PLAN);
    const page = await get(t.app, planner, `/tasks?plan=${PLAN}`);
    const res = await statusForm(planner, `/tasks?plan=${PLAN}`, {
      _csrf: csrfOf(page.body),
      plan_id: PLAN,
      seq: String(before.seq),
      status: 'done',
      as_of: '2026-01-20',
      note: 'Đã hoàn thành theo báo cáo số 12',
    });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`/tasks?plan=${PLAN}#task-${PLAN}-${before.seq}`);
    const after = await overdueTask(PLAN);
    expect(after.overdue).toBe(before.overdue - 1);
    const detail = (await api('GET', `/api/tasks/${PLAN}/${before.seq}`)).json();
    expect(detail.task.history.at(-1)).toMatchObject({
      status: 'done',
      note: 'Đã hoàn thành theo báo cáo số 12',
      recorded_by: 'user:hcm.planner',
    });
    const again = await get(t.app, planner, `/tasks?plan=${PLAN}`);
    expect(again.body).toContain('Đã hoàn thành theo báo cáo số 12');
    const audit = await t.app.warehouse.read((db) =>
      db.all(`select token_id, action, status from core.audit where route = '/tasks/status'`),
    );
    expect(audit).toEqual([{ token_id: 'user:hcm.planner', action: 'task.status', status: 303 }]);
  });

  it('refuses a plan outside the scope, in Vietnamese, recording nothing', async () => {
    const [{ seq }] = await t.app.warehouse.read((db) =>
      db.all<{ seq: number }>('select seq from core.tasks where plan_id = $plan limit 1', {
        plan: ELSEWHERE,
      }),
    );
    const page = await get(t.app, planner, `/tasks?plan=${PLAN}`);
    const res = await statusForm(planner, '/tasks', {
      _csrf: csrfOf(page.body),
      plan_id: ELSEWHERE,
      seq: String(seq),
      status: 'done',
      as_of: '2026-01-20',
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('nằm ngoài phạm vi đơn vị của tài khoản bạn');
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it('refuses a day in the future in words', async () => {
    const { seq } = await overdueTask(PLAN);
    const page = await get(t.app, planner, `/tasks?plan=${PLAN}`);
    const res = await statusForm(planner, '/tasks', {
      _csrf: csrfOf(page.body),
      plan_id: PLAN,
      seq: String(seq),
      status: 'done',
      as_of: '2099-01-01',
      lang: 'en',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('may not be after today');
  });

  it('refuses the form without its CSRF token (a forged cross-site post)', async () => {
    const { seq, overdue } = await overdueTask(PLAN);
    const res = await statusForm(planner, '/tasks', {
      plan_id: PLAN,
      seq: String(seq),
      status: 'cancelled',
      as_of: '2026-01-20',
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Biểu mẫu đã hết hạn');
    expect((await overdueTask(PLAN)).overdue).toBe(overdue);
  });

  it('refuses a viewer in words, and sends a visitor without a session to sign in', async () => {
    const viewer = browser('10.21.0.2');
    await signIn(t.app, viewer, 'hcm.viewer', passwordOf('hcm.viewer'));
    const page = await get(t.app, viewer, '/tasks');
    expect(page.body).not.toContain('class="status-form"');
    const res = await statusForm(viewer, '/tasks', {
      _csrf: csrfOf(page.body),
      plan_id: PLAN,
      seq: '1',
      status: 'done',
      as_of: '2026-01-20',
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('vai trò viewer');
    const nobody = await statusForm(browser('10.21.0.3'), '/tasks', { plan_id: PLAN, seq: '1' });
    expect(nobody.statusCode).toBe(303);
    expect(nobody.headers.location).toBe('/login');
    const audit = await t.app.warehouse.read((db) =>
      db.all(`select token_id, status, detail::json->>'error' as error from core.audit
              where route = '/tasks/status' and (status <> 303 or detail like '%UNAUTH%')
              order by "at"`),
    );
    expect(audit).toEqual([
      { token_id: 'user:hcm.planner', status: 403, error: 'OUT_OF_SCOPE' },
      { token_id: 'user:hcm.planner', status: 400, error: 'AS_OF_IN_FUTURE' },
      { token_id: 'user:hcm.planner', status: 403, error: 'CSRF_INVALID' },
      { token_id: 'user:hcm.viewer', status: 403, error: 'FORBIDDEN' },
      { token_id: null, status: 303, error: 'UNAUTHENTICATED' },
    ]);
  });

  it('lets an admin record on any plan, procedures too', async () => {
    const admin = browser('10.21.0.4');
    await signIn(t.app, admin, 'root', passwordOf('root'));
    const page = await get(t.app, admin, '/procedures');
    const m = /<details class="status-form" id="procedure-([\w-]+)-(\d+)">/.exec(page.body);
    expect(m).not.toBeNull();
    const res = await post(t.app, admin, '/procedures/status', {
      _csrf: csrfOf(page.body),
      plan_id: m![1],
      seq: m![2],
      status: 'in_progress',
      as_of: '2026-01-20',
      note: '',
      back: '/procedures',
    });
    expect(res.statusCode, res.body).toBe(303);
    const detail = (await api('GET', `/api/procedures/${m![1]}/${m![2]}`)).json();
    expect(detail.procedure.history.at(-1)).toMatchObject({ status: 'in_progress' });
  });
});

describe('a token whose unit was stored as a code', () => {
  it('is read as the code was on the day the token was made, not today', async () => {
    // 77 was Bà Rịa–Vũng Tàu until 1/7/2025 and names nothing today: a token made in March 2025
    // while the server held the database kept the code (unit_id null), as older files do
    const { token, stored } = t.app.tokens.create(
      'planner',
      '77',
      'old Bà Rịa–Vũng Tàu planner',
      new Date('2025-03-01T03:00:00Z'),
    );
    expect(stored.unit_id).toBeNull();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/tasks/kh-bcd-2024-ba-ria-vung-tau/1/status',
      headers: { authorization: `Bearer ${token}` },
      payload: { status: 'in_progress', as_of: '2025-03-01', note: '' },
    });
    expect(res.statusCode, res.body).toBe(201);
  });
});
