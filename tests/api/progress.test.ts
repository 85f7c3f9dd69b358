// Task and procedure progress over HTTP: who may record (a planner in its scope — its unit, the
// units under it and those it continues across the 2025 reform — or an admin), what is refused
// (400, 403 naming the scope, 404), the history kept with who and when, the current status as the
// latest by as_of, and overdue leaving the API and the overview once a task is done.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseHTML } from 'linkedom';
import { useDemoApp } from './app.ts';
import { DEMO_TODAY } from '../global-setup.ts';
import {
  taskDetailResponse,
  taskRecorded,
  tasksResponse,
  type ListedTask,
} from '../../api/schemas/tasks.ts';
import {
  procedureDetailResponse,
  procedureRecorded,
  proceduresResponse,
} from '../../api/schemas/procedures.ts';

// "today" is the demo's: a status may not be dated after it (registered before the app starts)
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(`${DEMO_TODAY}T08:00:00Z`));
});
afterAll(() => {
  vi.useRealTimers();
});

const t = useDemoApp();
const KG = 'qd-740-2022-kien-giang'; // Kiên Giang (p91), merged into today's An Giang
const HCM = 'kh-2024-ho-chi-minh';
const PRTC = 'kh-96-2022-phan-rang-thap-cham'; // a city of Ninh Thuận, not in the unit list

const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
beforeAll(() => {
  const make = (
    name: string,
    role: Parameters<typeof t.app.tokens.create>[0],
    unit: string | null,
  ) => {
    const { token, stored } = t.app.tokens.create(role, unit, `progress ${name}`);
    tokens[name] = token;
    ids[name] = stored.id;
  };
  make('anGiang', 'planner', 'p91@2025-07-01');
  make('hcm', 'planner', 'p79@2025-07-01');
  make('khanhHoa', 'planner', 'p56@2025-07-01');
  make('admin', 'admin', null);
  make('reporter', 'reporter', 'p91@2025-07-01');
  make('viewer', 'viewer', null);
  make('analyst', 'analyst', null);
});

const post = (url: string, who: string | null, payload: object) =>
  t.app.inject({
    method: 'POST',
    url,
    payload,
    headers: who ? { authorization: `Bearer ${tokens[who]}` } : {},
  });

const body = (status: string, as_of: string, extra: object = {}) => ({
  status,
  as_of,
  note: 'Đã ban hành văn bản',
  ...extra,
});

/** An open task of the plan, overdue today, that nobody recorded anything for. */
async function overdueTask(plan: string, skip: number[] = []): Promise<ListedTask> {
  const list = tasksResponse.parse(
    (await t.app.inject(`/api/tasks?plan=${plan}&overdue=true&history=1`)).json(),
  );
  const task = list.tasks.find((x) => x.history!.length === 0 && !skip.includes(x.seq));
  if (!task) throw new Error(`no fresh overdue task in ${plan}`);
  return task;
}

describe('POST /api/tasks/{plan_id}/{seq}/status', () => {
  it('a planner of the successor unit records a task of a predecessor’s plan: 201, kept with who and when', async () => {
    const task = await overdueTask(KG);
    const res = await post(`/api/tasks/${KG}/${task.seq}/status`, 'anGiang', {
      ...body('done', '2026-01-20'),
      evidence_url: 'https://kiengiang.gov.vn/van-ban/123',
    });
    expect(res.statusCode, res.body).toBe(201);
    const out = taskRecorded.parse(res.json());
    expect(out.current).toBe(true);
    expect(out.recorded).toMatchObject({
      status: 'done',
      as_of: '2026-01-20',
      note: 'Đã ban hành văn bản',
      evidence_url: 'https://kiengiang.gov.vn/van-ban/123',
      recorded_by: `token:${ids.anGiang} (progress anGiang)`,
      source: 'api',
    });
    expect(out.recorded.recorded_at).toMatch(/^2026-01-25T08:00:00\.\d{3}Z$/);
    expect(out.task).toMatchObject({
      plan_id: KG,
      seq: task.seq,
      status: 'done',
      status_as_of: '2026-01-20',
      overdue: false,
    });
    expect(out.task.history.at(-1)).toEqual(out.recorded);
    // the analyst view holds the same row
    const [row] = await t.sql<Record<string, unknown>>(
      `select status, strftime(as_of, '%Y-%m-%d') as_of, recorded_by, number, evidence_url
       from task_status_history where plan_id = $p and seq = $s::integer`,
      { p: KG, s: String(task.seq) },
    );
    expect(row).toEqual({
      status: 'done',
      as_of: '2026-01-20',
      recorded_by: out.recorded.recorded_by,
      number: task.number,
      evidence_url: 'https://kiengiang.gov.vn/van-ban/123',
    });
  });

  it('refuses a planner outside its scope with 403 naming the scope', async () => {
    const task = await overdueTask(KG);
    const res = await post(
      `/api/tasks/${KG}/${task.seq}/status`,
      'hcm',
      body('done', '2026-01-20'),
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('OUT_OF_SCOPE');
    expect(res.json().error.message).toContain(`plan ${KG} (unit p91)`);
    expect(res.json().error.message).toContain('Thành phố Hồ Chí Minh (p79@2025-07-01)');
    // HCM's planner does record for its own plans, and for Bà Rịa–Vũng Tàu's (merged into it)
    const own = await overdueTask(HCM);
    expect(
      (await post(`/api/tasks/${HCM}/${own.seq}/status`, 'hcm', body('in_progress', '2025-08-01')))
        .statusCode,
    ).toBe(201);
    const brvt = await overdueTask('kh-bcd-2024-ba-ria-vung-tau');
    expect(
      (
        await post(
          `/api/tasks/kh-bcd-2024-ba-ria-vung-tau/${brvt.seq}/status`,
          'hcm',
          body('done', '2025-03-01'),
        )
      ).statusCode,
    ).toBe(201);
    // and the refusal is audited with who tried
    await vi.waitFor(async () => {
      const rows = await t.sql(
        `select role, action, status, detail::json->>'error' as error from core.audit
         where token_id = $id order by status`,
        { id: ids.hcm },
      );
      expect(rows).toEqual([
        { role: 'planner', action: 'task.status', status: 201, error: null },
        { role: 'planner', action: 'task.status', status: 201, error: null },
        { role: 'planner', action: 'task.status', status: 403, error: 'OUT_OF_SCOPE' },
      ]);
    });
  });

  it('places a plan whose unit is not in the database by the plan it derives from', async () => {
    // Phan Rang–Tháp Chàm's city plan derives from Ninh Thuận's (p58, merged into Khánh Hòa)
    const task = await overdueTask(PRTC);
    const ok = await post(
      `/api/tasks/${PRTC}/${task.seq}/status`,
      'khanhHoa',
      body('done', '2025-02-01'),
    );
    expect(ok.statusCode, ok.body).toBe(201);
    const no = await post(
      `/api/tasks/${PRTC}/${task.seq}/status`,
      'anGiang',
      body('done', '2025-02-01'),
    );
    expect(no.statusCode).toBe(403);
    expect(no.json().error.message).toContain('placed by plan kh-590-2022-ninh-thuan under p58');
  });

  it('lets an admin record anywhere; refuses reporters, viewers, analysts and no token', async () => {
    const task = await overdueTask(KG);
    const url = `/api/tasks/${KG}/${task.seq}/status`;
    for (const who of ['reporter', 'viewer', 'analyst']) {
      const res = await post(url, who, body('done', '2026-01-01'));
      expect([who, res.statusCode, res.json().error.code]).toEqual([who, 403, 'FORBIDDEN']);
    }
    expect((await post(url, null, body('done', '2026-01-01'))).statusCode).toBe(401);
    expect((await post(url, 'admin', body('cancelled', '2026-01-01'))).statusCode).toBe(201);
  });

  it('answers 400 for an unknown status, a day in the future or before the plan, a bad link', async () => {
    const task = await overdueTask(KG);
    const url = `/api/tasks/${KG}/${task.seq}/status`;
    const refused = async (payload: object, code: string, words: string) => {
      const res = await post(url, 'anGiang', payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.message).toContain(words);
    };
    await refused(body('finished', '2026-01-01'), 'INVALID_REQUEST', 'status');
    await refused(body('done', '2026-01-26'), 'AS_OF_IN_FUTURE', 'today is 2026-01-25');
    await refused(body('done', '2022-03-16'), 'AS_OF_BEFORE_PLAN', '2022-03-17');
    await refused(body('done', '31/12/2025'), 'INVALID_REQUEST', 'as_of');
    await refused(
      body('done', '2026-01-01', { evidence_url: 'javascript:alert(1)' }),
      'INVALID_EVIDENCE_URL',
      'http',
    );
    await refused({ status: 'done', as_of: '2026-01-01' }, 'INVALID_REQUEST', 'note');
    // nothing was recorded by any of them
    const detail = taskDetailResponse.parse(
      (await t.app.inject(`/api/tasks/${KG}/${task.seq}`)).json(),
    );
    expect(detail.task.history).toEqual([]);
  });

  it('answers 404 for an unknown plan or task', async () => {
    const unknownPlan = await post(
      '/api/tasks/kh-nope/1/status',
      'admin',
      body('done', '2025-01-01'),
    );
    expect([unknownPlan.statusCode, unknownPlan.json().error.code]).toEqual([404, 'UNKNOWN_PLAN']);
    const unknownTask = await post(
      `/api/tasks/${KG}/9999/status`,
      'admin',
      body('done', '2025-01-01'),
    );
    expect([unknownTask.statusCode, unknownTask.json().error.code]).toEqual([404, 'UNKNOWN_TASK']);
    expect((await t.app.inject(`/api/tasks/${KG}/9999`)).statusCode).toBe(404);
  });
});

describe('history and the current status', () => {
  it('keeps every change; the current one is the latest by as_of, whatever the order recorded', async () => {
    const task = await overdueTask(KG);
    const url = `/api/tasks/${KG}/${task.seq}/status`;
    await post(url, 'anGiang', body('done', '2025-06-30'));
    // recorded later, but dated earlier: history, not the current status
    const late = taskRecorded.parse(
      (await post(url, 'anGiang', body('in_progress', '2024-05-02'))).json(),
    );
    expect(late.current).toBe(false);
    expect(late.task).toMatchObject({ status: 'done', status_as_of: '2025-06-30' });
    const detail = taskDetailResponse.parse(
      (await t.app.inject(`/api/tasks/${KG}/${task.seq}`)).json(),
    );
    expect(detail.task.history.map((h) => [h.status, h.as_of])).toEqual([
      ['in_progress', '2024-05-02'],
      ['done', '2025-06-30'],
    ]);
    // read as of a day before it was done, it was in progress and overdue then
    const then = taskDetailResponse.parse(
      (await t.app.inject(`/api/tasks/${KG}/${task.seq}?as_of=2025-01-01`)).json(),
    );
    expect(then.task).toMatchObject({ status: 'in_progress', overdue: true });
    const listed = tasksResponse.parse(
      (await t.app.inject(`/api/tasks?plan=${KG}&history=true`)).json(),
    );
    expect(listed.tasks.find((x) => x.seq === task.seq)?.history).toEqual(detail.task.history);
    expect(
      tasksResponse.parse((await t.app.inject(`/api/tasks?plan=${KG}`)).json()).tasks[0].history,
    ).toBeUndefined();
  });

  it('counts completion by lead agency and by group, as SQL over the tasks view does', async () => {
    const list = tasksResponse.parse((await t.app.inject(`/api/tasks?plan=${KG}`)).json());
    const groups = await t.sql<{ group_name: string; total: number; done: number }>(
      `select group_name, count(*)::integer total, count(*) filter (status = 'done')::integer done
       from tasks where plan_id = $p group by group_name order by min(seq)`,
      { p: KG },
    );
    expect(
      list.summary.completion_by_group.map(({ group_name, total, done }) => ({
        group_name,
        total,
        done,
      })),
    ).toEqual(groups);
    for (const g of list.summary.completion_by_group) {
      const owed = g.total - g.cancelled;
      expect(g.rate).toBe(owed ? Math.round((1000 * g.done) / owed) / 10 : null);
    }
    const police = list.summary.completion_by_lead.find((l) => l.agency_id === 'cong_an_tinh');
    expect(police?.total).toBe(
      list.tasks.filter((x) => x.lead_agency_ids.includes('cong_an_tinh')).length,
    );
    expect(list.summary.completion_by_lead.reduce((n, l) => n + l.total, 0)).toBeGreaterThanOrEqual(
      list.summary.total,
    );
  });
});

describe('overdue follows the recorded status', () => {
  it('a task marked done leaves the overdue list, the counts and the overview', async () => {
    // the overview (of the whole country by default) counts the tasks of the plans in its unit's
    // scope (plansInScope) and links to the same list: GET /api/tasks?unit=VN&overdue=true
    const overdueOnPage = async () => {
      const res = await t.app.inject('/');
      expect(res.statusCode).toBe(200);
      const { document } = parseHTML(res.body);
      const link = document.querySelector('a[data-count="overdue"]');
      const href = new URL(link?.getAttribute('href') ?? '', 'http://x');
      expect([
        href.pathname,
        href.searchParams.get('unit'),
        href.searchParams.get('overdue'),
      ]).toEqual(['/tasks', 'VN', 'true']);
      return Number((link?.textContent ?? '').replace(/[^\d]/g, ''));
    };
    const national = async () =>
      tasksResponse.parse((await t.app.inject('/api/tasks?unit=VN&overdue=true')).json());
    const before = tasksResponse.parse((await t.app.inject('/api/tasks?overdue=true')).json());
    // every plan sits under the country: its scope is every task
    expect((await national()).summary.overdue).toBe(before.summary.overdue);
    expect(await overdueOnPage()).toBe(before.summary.overdue);
    const task = await overdueTask(KG);
    expect(
      (await post(`/api/tasks/${KG}/${task.seq}/status`, 'anGiang', body('done', '2026-01-25')))
        .statusCode,
    ).toBe(201);
    const after = tasksResponse.parse((await t.app.inject('/api/tasks?overdue=true')).json());
    expect(after.summary.overdue).toBe(before.summary.overdue - 1);
    expect(after.tasks.some((x) => x.plan_id === KG && x.seq === task.seq)).toBe(false);
    expect((await national()).summary.overdue).toBe(after.summary.overdue);
    expect(await overdueOnPage()).toBe(after.summary.overdue);
    // the same count as SQL over the view, by the status recorded
    const [{ n }] = await t.sql<{ n: number }>(
      `select count(*)::integer n from tasks
       where due_on < $d::date and status not in ('done', 'cancelled')`,
      { d: DEMO_TODAY },
    );
    expect(after.summary.overdue).toBe(n);
  });
});

describe('POST /api/procedures/{plan_id}/{seq}/status', () => {
  it('records like a task: scope, checks, history, overdue', async () => {
    const list = proceduresResponse.parse(
      (await t.app.inject(`/api/procedures?plan=${KG}&history=1`)).json(),
    );
    const open = list.procedures.find((p) => p.overdue && p.history!.length === 0)!;
    expect(open).toBeDefined();
    const url = `/api/procedures/${KG}/${open.seq}/status`;
    const no = await post(url, 'hcm', body('done', '2025-01-01'));
    expect([no.statusCode, no.json().error.code]).toEqual([403, 'OUT_OF_SCOPE']);
    expect((await post(url, 'reporter', body('done', '2025-01-01'))).statusCode).toBe(403);
    expect((await post(url, 'anGiang', body('finished', '2025-01-01'))).statusCode).toBe(400);
    expect((await post(url, 'anGiang', body('done', '2027-01-01'))).statusCode).toBe(400);
    const res = await post(url, 'anGiang', body('done', '2025-01-01'));
    expect(res.statusCode, res.body).toBe(201);
    const out = procedureRecorded.parse(res.json());
    expect(out.procedure).toMatchObject({
      status: 'done',
      status_as_of: '2025-01-01',
      overdue: false,
    });
    const after = proceduresResponse.parse(
      (await t.app.inject(`/api/procedures?plan=${KG}`)).json(),
    );
    expect(after.summary.overdue).toBe(list.summary.overdue - 1);
    expect(after.summary.by_status.done).toBe((list.summary.by_status.done ?? 0) + 1);
    const detail = procedureDetailResponse.parse(
      (await t.app.inject(`/api/procedures/${KG}/${open.seq}`)).json(),
    );
    expect(detail.procedure.history.map((h) => h.recorded_by)).toEqual([
      `token:${ids.anGiang} (progress anGiang)`,
    ]);
    const [row] = await t.sql<{ status: string }>(
      'select status from procedure_status_history where plan_id = $p and seq = $s::integer',
      { p: KG, s: String(open.seq) },
    );
    expect(row.status).toBe('done');
    expect(
      (await post(`/api/procedures/${KG}/999/status`, 'admin', body('done', '2025-01-01')))
        .statusCode,
    ).toBe(404);
  });
});
