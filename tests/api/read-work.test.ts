// The read API's work routes (tasks, procedures, reporting, quality) against the views of the
// same database: filters, summaries and errors.
import { describe, expect, it } from 'vitest';
import { useDemoApp } from './app.ts';
import { DEMO_TODAY } from '../global-setup.ts';
import { tasksResponse } from '../../api/schemas/tasks.ts';
import { proceduresResponse } from '../../api/schemas/procedures.ts';
import { reportingResponse } from '../../api/schemas/reporting.ts';
import { qualityResponse } from '../../api/schemas/quality.ts';

const t = useDemoApp();
const { get, fails, sql } = t;

const count = async (query: string, params: Record<string, string> = {}) =>
  (await sql<{ n: number }>(`select count(*)::integer n from (${query})`, params))[0].n;

const OVERDUE = `select * from tasks
  where due_on < $d::date and status not in ('done', 'cancelled')`;

describe('GET /api/tasks', () => {
  it('puts overdue tasks first, then by due date, and counts them as SQL does', async () => {
    const body = await get(`/api/tasks?as_of=${DEMO_TODAY}`, tasksResponse);
    expect(body.as_of).toBe(DEMO_TODAY);
    expect(body.tasks).toHaveLength(await count('select * from tasks'));
    const overdue = await count(OVERDUE, { d: DEMO_TODAY });
    expect(overdue).toBeGreaterThan(0);
    expect(body.summary.overdue).toBe(overdue);
    expect(body.tasks.slice(0, overdue).every((x) => x.overdue)).toBe(true);
    expect(body.tasks.slice(overdue).some((x) => x.overdue)).toBe(false);
    const dues = body.tasks.slice(0, overdue).map((x) => x.due_on ?? '');
    expect(dues).toEqual([...dues].sort());
    // the demo records some progress (recorded_by 'demo'): the statuses are the view's
    const byStatus = await sql<{ status: string; n: number }>(
      'select status, count(*)::integer n from tasks group by all',
    );
    expect(body.summary.by_status).toEqual(
      Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
    );
    expect(body.summary.by_status.done).toBeGreaterThan(0);
    expect(body.summary.by_status.planned).toBeGreaterThan(body.tasks.length / 2);
  });

  it('filters overdue tasks and counts them by lead unit', async () => {
    const body = await get(`/api/tasks?as_of=${DEMO_TODAY}&overdue=true`, tasksResponse);
    expect(body.tasks).toHaveLength(await count(OVERDUE, { d: DEMO_TODAY }));
    expect(body.tasks.every((x) => x.overdue && x.due_on !== null && x.due_on < DEMO_TODAY)).toBe(
      true,
    );
    // one row per lead agency (agencies view), or per name as printed where none is mapped; a
    // task counts once for each agency it names
    const byLead = await sql<{ lead: string; overdue: number }>(
      `with leads as (
         select t.plan_id, t.seq,
                coalesce('agency:' || l.agency_id, 'name:' || coalesce(l.name, '')) k,
                coalesce(g.name_vi, l.name, '') lead
         from tasks t
         left join core.task_agencies l
           on l.plan_id = t.plan_id and l.seq = t.seq and l.role = 'lead'
         left join agencies g on g.agency_id = l.agency_id
         where t.due_on < $d::date and t.status not in ('done', 'cancelled'))
       select any_value(lead) lead, count(distinct (plan_id, seq))::integer overdue
       from leads group by k order by overdue desc, lead`,
      { d: DEMO_TODAY },
    );
    expect(
      body.summary.overdue_by_lead
        .map(({ lead, overdue }) => ({ lead, overdue }))
        .sort((a, b) => b.overdue - a.overdue || (a.lead < b.lead ? -1 : 1)),
    ).toEqual(byLead);
    // nothing was overdue in 2021
    const early = await get('/api/tasks?as_of=2021-12-01&overdue=true', tasksResponse);
    expect(early.tasks).toEqual([]);
  });

  it('counts one agency once, however the plans spell it', async () => {
    const body = await get(`/api/tasks?as_of=${DEMO_TODAY}`, tasksResponse);
    const spellings = await sql<{ name: string }>(
      `select distinct a.name from core.task_agencies a join tasks t using (plan_id, seq)
       where a.role = 'lead' and a.agency_id = 'so_thong_tin_truyen_thong'
         and t.due_on < $d::date and t.status not in ('done', 'cancelled')
       order by all`,
      { d: DEMO_TODAY },
    );
    // "… Truyền thông", "… truyền thông", "… Truyền Thông": three spellings, one department
    expect(spellings.length).toBeGreaterThanOrEqual(2);
    const rows = body.summary.overdue_by_lead.filter((l) =>
      spellings.some((s) => s.name.toLowerCase() === l.lead.toLowerCase()),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      agency_id: 'so_thong_tin_truyen_thong',
      lead: 'Sở Thông tin và Truyền thông',
    });
    expect([...rows[0].names].sort()).toEqual(spellings.map((s) => s.name).sort());
    // beside each lead of a task, the agency it names
    const task = body.tasks.find((x) => x.leads.includes('Sở Thông tin và Truyền Thông'));
    expect(task?.lead_agency_ids[task.leads.indexOf('Sở Thông tin và Truyền Thông')]).toBe(
      'so_thong_tin_truyen_thong',
    );
    for (const x of body.tasks) expect(x.lead_agency_ids).toHaveLength(x.leads.length);
    // an agency filters every spelling of it
    const led = await get('/api/tasks?agency=so_lao_dong_tbxh', tasksResponse);
    const printed = new Set(led.tasks.flatMap((x) => x.leads));
    expect(printed).toContain('Sở Lao động Thương binh và Xã hội');
    expect(printed).toContain('Sở Lao động - Thương binh và Xã hội');
    for (const x of led.tasks) expect(x.lead_agency_ids).toContain('so_lao_dong_tbxh');
  });

  it('filters by plan, group and lead', async () => {
    const plan = 'qd-740-2022-kien-giang';
    const body = await get(`/api/tasks?plan=${plan}&as_of=${DEMO_TODAY}`, tasksResponse);
    expect(body.tasks).toHaveLength(
      await count('select * from tasks where plan_id = $p', { p: plan }),
    );
    const group = body.tasks[0].group_name ?? '';
    const grouped = await get(
      `/api/tasks?plan=${plan}&group=${encodeURIComponent(group)}`,
      tasksResponse,
    );
    expect(grouped.tasks.length).toBe(
      await count('select * from tasks where plan_id = $p and group_name = $g', {
        p: plan,
        g: group,
      }),
    );
    const led = await get(`/api/tasks?lead=${encodeURIComponent('công an tỉnh')}`, tasksResponse);
    expect(led.tasks.length).toBeGreaterThan(0);
    expect(led.tasks.every((x) => x.lead.toLowerCase().includes('công an tỉnh'))).toBe(true);
    const nfd = await get(
      `/api/tasks?lead=${encodeURIComponent('Công an tỉnh'.normalize('NFD'))}`,
      tasksResponse,
    );
    expect(nfd.tasks).toHaveLength(led.tasks.length);
  });

  it('rejects an unknown plan and bad parameters', async () => {
    expect(await fails('/api/tasks?plan=kh-nope', 404, 'UNKNOWN_PLAN')).toBe(
      'unknown plan: kh-nope',
    );
    await fails('/api/tasks?status=late', 400, 'INVALID_REQUEST');
    await fails('/api/tasks?overdue=maybe', 400, 'INVALID_REQUEST');
    await fails('/api/tasks?as_of=25/01/2026', 400, 'INVALID_REQUEST');
  });
});

describe('GET /api/procedures', () => {
  it('lists procedures with counts per status, filtered by plan', async () => {
    const all = await get('/api/procedures', proceduresResponse);
    expect(all.procedures).toHaveLength(await count('select * from procedures'));
    const byStatus = await sql<{ status: string; n: number }>(
      'select status, count(*)::integer n from procedures group by all',
    );
    expect(all.summary.by_status).toEqual(Object.fromEntries(byStatus.map((r) => [r.status, r.n])));
    const one = await get('/api/procedures?plan=qd-740-2022-kien-giang', proceduresResponse);
    expect(one.procedures).toHaveLength(25);
    expect(one.procedures[0]).toMatchObject({
      number: '1',
      online_level: '4',
      due_on: '2022-03-31',
    });
    const done = await get('/api/procedures?status=done', proceduresResponse);
    expect(done.procedures.length).toBe(
      await count("select * from procedures where status = 'done'"),
    );
    expect(done.procedures.every((p) => p.status === 'done' && !p.overdue)).toBe(true);
    await fails('/api/procedures?plan=nope', 404, 'UNKNOWN_PLAN');
  });
});

describe('GET /api/reporting', () => {
  it("grids VN's children that owe reports by month, with the view's statuses", async () => {
    const body = await get('/api/reporting?unit=VN', reportingResponse);
    const rows = await sql<{ unit_id: string; period: string; status: string }>(
      'select unit_id, period, status from reporting order by unit_id, period',
    );
    expect(body.units.map((u) => u.unit_id)).toEqual(['p77', 'p79', 'p91']);
    expect(body.cells.map(({ unit_id, period, status }) => ({ unit_id, period, status }))).toEqual(
      rows,
    );
    const byStatus = await sql<{ status: string; n: number }>(
      'select status, count(*)::integer n from reporting group by all',
    );
    expect(body.summary).toEqual(Object.fromEntries(byStatus.map((r) => [r.status, r.n])));
    // every month from the first to the last, none skipped
    expect(body.periods[0]).toBe(rows.map((r) => r.period).sort()[0]);
    expect(body.periods.length).toBe(new Set(body.periods).size);
    expect(body.periods).toContain('2023-01');
  });

  it('shows a unit its own row, within from–to', async () => {
    const body = await get('/api/reporting?unit=91&from=2024-Q1&to=2024-03', reportingResponse);
    expect(body.unit.unit_id).toBe('p91');
    expect(body.periods).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(body.units.map((u) => u.unit_id)).toEqual(['p91']);
    const rows = await sql<{ period: string; status: string; due_on: string }>(
      `select period, status, strftime(due_on, '%Y-%m-%d') due_on from reporting
       where unit_id = 'p91' and period between '2024-01' and '2024-03' order by period`,
    );
    expect(body.cells.map(({ period, status, due_on }) => ({ period, status, due_on }))).toEqual(
      rows,
    );
  });

  it('rejects bad periods and unknown units', async () => {
    await fails('/api/reporting?from=2024-13', 400, 'INVALID_PERIOD');
    await fails('/api/reporting?from=2025&to=2024', 400, 'INVALID_PERIOD');
    await fails('/api/reporting?unit=nowhere', 404, 'UNKNOWN_UNIT');
  });
});

describe('GET /api/quality', () => {
  it('lists findings with counts by rule, as the view has them', async () => {
    const body = await get('/api/quality', qualityResponse);
    expect(body.total).toBe(await count('select * from quality_findings'));
    const byRule = await sql<{ rule: string; severity: string; count: number }>(
      `select rule, severity, count(*)::integer count from quality_findings
       group by all order by count desc, rule`,
    );
    expect(body.by_rule).toEqual(byRule);
    expect(body.findings).toHaveLength(body.total);
  });

  it('filters by unit, period, severity and batch, and caps the list at limit', async () => {
    const country = await get('/api/quality?unit=VN', qualityResponse);
    expect(country.total).toBe(
      await count('select * from quality_findings where unit_id is not null'),
    );
    const capped = await get('/api/quality?limit=1', qualityResponse);
    expect(capped.findings).toHaveLength(1);
    expect(capped.total).toBeGreaterThan(1);
    const [one] = await sql<{ unit_id: string; period: string; batch_id: string }>(
      'select unit_id, period, batch_id from quality_findings where batch_id is not null limit 1',
    );
    const unit = await get(`/api/quality?unit=${one.unit_id}`, qualityResponse);
    expect(unit.total).toBe(
      await count('select * from quality_findings where unit_id = $u', { u: one.unit_id }),
    );
    const period = await get(`/api/quality?period=${one.period}`, qualityResponse);
    expect(period.findings.every((f) => f.period === one.period)).toBe(true);
    expect(period.total).toBe(
      await count('select * from quality_findings where period = $p', { p: one.period }),
    );
    const batch = await get(`/api/quality?batch=${one.batch_id}`, qualityResponse);
    expect(batch.total).toBe(
      await count('select * from quality_findings where batch_id = $b', { b: one.batch_id }),
    );
    const errors = await get('/api/quality?severity=error', qualityResponse);
    expect(errors.total).toBe(
      await count("select * from quality_findings where severity = 'error'"),
    );
  });

  it('rejects a bad limit or severity and an unknown unit', async () => {
    await fails('/api/quality?limit=0', 400, 'INVALID_REQUEST');
    await fails('/api/quality?limit=ten', 400, 'INVALID_REQUEST');
    await fails('/api/quality?severity=fatal', 400, 'INVALID_REQUEST');
    await fails('/api/quality?unit=nowhere', 404, 'UNKNOWN_UNIT');
    await fails('/api/quality?period=someday', 400, 'INVALID_PERIOD');
  });
});

describe('after a task is done', () => {
  it('is no longer overdue, and the tasks ETag changes', async () => {
    const url = `/api/tasks?as_of=${DEMO_TODAY}&overdue=true`;
    const before = await t.app.inject(url);
    const [first] = tasksResponse.parse(before.json()).tasks;
    const doneBefore = tasksResponse.parse(before.json()).summary.by_status.done ?? 0;
    await t.app.warehouse.write(async (db) => {
      await db.run(
        `insert into core.task_status_history (plan_id, seq, status, as_of, source)
         values ($p, $s, 'done', date '2026-01-01', 'test')`,
        { p: first.plan_id, s: first.seq },
      );
      // the API's writes stamp the data version; a test writing by hand does it itself
      await db.run("insert or replace into core.meta values ('test_write', 'task done')");
    });
    const after = await t.app.inject({ url, headers: { 'if-none-match': before.headers.etag } });
    expect(after.statusCode).toBe(200);
    const body = tasksResponse.parse(after.json());
    expect(body.tasks.some((x) => x.plan_id === first.plan_id && x.seq === first.seq)).toBe(false);
    expect(body.summary.by_status.done).toBe(doneBefore + 1);
  });
});
