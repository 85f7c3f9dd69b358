// The indicator engine against figures written from first principles: every expected number
// below is worked out by hand in the comment beside it, from DESIGN.md §3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Database } from '../../pipelines/db/connect.ts';
import { initialise } from '../../cli/commands/init.ts';
import { allUnits, readUnitsCsv, saveUnits } from '../../pipelines/load/units.ts';
import { appendRevisions } from '../../pipelines/load/store.ts';
import { refresh } from '../../indicators/compute/refresh.ts';
import { openTempDb } from '../helpers.ts';

// Under Kiên Giang (p91, until 30/6/2025): district 901 with communes A, B, C; district 902 with
// commune D. An Giang (p89) and Kiên Giang became the new An Giang (p91@2025-07-01).
const UNITS = `code,name,level,parent_code,valid_from,valid_to
901,Huyện Một,district,91,,2025-06-30
902,Huyện Hai,district,91,,2025-06-30
90101,Xã A,commune,901,,2025-06-30
90102,Xã B,commune,901,,2025-06-30
90103,Xã C,commune,901,,2025-06-30
90201,Xã D,commune,902,,2025-06-30
`;

type Row = [unit: string, period: string, metric: string, value: number];

async function setup(db: Database): Promise<void> {
  await initialise(db);
  await saveUnits(db, readUnitsCsv(UNITS, 'units.csv', await allUnits(db)), true);
}

/** Loads rows as one batch arriving at `loadedAt` (bypassing file parsing: the engine is under test). */
async function load(
  db: Database,
  batch: string,
  loadedAt: string,
  rows: Row[],
  reportedAt: string | null = null,
  loadedBy = 'test',
) {
  await db.run(
    `insert into core.batches values ($b, $b, 'sha', $t::timestamp, $n, $n, 0, 0, 0, 'long', 'utf-8', $by)`,
    { b: batch, t: loadedAt, n: rows.length, by: loadedBy },
  );
  for (const [unit, period, metric, value] of rows) {
    const revision = Number(
      await db.scalar(
        'select coalesce(max(revision), 0) + 1 from core.observation_revisions where unit_id = $u and period = $p and metric = $m',
        { u: unit, p: period, m: metric },
      ),
    );
    await appendRevisions(
      db,
      `select $u, (select code from core.units where unit_id = $u), $p, $m, $v::double, $r::integer,
         $b, $t::timestamp, $rep::timestamp, null::varchar, null::bigint, null::varchar`,
      {
        u: unit,
        p: period,
        m: metric,
        v: value,
        r: revision,
        b: batch,
        t: loadedAt,
        rep: reportedAt,
      },
    );
  }
}

interface Actual {
  numerator: number | null;
  denominator: number | null;
  actual: number | null;
  coverage: number | null;
  source: string;
  reconstructed: boolean;
  months: number | null;
  months_expected: number | null;
}

async function actual(
  db: Database,
  indicator: string,
  unit: string,
  period: string,
): Promise<Actual | undefined> {
  const rows = await db.values<Actual>(
    `select numerator, denominator, actual, coverage, source, reconstructed, months, months_expected
     from core.actuals where indicator_id = $i and unit_id = $u and period = $p`,
    { i: indicator, u: unit, p: period },
  );
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0];
}

describe('actuals', () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await openTempDb());
    await setup(db);
    // dossiers (flows): A and B report, C never does; district 902 reports itself and so does D
    const flows: Row[] = [];
    for (const [month, a, b] of [
      ['2024-01', [100, 50], [200, 150]],
      ['2024-02', [110, 60], [210, 160]],
      ['2024-03', [120, 70], [220, 170]],
      ['2024-04', [130, 80], [230, 180]],
    ] as Array<[string, [number, number], [number, number]]>) {
      flows.push(
        ['c90101', month, 'dossiers_received', a[0]],
        ['c90101', month, 'dossiers_online', a[1]],
      );
      flows.push(
        ['c90102', month, 'dossiers_received', b[0]],
        ['c90102', month, 'dossiers_online', b[1]],
      );
      flows.push(
        ['d902', month, 'dossiers_received', 1000],
        ['d902', month, 'dossiers_online', 100],
      );
      flows.push(
        ['c90201', month, 'dossiers_received', 7],
        ['c90201', month, 'dossiers_online', 7],
      );
    }
    // B misses March's online count: its March pair is incomplete
    const withoutGap = flows.filter(
      (r) => !(r[0] === 'c90102' && r[1] === '2024-03' && r[2] === 'dossiers_online'),
    );
    // cards (stocks) for A: a level that rises; snapshots for B inside January
    const stocks: Row[] = [
      ['c90101', '2024-01', 'cccd_issued', 10],
      ['c90101', '2024-02', 'cccd_issued', 20],
      ['c90101', '2024-03', 'cccd_issued', 30],
      ['c90101', '2024-04', 'cccd_issued', 40],
      ...['2024-01', '2024-02', '2024-03', '2024-04'].map((m): Row => [
        'c90101',
        m,
        'cccd_eligible',
        100,
      ]),
      ['c90102', '2024-01-10', 'vneid_activated', 5],
      ['c90102', '2024-01-25', 'vneid_activated', 8],
      ['c90102', '2024-02-20', 'vneid_activated', 9],
      ['c90102', '2024-02', 'vneid_activated', 12],
      // the merger: both old provinces report June 2025 themselves; the new one from July
      ['p89', '2025-06', 'vneid_activated', 300],
      ['p91', '2025-06', 'vneid_activated', 200],
      ['p91@2025-07-01', '2025-07', 'vneid_activated', 520],
    ];
    await load(db, 'b1', '2024-05-10 08:00:00', [...withoutGap, ...stocks]);
    await refresh(db, { today: '2025-08-01' });
  });
  afterAll(() => cleanup());

  it('a district without its own report is the sum of its communes, with coverage', async () => {
    // January: A 50/100, B 150/200, C nothing → 200/300 = 66.67 %, 2 of 3 communes
    expect(await actual(db, 'dossier_online_rate', 'd901', '2024-01')).toMatchObject({
      numerator: 200,
      denominator: 300,
      source: 'children',
      coverage: 2 / 3,
    });
    expect((await actual(db, 'dossier_online_rate', 'd901', '2024-01'))?.actual).toBeCloseTo(
      (100 * 200) / 300,
      12,
    );
  });

  it('a ratio pairs numerator and denominator from the same children (Σnum / Σden)', async () => {
    // March: B has no online count, so only A's pair counts: 70/120, coverage 1 of 3
    expect(await actual(db, 'dossier_online_rate', 'd901', '2024-03')).toMatchObject({
      numerator: 70,
      denominator: 120,
      coverage: 1 / 3,
    });
  });

  it("a district's own report wins over its communes'", async () => {
    expect(await actual(db, 'dossier_online_rate', 'd902', '2024-01')).toMatchObject({
      numerator: 100,
      denominator: 1000,
      actual: 10,
      source: 'own',
    });
  });

  it('the province adds up its districts: one derived, one reported', async () => {
    // January: 901 gives 200/300, 902 gives 100/1000 → 300/1300
    const p = await actual(db, 'dossier_online_rate', 'p91', '2024-01');
    expect(p).toMatchObject({ numerator: 300, denominator: 1300, coverage: 1, source: 'children' });
    expect(p?.actual).toBeCloseTo((100 * 300) / 1300, 12);
  });

  it('flows add up over a quarter; a quarter short of a month is missing, not smaller', async () => {
    // A: Q1 online 50+60+70 = 180 of 100+110+120 = 330
    const q1 = await actual(db, 'dossier_online_rate', 'c90101', '2024-Q1');
    expect(q1).toMatchObject({ numerator: 180, denominator: 330, months: 3, months_expected: 3 });
    expect(q1?.actual).toBeCloseTo((100 * 180) / 330, 12);
    // Q2 has only April: no quarter figure
    expect(await actual(db, 'dossier_online_rate', 'c90101', '2024-Q2')).toMatchObject({
      actual: null,
      numerator: null,
      months: 1,
      months_expected: 3,
    });
  });

  it('stocks take the last value in the period', async () => {
    expect(await actual(db, 'cccd_coverage', 'c90101', '2024-Q1')).toMatchObject({
      numerator: 30,
      denominator: 100,
      actual: 30,
    });
    expect(await actual(db, 'cccd_coverage', 'c90101', '2024-Q2')).toMatchObject({
      numerator: 40,
      actual: 40,
    });
    expect(await actual(db, 'cccd_coverage', 'c90101', '2024')).toMatchObject({
      numerator: 40,
      actual: 40,
    });
  });

  it('a snapshot belongs to its month (the latest wins); a monthly report beats snapshots', async () => {
    expect((await actual(db, 'vneid_accounts', 'c90102', '2024-01'))?.actual).toBe(8);
    expect((await actual(db, 'vneid_accounts', 'c90102', '2024-02'))?.actual).toBe(12);
  });

  it('a merged province: history rebuilt from its predecessors, flagged; its own reports after', async () => {
    // June 2025: An Giang 300 + Kiên Giang 200 = 500, both predecessors reported
    expect(await actual(db, 'vneid_accounts', 'p91@2025-07-01', '2025-06')).toMatchObject({
      actual: 500,
      source: 'predecessors',
      reconstructed: true,
      coverage: 1,
    });
    expect(await actual(db, 'vneid_accounts', 'p91@2025-07-01', '2025-07')).toMatchObject({
      actual: 520,
      source: 'own',
      reconstructed: false,
    });
    // the old units keep their history
    expect((await actual(db, 'vneid_accounts', 'p91', '2025-06'))?.actual).toBe(200);
    // the country: June from the old provinces (500), July from the new one (520); the year
    // 2025 takes the last month (a stock): 520, and nothing is counted twice
    expect((await actual(db, 'vneid_accounts', 'VN', '2025-06'))?.actual).toBe(500);
    expect((await actual(db, 'vneid_accounts', 'VN', '2025-07'))?.actual).toBe(520);
    expect((await actual(db, 'vneid_accounts', 'VN', '2025'))?.actual).toBe(520);
    // the new province's Q2 2025 is rebuilt too (June is the last month of Q2)
    expect(await actual(db, 'vneid_accounts', 'p91@2025-07-01', '2025-Q2')).toMatchObject({
      actual: 500,
      reconstructed: true,
    });
  });

  it('leaves none of its scratch behind (a server keeps its connection between refreshes)', async () => {
    const left = await db.all<{ name: string }>(
      `select table_name as name from duckdb_tables() where temporary
       union all select view_name from duckdb_views() where temporary and not internal`,
    );
    expect(left).toEqual([]);
  });

  it('missing is not zero: units and months without figures have no rows', async () => {
    expect(await actual(db, 'dossier_online_rate', 'c90103', '2024-01')).toBeUndefined();
    expect(await actual(db, 'cccd_coverage', 'c90101', '2024-05')).toBeUndefined();
  });
});

describe('targets, reporting and quality', () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await openTempDb());
    await setup(db);
    // Kiên Giang's QĐ 740 sets ≥ 80 % of population work records online for every district,
    // 2023–2025 (target qd-740-2022-kien-giang/2023-2025-ho-so-cong-viec-huyen).
    const rows: Row[] = [];
    const d901 = [40, 50, 60, 70]; // baseline Dec 2022 = 40, then +10 a quarter
    ['2022-12', '2023-03', '2023-06', '2023-09'].forEach((m, i) => {
      rows.push(
        ['d901', m, 'work_records_total', 100],
        ['d901', m, 'work_records_online', d901[i]],
      );
    });
    rows.push(
      ['d902', '2022-12', 'work_records_total', 100],
      ['d902', '2022-12', 'work_records_online', 90],
    );
    // reporting under the plan (due the 20th of the next month)
    rows.push(['c90101', '2024-01', 'dossiers_received', 5]);
    await load(db, 'early', '2024-02-15 09:00:00', rows);
    await load(db, 'late', '2024-02-25 09:00:00', [['c90102', '2024-01', 'dossiers_received', 6]]);
    await load(
      db,
      'declared',
      '2024-03-30 09:00:00',
      [['c90201', '2024-01', 'dossiers_received', 7]],
      '2024-02-19 17:00:00',
      // a declared date is honoured for the operator's own loads only (checks.sql, `reporting`)
      'cli',
    );
    // quality: numerator above denominator, a stock that fell, a zero after values
    await load(db, 'odd', '2024-03-01 09:00:00', [
      ['c90103', '2024-01', 'survey_responses', 10],
      ['c90103', '2024-01', 'survey_satisfied', 12],
      ['c90103', '2024-01', 'cccd_issued', 50],
      ['c90103', '2024-02', 'cccd_issued', 45],
      ['c90103', '2024-02', 'survey_responses', 0],
    ]);
    // a figure from late 2025 carries the evaluation past the reform
    await load(db, 'later', '2025-11-05 09:00:00', [
      ['p91@2025-07-01', '2025-10', 'vneid_activated', 1],
    ]);
    await refresh(db, { today: '2024-03-10' });
  });
  afterAll(() => cleanup());

  const TARGET = 'qd-740-2022-kien-giang/2023-2025-ho-so-cong-viec-huyen';

  it('a level-wide target binds every district under the plan unit, with every input stored', async () => {
    const units = await db.all<{ unit_id: string }>(
      'select distinct unit_id from core.target_status where target_id = $t order by unit_id',
      { t: TARGET },
    );
    expect(units.map((u) => u.unit_id)).toEqual(['d901', 'd902']);
    // as of Sept 2023: b = 40 (Dec 2022, the value at the window start and the first point of
    // the trend), then 50, 60, 70 on 2023-03-31, -06-30, -09-30: four observations
    const r = (
      await db.values<Record<string, number | string | null>>(
        `select baseline, target_value, actual, projected, ratio, status, observations::int observations
         from core.target_status where target_id = $t and unit_id = 'd901' and period = '2023-09'`,
        { t: TARGET },
      )
    )[0];
    expect(r).toMatchObject({ baseline: 40, target_value: 80, actual: 70, observations: 4 });
    // least squares, x in days after 2022-12-31: 0, 90, 181, 273 (mean 136), y 40..70 (mean 55);
    // Sxx = 136² + 46² + 45² + 137² = 41406, Sxy = 136·15 + 46·5 + 45·5 + 137·15 = 4550;
    // the deadline 2025-12-31 is day 1096, so p = 55 + 4550/41406 · (1096 − 136) ≈ 160.49
    // and r = (p − 40) / (80 − 40) ≈ 3.01: on track
    const p = 55 + (4550 / 41406) * (1096 - 136);
    expect(r.projected as number).toBeCloseTo(p, 9);
    expect(r.ratio as number).toBeCloseTo((p - 40) / 40, 9);
    expect(r.status).toBe('on_track');
    // d902 reported 90 before the window: already achieved on its first month
    const d902 = await db.values<{ status: string }>(
      `select status from core.target_status where target_id = $t and unit_id = 'd902' and period = '2023-01'`,
      { t: TARGET },
    );
    expect(d902[0]?.status).toBe('achieved');
  });

  it('after 1/7/2025 a district target is superseded, keeping its last actual', async () => {
    // district 901 ceased on 2025-06-30; the target runs to 2025-12-31
    const rows = await db.values<{ period: string; status: string; actual: number | null }>(
      `select period, status, actual from core.target_status
       where target_id = $t and unit_id = 'd901' and period in ('2025-06', '2025-07', '2025-Q3')
       order by period`,
      { t: TARGET },
    );
    expect(rows).toEqual([
      { period: '2025-06', status: 'on_track', actual: 70 },
      { period: '2025-07', status: 'superseded', actual: 70 },
      { period: '2025-Q3', status: 'superseded', actual: 70 },
    ]);
  });

  it('progress joins actuals and their targets', async () => {
    const rows = await db.all<{ status: string; target_value: number; actual: number }>(
      `select status, target_value, actual from progress
       where target_id = $t and unit_id = 'd901' and period = '2023-09'`,
      { t: TARGET },
    );
    expect(rows).toEqual([{ status: 'on_track', target_value: 80, actual: 70 }]);
  });

  it('reporting: on time, late, declared reported_at, missing and pending', async () => {
    const rows = await db.all<{ unit_id: string; period: string; status: string; due_on: string }>(
      `select unit_id, period, status, strftime(due_on, '%Y-%m-%d') due_on from reporting
       where plan_id = 'qd-740-2022-kien-giang' and period in ('2024-01', '2024-02')
         and unit_id in ('c90101', 'c90102', 'c90201', 'd901')
       order by period, unit_id`,
    );
    expect(rows).toEqual([
      { unit_id: 'c90101', period: '2024-01', status: 'on_time', due_on: '2024-02-20' }, // arrived 15/2
      { unit_id: 'c90102', period: '2024-01', status: 'late', due_on: '2024-02-20' }, // arrived 25/2
      { unit_id: 'c90201', period: '2024-01', status: 'on_time', due_on: '2024-02-20' }, // declared 19/2 (cli)
      { unit_id: 'd901', period: '2024-01', status: 'missing', due_on: '2024-02-20' }, // nothing, past due
      { unit_id: 'c90101', period: '2024-02', status: 'pending', due_on: '2024-03-20' }, // not yet due on 10/3
      { unit_id: 'c90102', period: '2024-02', status: 'pending', due_on: '2024-03-20' },
      { unit_id: 'c90201', period: '2024-02', status: 'pending', due_on: '2024-03-20' },
      { unit_id: 'd901', period: '2024-02', status: 'pending', due_on: '2024-03-20' },
    ]);
  });

  it('quality findings are rows with a severity, never silent filters', async () => {
    const rows = await db.all<{ rule: string; severity: string; unit_id: string; period: string }>(
      `select rule, severity, unit_id, period from quality_findings
       where unit_id = 'c90103' order by rule, period`,
    );
    expect(rows).toEqual([
      {
        rule: 'numerator_above_denominator',
        severity: 'warning',
        unit_id: 'c90103',
        period: '2024-01',
      },
      { rule: 'stock_fell', severity: 'warning', unit_id: 'c90103', period: '2024-02' },
      { rule: 'zero_after_values', severity: 'info', unit_id: 'c90103', period: '2024-02' },
    ]);
    // and the figures are still there
    expect(
      Number(await db.scalar("select count(*) from core.actuals where unit_id = 'c90103'")),
    ).toBeGreaterThan(0);
  });
});

describe('laws (each run on a fresh in-memory database)', () => {
  const child = fc.record({
    num: fc.integer({ min: 0, max: 1000 }),
    extra: fc.integer({ min: 0, max: 1000 }),
  });
  it("a district's ratio equals the ratio of its children's sums, whatever the order of loading", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(child, { nil: null }), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        async (kids, reverse) => {
          const db = await Database.open(':memory:');
          try {
            await setup(db);
            const rows: Row[] = [];
            kids.forEach((k, i) => {
              if (k === null) return;
              rows.push([`c9010${i + 1}`, '2024-01', 'dossiers_online', k.num]);
              rows.push([`c9010${i + 1}`, '2024-01', 'dossiers_received', k.num + k.extra]);
            });
            await load(db, 'b', '2024-02-01 00:00:00', reverse ? rows.reverse() : rows);
            await refresh(db, { today: '2024-03-01' });
            const reported = kids.filter((k): k is { num: number; extra: number } => k !== null);
            const num = reported.reduce((s, k) => s + k.num, 0);
            const den = reported.reduce((s, k) => s + k.num + k.extra, 0);
            const d = await actual(db, 'dossier_online_rate', 'd901', '2024-01');
            if (reported.length === 0) {
              expect(d).toBeUndefined();
            } else {
              expect(d).toMatchObject({
                numerator: num,
                denominator: den,
                coverage: reported.length / 3,
              });
              if (den > 0) expect(d?.actual).toBeCloseTo((100 * num) / den, 9);
            }
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 8 },
    );
  });
});
