// POST /api/plans: an admin sends a plan file (its YAML as the body) and it is stored as the
// plan's next version — 201, or 200 when the bytes are those of the current version; other roles
// get 403, a broken file 422 with every problem and its path, nothing written. A current plan
// that sets a reporting day puts its units on the reporting grid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useDemoApp } from './app.ts';
import { DEMO_TODAY } from '../global-setup.ts';
import { plansResponse } from '../../api/schemas/plans.ts';
import { reportingResponse } from '../../api/schemas/reporting.ts';

const t = useDemoApp();

let fixed: string | undefined;
beforeAll(() => {
  // the engine's refresh after an import reads today: the demo's
  fixed = process.env.CHITIEU_TODAY;
  process.env.CHITIEU_TODAY = DEMO_TODAY;
});
afterAll(() => {
  if (fixed === undefined) delete process.env.CHITIEU_TODAY;
  else process.env.CHITIEU_TODAY = fixed;
});

const plan = (over: Record<string, unknown> = {}) => ({
  id: 'kh-thu-api-hcm',
  document_no: '9/KH-THU',
  title: 'Kế hoạch thử qua API (dữ liệu kiểm thử)',
  issuer: 'UBND Thành phố Hồ Chí Minh',
  unit_code: '79',
  unit_name: 'Thành phố Hồ Chí Minh',
  issued_on: '2025-08-01',
  issued_on_text: null,
  parent_plan: 'qd-11-2026-bcdcp',
  report_due_day: 10,
  report_due_clause: 'IV.2: báo cáo trước ngày 10 hằng tháng',
  source: 'test',
  source_kind: 'synthetic',
  targets: [
    {
      id: 'tai-khoan',
      indicator: 'vneid_accounts',
      measure: 'Số tài khoản VNeID được kích hoạt',
      scope: 'plan_unit',
      comparator: '>=',
      value: 5_000_000,
      unit_of_measure: 'count',
      window_start: '2025-08-01',
      deadline: '2026-12-31',
      clause: 'II.1',
      quote: 'ít nhất 5 triệu tài khoản',
    },
  ],
  ...over,
});

const tokens: Record<string, string> = {};
beforeAll(async () => {
  for (const role of ['viewer', 'analyst', 'admin'] as const) {
    tokens[role] = t.app.tokens.create(role, null, `plans ${role}`).token;
  }
  tokens.reporter = t.app.tokens.create('reporter', 'p79@2025-07-01', 'plans reporter').token;
});

const post = (body: string, role = 'admin', query = 'file=hcm.yaml', type = 'application/yaml') =>
  t.app.inject({
    method: 'POST',
    url: `/api/plans?${query}`,
    payload: body,
    headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': type },
  });

const versions = () =>
  t.sql<{ version: number; imported_by: string; origin: string }>(
    `select version, imported_by, origin from plan_versions where plan_id = 'kh-thu-api-hcm'
     order by version`,
  );

describe('POST /api/plans', () => {
  it('refuses every role but admin (403), and writes nothing', async () => {
    for (const role of ['viewer', 'reporter', 'analyst']) {
      const res = await post(stringify(plan()), role);
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    expect(await versions()).toEqual([]);
  });

  it('a broken file is 422 with every problem and its path; nothing is written', async () => {
    const bad = plan({ report_due_day: 32 });
    (bad.targets[0] as Record<string, unknown>).value = '5 triệu';
    const res = await post(stringify(bad), 'admin', 'file=bad.yaml');
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error).toEqual({
      code: 'PLAN_REJECTED',
      message: 'bad.yaml: 2 problem(s); nothing was imported',
    });
    expect(body.problems).toEqual([
      { file: 'bad.yaml', path: 'report_due_day', message: 'phải ≤ 31 (must be <= 31): 32' },
      {
        file: 'bad.yaml',
        path: 'targets.0.value',
        message: 'phải là một số (expected number): "5 triệu"',
      },
    ]);
    expect(await versions()).toEqual([]);
    const syntax = await post('id: [unclosed\n', 'admin', 'file=broken.yaml');
    expect(syntax.statusCode).toBe(422);
    expect(syntax.json().problems[0].message).toMatch(/^dòng \d+, cột \d+: /);
  });

  it('an admin imports a plan: 201 version 1; the same bytes again are 200 unchanged', async () => {
    const res = await post(stringify(plan()));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'imported',
      plans: [{ file: 'hcm.yaml', plan_id: 'kh-thu-api-hcm', status: 'new', version: 1 }],
      problems: [],
    });
    const listed = await t.get('/api/plans', plansResponse);
    expect(listed.plans.find((p) => p.plan_id === 'kh-thu-api-hcm')).toMatchObject({
      version: 1,
      report_due_day: 10,
      targets: 1,
    });
    const again = await post(stringify(plan()));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      status: 'unchanged',
      plans: [{ status: 'unchanged', version: 1 }],
      refresh: null,
    });
    expect(await versions()).toEqual([
      {
        version: 1,
        imported_by: expect.stringMatching(/^token:\w+ \(plans admin\)$/),
        origin: 'api',
      },
    ]);
  });

  it('a changed file is version 2 (201); a dry run says so and writes nothing', async () => {
    const changed = stringify(plan({ title: 'Kế hoạch thử qua API, sửa đổi' }));
    const dry = await post(changed, 'admin', 'file=hcm.yaml&dry_run=true');
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({
      status: 'valid',
      plans: [{ status: 'updated', version: 2, previous_version: 1 }],
    });
    expect(await versions()).toHaveLength(1);
    const res = await post(changed, 'admin', 'file=hcm.yaml', 'text/plain');
    expect(res.statusCode).toBe(201);
    expect(res.json().plans[0]).toMatchObject({ status: 'updated', version: 2 });
    expect((await versions()).map((v) => v.version)).toEqual([1, 2]);
  });

  it('takes YAML only: JSON is 415, an empty body 400', async () => {
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/plans',
      payload: plan(),
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const empty = await post('');
    expect(empty.statusCode).toBe(400);
  });

  it('audits every attempt', async () => {
    const rows = await t.sql<{ role: string; status: number; outcome: string | null }>(
      `select role, status, detail::json->>'outcome' as outcome from core.audit
       where action = 'plans.import' order by "at"`,
    );
    expect(rows.map((r) => [r.role, r.status, r.outcome])).toEqual(
      expect.arrayContaining([
        ['viewer', 403, null],
        ['admin', 422, 'rejected'],
        ['admin', 201, 'imported'],
        ['admin', 200, 'unchanged'],
        ['admin', 200, 'valid'],
      ]),
    );
  });

  it('the plan’s reporting day puts HCMC on the reporting grid from the month it was issued', async () => {
    const grid = await t.get('/api/reporting?unit=79', reportingResponse);
    expect(grid.unit.unit_id).toBe('p79@2025-07-01');
    const own = grid.cells.filter((c) => c.unit_id === 'p79@2025-07-01');
    // August to December 2025: the last full month before the demo's today (25/1/2026)
    expect(own.map((c) => [c.period, c.plan_id, c.due_on])).toEqual([
      ['2025-08', 'kh-thu-api-hcm', '2025-09-10'],
      ['2025-09', 'kh-thu-api-hcm', '2025-10-10'],
      ['2025-10', 'kh-thu-api-hcm', '2025-11-10'],
      ['2025-11', 'kh-thu-api-hcm', '2025-12-10'],
      ['2025-12', 'kh-thu-api-hcm', '2026-01-10'],
    ]);
    // the demo's HCMC reported every month: each cell has a verdict from its arrival
    for (const c of own) expect(['on_time', 'late']).toContain(c.status);
    const vn = await t.get('/api/reporting?unit=VN&from=2025-08&to=2025-12', reportingResponse);
    expect(vn.units.map((u) => u.unit_id)).toContain('p79@2025-07-01');
  });
});
