// Reporting duty (issue 12, item 7): a plan's report_due_day binds its unit and every unit under
// it from the month it was issued until its last deadline, or until a newer plan of the same unit
// sets a day; where several plans bind a unit, the nearest above it wins. So the reporting grid
// has rows as soon as a current plan sets a day — missing or pending before any figure arrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Database } from '../../pipelines/db/connect.ts';
import { initialise } from '../../cli/commands/init.ts';
import { loadCatalogue } from '../../indicators/catalogue/load.ts';
import { importPlans } from '../../indicators/plans/import.ts';
import { refresh } from '../../indicators/compute/refresh.ts';
import { openTempDb } from '../helpers.ts';

const catalogue = loadCatalogue();
const TODAY = '2026-03-10';
const HCMC = 'p79@2025-07-01';

const plan = (
  id: string,
  unit: string,
  issued: string,
  day: number | null,
  parent = 'qd-11-2026-bcdcp',
) => ({
  id,
  document_no: null,
  title: `Kế hoạch thử ${id}`,
  issuer: 'test',
  unit_code: unit,
  unit_name: unit,
  issued_on: issued,
  issued_on_text: null,
  parent_plan: parent,
  report_due_day: day,
  report_due_clause: day === null ? null : `báo cáo trước ngày ${day} hằng tháng`,
  source: 'test',
  source_kind: 'synthetic',
  targets: [
    {
      id: 'tai-khoan',
      indicator: 'vneid_accounts',
      measure: 'tài khoản',
      scope: 'plan_unit',
      comparator: '>=',
      value: 1,
      unit_of_measure: 'count',
      window_start: issued,
      deadline: '2026-12-31',
      clause: 'I',
      quote: 'một tài khoản',
    },
  ],
});

async function load(db: Database, ...plans: ReturnType<typeof plan>[]) {
  const report = await importPlans(
    db,
    plans.map((p) => ({ name: `${p.id}.yaml`, bytes: Buffer.from(stringify(p)) })),
    { catalogue, origin: 'cli', importedBy: 'cli:test', today: TODAY },
  );
  expect(report.problems).toEqual([]);
  return report;
}

describe('a current plan that sets a day fills the reporting grid', () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await openTempDb());
    await initialise(db);
    await load(
      db,
      plan('kh-thu-vn', 'VN', '2025-10-01', 25),
      plan('kh-thu-hcm', '79', '2025-11-15', 10, 'kh-thu-vn'),
      plan('kh-thu-hcm-moi', '79', '2026-02-01', 12, 'kh-thu-vn'),
    );
  });
  afterAll(() => cleanup());

  const rows = (unit: string) =>
    db.all<{ period: string; plan_id: string; due_on: string; status: string }>(
      `select period, plan_id, strftime(due_on, '%Y-%m-%d') due_on, status from reporting
       where unit_id = $u and period >= '2025-10' order by period`,
      { u: unit },
    );

  it('the nearest plan above a unit wins; a newer plan of the same unit takes over from its month', async () => {
    expect(await rows(HCMC)).toEqual([
      // before HCMC's own plan, the country's day (25) binds it
      { period: '2025-10', plan_id: 'kh-thu-vn', due_on: '2025-11-25', status: 'missing' },
      { period: '2025-11', plan_id: 'kh-thu-hcm', due_on: '2025-12-10', status: 'missing' },
      { period: '2025-12', plan_id: 'kh-thu-hcm', due_on: '2026-01-10', status: 'missing' },
      { period: '2026-01', plan_id: 'kh-thu-hcm', due_on: '2026-02-10', status: 'missing' },
      // the newer plan of HCMC, from February: due the 12th of March, not yet past on the 10th
      { period: '2026-02', plan_id: 'kh-thu-hcm-moi', due_on: '2026-03-12', status: 'pending' },
    ]);
  });

  it('the country’s plan binds the country and every province that exists, up to the last full month', async () => {
    const vn = await rows('VN');
    expect(vn.map((r) => [r.period, r.plan_id, r.due_on])).toEqual([
      ['2025-10', 'kh-thu-vn', '2025-11-25'],
      ['2025-11', 'kh-thu-vn', '2025-12-25'],
      ['2025-12', 'kh-thu-vn', '2026-01-25'],
      ['2026-01', 'kh-thu-vn', '2026-02-25'],
      ['2026-02', 'kh-thu-vn', '2026-03-25'],
    ]);
    const provinces = await db.all<{ period: string; n: number; plans: string[] }>(
      `select r.period, count(*)::integer as n, list(distinct r.plan_id order by r.plan_id) as plans
       from reporting r join units u using (unit_id)
       where u.level = 'province' and r.period = '2026-01' group by all`,
    );
    // the 34 provinces after 1/7/2025: HCMC under its own plan, the rest under the country's
    expect(provinces).toEqual([{ period: '2026-01', n: 34, plans: ['kh-thu-hcm', 'kh-thu-vn'] }]);
  });

  it('a new version without the day gives the months back to the plan it had superseded', async () => {
    await load(db, plan('kh-thu-hcm-moi', '79', '2026-02-01', null, 'kh-thu-vn'));
    expect((await rows(HCMC)).at(-1)).toEqual({
      period: '2026-02',
      plan_id: 'kh-thu-hcm',
      due_on: '2026-03-10',
      status: 'pending',
    });
  });

  it('months that came due since, and reports still pending, are read again at the next refresh', async () => {
    await refresh(db, { months: [], today: '2026-04-20' });
    expect((await rows(HCMC)).slice(-2)).toEqual([
      { period: '2026-02', plan_id: 'kh-thu-hcm', due_on: '2026-03-10', status: 'missing' },
      { period: '2026-03', plan_id: 'kh-thu-hcm', due_on: '2026-04-10', status: 'missing' },
    ]);
  });
});
