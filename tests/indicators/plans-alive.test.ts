// Plans alive (issue 12) in the engine and the API: QĐ 06's own targets bind the country, a
// successor's plan adopts a dissolved unit's targets explicitly (the original stays superseded),
// and a target measured by metrics it declares is evaluated like any other — no_data until its
// figures arrive through the ordinary ingest, then a status read on Σnumerator / Σdenominator.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDemoApp } from '../api/app.ts';
import { scorecardResponse } from '../../api/schemas/scorecard.ts';
import { planResponse, plansResponse } from '../../api/schemas/plans.ts';
import { STATUSES } from '../../indicators/compute/status.ts';
import type { Database } from '../../pipelines/db/connect.ts';
import { initialise } from '../../cli/commands/init.ts';
import { ingestFile } from '../../pipelines/load/ingest.ts';
import { refresh } from '../../indicators/compute/refresh.ts';
import { openTempDb, tempDir } from '../helpers.ts';

const t = useDemoApp();

const KG_ORIGINAL = 'qd-740-2022-kien-giang/2023-2025-hai-long';
const AG_ADOPTED = 'kh-2026-an-giang-mo-phong/tiep-nhan-hai-long-2025';
const NEW_AN_GIANG = 'p91@2025-07-01';

describe('QĐ 06 binds the country', () => {
  it('GET /api/scorecard?unit=VN&period=2025-Q4 shows national targets with statuses', async () => {
    const card = await t.get('/api/scorecard?unit=VN&period=2025-Q4', scorecardResponse);
    expect(card.unit.unit_id).toBe('VN');
    const national = card.rows.flatMap((r) =>
      r.targets
        .filter((x) => x.plan_id === 'qd-06-2022-national')
        .map((x) => ({ indicator_id: r.indicator_id, ...x })),
    );
    expect(national.length).toBeGreaterThanOrEqual(1);
    for (const x of national) expect(STATUSES).toContain(x.status);
    // the demo reports activated VNeID accounts: the >40 million target has a verdict
    const accounts = national.find((x) => x.indicator_id === 'vneid_accounts');
    expect(accounts).toMatchObject({ comparator: '>', value: 40_000_000, deadline: '2025-12-31' });
    expect(accounts?.status).not.toBe('no_data');
  });
});

describe('continuity across the reform', () => {
  it('the adopted target binds today’s An Giang; Kiên Giang’s original is superseded', async () => {
    const [view] = await t.sql<{ adopted_from: string; unit_code: string }>(
      'select adopted_from, unit_code from targets where target_id = $id',
      { id: AG_ADOPTED },
    );
    expect(view).toEqual({ adopted_from: KG_ORIGINAL, unit_code: '91' });
    const rows = await t.sql<{ target_id: string; unit_id: string; status: string }>(
      `select target_id, unit_id, status from progress
       where period = '2025-Q4' and target_id in ($a, $k) order by target_id`,
      { a: AG_ADOPTED, k: KG_ORIGINAL },
    );
    expect(rows).toHaveLength(2);
    const adopted = rows.find((r) => r.target_id === AG_ADOPTED);
    const original = rows.find((r) => r.target_id === KG_ORIGINAL);
    expect(adopted?.unit_id).toBe(NEW_AN_GIANG);
    expect(['superseded', 'no_data']).not.toContain(adopted?.status);
    expect(original).toMatchObject({ unit_id: 'p91', status: 'superseded' });
    // before the reform the original bound Kiên Giang with a verdict of its own
    const [before] = await t.sql<{ status: string }>(
      "select status from progress where target_id = $k and period = '2025-Q1'",
      { k: KG_ORIGINAL },
    );
    expect(before.status).not.toBe('superseded');
  });

  it('code 91 read in 2025-Q4 is today’s An Giang, whose scorecard has binding targets', async () => {
    const card = await t.get('/api/scorecard?unit=91&period=2025-Q4', scorecardResponse);
    expect(card.unit.unit_id).toBe(NEW_AN_GIANG);
    const own = card.rows.flatMap((r) =>
      r.targets.filter((x) => x.plan_id === 'kh-2026-an-giang-mo-phong'),
    );
    expect(own.map((x) => x.target_id)).toEqual(
      expect.arrayContaining([
        AG_ADOPTED,
        'kh-2026-an-giang-mo-phong/tiep-nhan-tai-khoan-vneid-2030',
      ]),
    );
    for (const x of own) expect(x.status).not.toBe('superseded');
  });

  it('the plan says it is synthetic, and lists what it adopted', async () => {
    const body = await t.get('/api/plans/kh-2026-an-giang-mo-phong', planResponse);
    expect(body.plan).toMatchObject({ source_kind: 'synthetic', unit_id: NEW_AN_GIANG });
    expect(body.plan.title).toMatch(/MÔ PHỎNG/);
    expect(body.targets.filter((x) => x.adopted_from !== null)).toHaveLength(4);
  });
});

describe('a measure for every target', () => {
  it('GET /api/plans says how many targets of each plan are measured', async () => {
    const { plans } = await t.get('/api/plans', plansResponse);
    const measured = await t.sql<{ plan_id: string; m: number; n: number }>(
      `select plan_id, count(*) filter (where measure_kind <> 'none')::integer m,
              count(*)::integer n
       from targets group by all`,
    );
    for (const p of plans) {
      const row = measured.find((r) => r.plan_id === p.plan_id) ?? { m: 0, n: 0 };
      expect([p.targets_measured, p.targets_total], p.plan_id).toEqual([row.m, row.n]);
    }
    expect(plans.find((p) => p.plan_id === 'kh-2024-ho-chi-minh')).toMatchObject({
      targets_measured: 20,
      targets_total: 20,
      source_kind: 'legal_text',
    });
    expect(plans.find((p) => p.plan_id === 'qd-11-2026-bcdcp')?.source_kind).toBe('press_summary');
  });

  it('a target measured by its declared metrics is evaluated: no_data while nothing is reported', async () => {
    const id = 'kh-2024-ho-chi-minh/ii-5-kiem-tra-co-quan';
    const rows = await t.sql<{ indicator_id: string; status: string; n: number }>(
      `select indicator_id, status, count(*)::integer n from progress
       where target_id = $id group by all`,
      { id },
    );
    expect(rows).toEqual([{ indicator_id: id, status: 'no_data', n: expect.any(Number) }]);
  });
});

describe('declared metrics come in through the ordinary ingest', () => {
  let db: Database;
  let cleanup: () => void;
  const files = tempDir();
  beforeAll(async () => {
    ({ db, cleanup } = await openTempDb());
    await initialise(db);
  });
  afterAll(() => {
    cleanup();
    files.cleanup();
  });

  it('figures of agencies_inspected / agencies_total give the HCMC inspection target a status', async () => {
    // TP.HCM inspected 30 of 200 agencies by March 2024, 60 by June, 90 by September (a
    // cumulative count): 15%, 30%, 45% against ≥ 40% by 31/12/2024 — achieved in September
    const csv = join(files.dir, 'hcm-inspections.csv');
    writeFileSync(
      csv,
      [
        'unit_code,period,metric,value',
        '79,2024-03,agencies_inspected,30',
        '79,2024-03,agencies_total,200',
        '79,2024-06,agencies_inspected,60',
        '79,2024-06,agencies_total,200',
        '79,2024-09,agencies_inspected,90',
        '79,2024-09,agencies_total,200',
      ].join('\n'),
    );
    const report = await ingestFile(db, csv);
    expect(report.status).toBe('loaded');
    await refresh(db, { today: '2024-10-15' });
    const rows = await db.all<{ period: string; actual: number; status: string }>(
      `select period, actual, status from progress
       where target_id = 'kh-2024-ho-chi-minh/ii-5-kiem-tra-co-quan'
         and period in ('2024-Q1', '2024-Q2', '2024-Q3')
       order by period`,
    );
    expect(rows.map((r) => [r.period, r.actual])).toEqual([
      ['2024-Q1', 15],
      ['2024-Q2', 30],
      ['2024-Q3', 45],
    ]);
    expect(rows[2].status).toBe('achieved');
    expect(rows[0].status).not.toBe('no_data');
  });
});
