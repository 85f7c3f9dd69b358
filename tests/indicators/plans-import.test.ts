// Plans as data users load (issue 12, item 3): a plan file stored as versions. The same bytes
// twice write nothing; a changed file is the next version, its targets keep their ids, the old
// version stays readable and the engine re-evaluates the target; a file with one bad target
// changes nothing; recorded task history is never deleted; `chitieu init` loads the shipped
// plans through the same import, and a second init writes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Database } from '../../pipelines/db/connect.ts';
import { initialise } from '../../cli/commands/init.ts';
import { loadCatalogue } from '../../indicators/catalogue/load.ts';
import { planFiles } from '../../indicators/plans/load.ts';
import { importPlans, type PlanFile } from '../../indicators/plans/import.ts';
import { PLANS_REFRESH_KEY, refresh } from '../../indicators/compute/refresh.ts';
import { ingestFile } from '../../pipelines/load/ingest.ts';
import { openTempDb, tempDir } from '../helpers.ts';

const catalogue = loadCatalogue();
const TODAY = '2026-01-25';

const target = (over: Record<string, unknown> = {}) => ({
  id: 'tai-khoan',
  indicator: 'vneid_accounts',
  measure: 'Số tài khoản định danh điện tử được kích hoạt',
  scope: 'plan_unit',
  comparator: '>=',
  value: 1000,
  unit_of_measure: 'count',
  window_start: '2025-07-01',
  deadline: '2026-12-31',
  clause: 'II.1',
  quote: 'Kích hoạt ít nhất 1.000 tài khoản',
  ...over,
});

const task = (number: string, title: string) => ({
  number,
  group: null,
  title,
  lead: ['Công an thành phố'],
  partners: [],
  deadline: 'Quý IV/2026',
  product: null,
  clause: null,
});

const hcm = (over: Record<string, unknown> = {}) => ({
  id: 'kh-thu-2026-hcm',
  document_no: '1/KH-THU',
  title: 'Kế hoạch thử (dữ liệu kiểm thử)',
  issuer: 'UBND Thành phố Hồ Chí Minh',
  unit_code: '79',
  unit_name: 'Thành phố Hồ Chí Minh',
  issued_on: '2025-08-01',
  issued_on_text: null,
  parent_plan: 'qd-11-2026-bcdcp',
  report_due_day: null,
  report_due_clause: null,
  source: 'test',
  source_kind: 'synthetic',
  targets: [target()],
  tasks: [task('1', 'Rà soát dữ liệu dân cư'), task('2', 'Tuyên truyền VNeID')],
  ...over,
});

const file = (name: string, data: unknown): PlanFile => ({
  name,
  bytes: Buffer.from(stringify(data)),
});

const options = { catalogue, origin: 'cli' as const, importedBy: 'cli:test', today: TODAY };

/** What a write would change: every plan table, the versions and the plans' meta keys. */
async function snapshot(db: Database): Promise<string> {
  const out: unknown[] = [];
  for (const sql of [
    'select * from core.plans order by all',
    'select * from core.targets order by all',
    'select * from core.tasks order by all',
    'select * from core.task_agencies order by all',
    'select * from core.procedures order by all',
    'select * from core.reporting_obligations order by all',
    'select * from core.metric_declarations order by all',
    'select * from core.metrics order by all',
    'select * exclude (imported_at) from core.plan_versions order by all',
    "select * from core.meta where key not in ('computed_at') order by all",
    'select * exclude (computed_at) from core.target_status order by all',
  ]) {
    out.push(await db.all(sql));
  }
  return JSON.stringify(out);
}

describe('chitieu init loads the shipped plans through the import', () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => ({ db, cleanup } = await openTempDb()));
  afterAll(() => cleanup());

  it('stores each shipped file as version 1, and a second init writes nothing', async () => {
    const first = await initialise(db);
    expect(first.plans.status).toBe('imported');
    expect(first.plans.plans.map((p) => p.status)).toEqual(planFiles().map(() => 'new'));
    const versions = await db.all<{ n: number; origins: string[] }>(
      `select count(*)::integer n, list(distinct origin || ' ' || imported_by) origins
       from plan_versions where version = 1 and is_current`,
    );
    expect(versions).toEqual([{ n: planFiles().length, origins: ['shipped init'] }]);
    const before = await snapshot(db);
    const again = await initialise(db);
    expect(again.plans.status).toBe('unchanged');
    expect(again.plans.plans.every((p) => p.status === 'unchanged')).toBe(true);
    expect(again.plans.refresh).toBeNull();
    expect(await snapshot(db)).toBe(before);
  });
});

describe('plans import', () => {
  let db: Database;
  let cleanup: () => void;
  const files = tempDir();
  beforeAll(async () => {
    ({ db, cleanup } = await openTempDb());
    await initialise(db);
    // HCMC's activated VNeID accounts, monthly from July 2025
    const csv = join(files.dir, 'vneid.csv');
    writeFileSync(
      csv,
      [
        'unit_code,period,metric,value',
        '79,2025-07,vneid_activated,400',
        '79,2025-08,vneid_activated,500',
        '79,2025-09,vneid_activated,600',
        '79,2025-10,vneid_activated,700',
      ].join('\n'),
    );
    expect((await ingestFile(db, csv)).status).toBe('loaded');
    await refresh(db, { today: TODAY });
  });
  afterAll(() => {
    cleanup();
    files.cleanup();
  });

  const statusOf = (id: string, period: string) =>
    db.all<{ target_value: number; status: string; unit_id: string }>(
      `select target_value, status, unit_id from core.target_status
       where target_id = $id and period = $p`,
      { id, p: period },
    );

  it('stores a new plan as version 1 and evaluates its target', async () => {
    const report = await importPlans(db, [file('hcm.yaml', hcm())], options);
    expect(report.status).toBe('imported');
    expect(report.plans).toMatchObject([
      {
        plan_id: 'kh-thu-2026-hcm',
        status: 'new',
        version: 1,
        previous_version: null,
        targets: { added: ['kh-thu-2026-hcm/tai-khoan'], changed: [], removed: [] },
      },
    ]);
    expect(report.refresh?.targets).toBeGreaterThan(0);
    // 700 by October against ≥ 1000 by the end of 2026
    expect(await statusOf('kh-thu-2026-hcm/tai-khoan', '2025-10')).toEqual([
      { target_value: 1000, status: expect.any(String), unit_id: 'p79@2025-07-01' },
    ]);
  });

  it('the same file again is unchanged: nothing written, and it says so', async () => {
    const before = await snapshot(db);
    const report = await importPlans(db, [file('hcm.yaml', hcm())], options);
    expect(report.status).toBe('unchanged');
    expect(report.plans).toMatchObject([{ status: 'unchanged', version: 1 }]);
    expect(report.refresh).toBeNull();
    expect(await snapshot(db)).toBe(before);
  });

  it('a changed value is version 2: the target keeps its id, the old version stays readable, the status is recomputed', async () => {
    // by October 700 ≥ 600: achieved against the new value
    const report = await importPlans(
      db,
      [file('hcm-v2.yaml', hcm({ targets: [target({ value: 600 })] }))],
      options,
    );
    expect(report.status).toBe('imported');
    expect(report.plans).toMatchObject([
      {
        status: 'updated',
        version: 2,
        previous_version: 1,
        targets: { added: [], changed: ['kh-thu-2026-hcm/tai-khoan'], removed: [] },
      },
    ]);
    expect(
      await db.all('select target_id, value from targets where plan_id = $p', {
        p: 'kh-thu-2026-hcm',
      }),
    ).toEqual([{ target_id: 'kh-thu-2026-hcm/tai-khoan', value: 600 }]);
    expect(
      await db.all(
        `select version, value, is_current from target_history
         where target_id = 'kh-thu-2026-hcm/tai-khoan' order by version`,
      ),
    ).toEqual([
      { version: 1, value: 1000, is_current: false },
      { version: 2, value: 600, is_current: true },
    ]);
    const versions = await db.all<{ version: number; source_file: string; yaml_text: string }>(
      `select version, source_file, yaml_text from plan_versions
       where plan_id = 'kh-thu-2026-hcm' order by version`,
    );
    expect(versions.map((v) => [v.version, v.source_file])).toEqual([
      [1, 'hcm.yaml'],
      [2, 'hcm-v2.yaml'],
    ]);
    expect(versions[0].yaml_text).toContain('value: 1000');
    expect(
      await db.scalar('select version from plans where plan_id = $p', { p: 'kh-thu-2026-hcm' }),
    ).toBe(2);
    expect(await statusOf('kh-thu-2026-hcm/tai-khoan', '2025-10')).toEqual([
      { target_value: 600, status: 'achieved', unit_id: 'p79@2025-07-01' },
    ]);
    // the engine followed: nothing is left to refresh
    expect(
      await db.scalar('select count(*)::integer from core.meta where key = $k', {
        k: PLANS_REFRESH_KEY,
      }),
    ).toBe(0);
  });

  it('a file with one bad target changes nothing, and neither do the good files beside it', async () => {
    const before = await snapshot(db);
    const other = hcm({ id: 'kh-thu-2026-khac', targets: [target({ id: 'khac' })] });
    const bad = hcm({
      targets: [target({ value: 700 }), target({ id: 'hai', value: 'nhiều' })],
    });
    const report = await importPlans(
      db,
      [file('other.yaml', other), file('bad.yaml', bad)],
      options,
    );
    expect(report.status).toBe('rejected');
    expect(report.problems).toEqual([
      {
        file: 'bad.yaml',
        path: 'targets.1.value',
        message: 'phải là một số (expected number): "nhiều"',
      },
    ]);
    expect(await snapshot(db)).toBe(before);
  });

  it('refuses, with the path, a parent that does not exist and a catalogue indicator that does not', async () => {
    const report = await importPlans(
      db,
      [
        file(
          'x.yaml',
          hcm({ parent_plan: 'khong-co', targets: [target({ indicator: 'khong_co' })] }),
        ),
      ],
      options,
    );
    expect(report.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'targets.0.indicator: không có chỉ số khong_co trong danh mục (unknown indicator khong_co)',
    ]);
    const orphan = await importPlans(
      db,
      [file('x.yaml', hcm({ id: 'kh-mo-coi', parent_plan: 'khong-co' }))],
      options,
    );
    expect(orphan.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'parent_plan: không có kế hoạch khong-co (unknown plan khong-co)',
    ]);
  });

  it('never deletes recorded task history: it stays with its task when the list changes', async () => {
    await db.run(
      `insert into core.task_status_history (plan_id, seq, status, as_of, note, source, number,
         title)
       values ('kh-thu-2026-hcm', 2, 'in_progress', date '2025-12-01', 'đang làm', 'test', '2',
         'Tuyên truyền VNeID')`,
    );
    const history = () =>
      db.all<{ seq: number | null; status: string }>(
        `select seq, status from core.task_status_history where plan_id = 'kh-thu-2026-hcm'`,
      );
    expect(await history()).toEqual([{ seq: 2, status: 'in_progress' }]);
    // a new task ahead of the others: version 3, and the history follows its task to seq 3
    const report = await importPlans(
      db,
      [
        file(
          'hcm-v3.yaml',
          hcm({
            targets: [target({ value: 600 })],
            tasks: [
              task('0', 'Họp triển khai'),
              task('1', 'Rà soát dữ liệu dân cư'),
              task('2', 'Tuyên truyền VNeID'),
            ],
          }),
        ),
      ],
      options,
    );
    expect(report.plans).toMatchObject([{ status: 'updated', version: 3 }]);
    const rows = await history();
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('in_progress');
    expect(
      await db.all(
        `select number, title, status from tasks where plan_id = 'kh-thu-2026-hcm' order by seq`,
      ),
    ).toEqual([
      { number: '0', title: 'Họp triển khai', status: 'planned' },
      { number: '1', title: 'Rà soát dữ liệu dân cư', status: 'planned' },
      { number: '2', title: 'Tuyên truyền VNeID', status: 'in_progress' },
    ]);
  });

  it('refuses to drop a target another plan adopts', async () => {
    const successor = hcm({
      id: 'kh-thu-2026-ke-thua',
      targets: [target({ id: 'ke-thua', adopts: 'kh-thu-2026-hcm/tai-khoan' })],
    });
    expect((await importPlans(db, [file('successor.yaml', successor)], options)).status).toBe(
      'imported',
    );
    const before = await snapshot(db);
    const report = await importPlans(
      db,
      [file('hcm-v4.yaml', hcm({ targets: [target({ id: 'khac' })] }))],
      options,
    );
    expect(report.status).toBe('rejected');
    expect(report.problems).toEqual([
      {
        file: 'hcm-v4.yaml',
        path: 'targets',
        message:
          'kế hoạch kh-thu-2026-ke-thua tiếp nhận chỉ tiêu kh-thu-2026-hcm/tai-khoan: không được bỏ chỉ tiêu này (plan kh-thu-2026-ke-thua adopts target kh-thu-2026-hcm/tai-khoan: it must stay)',
      },
    ]);
    expect(await snapshot(db)).toBe(before);
  });

  it('recomputes the figures of a target whose own metrics change', async () => {
    const own = (denominator: string) =>
      hcm({
        id: 'kh-thu-2026-ti-le',
        targets: [
          target({
            id: 'ti-le',
            indicator: null,
            measured_by: { numerator: 'vneid_activated', denominator },
            unit_of_measure: 'percent',
            value: 50,
          }),
        ],
      });
    const csv = join(files.dir, 'denominators.csv');
    writeFileSync(
      csv,
      [
        'unit_code,period,metric,value',
        '79,2025-10,population,1400',
        '79,2025-10,cccd_eligible,1000',
      ].join('\n'),
    );
    expect((await ingestFile(db, csv)).status).toBe('loaded');
    await refresh(db, { today: TODAY });
    const actual = () =>
      db.scalar<number>(
        `select actual from core.actuals
         where indicator_id = 'kh-thu-2026-ti-le/ti-le' and unit_id = 'p79@2025-07-01'
           and period = '2025-10'`,
      );
    await importPlans(db, [file('ti-le.yaml', own('population'))], options);
    expect(await actual()).toBeCloseTo(50, 9); // 700 / 1400
    const report = await importPlans(db, [file('ti-le.yaml', own('cccd_eligible'))], options);
    expect(report.refresh?.months).toBeGreaterThan(0);
    expect(await actual()).toBeCloseTo(70, 9); // 700 / 1000
  });
});

describe('init and the plans people import', () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ db, cleanup } = await openTempDb());
    await initialise(db);
  });
  afterAll(() => cleanup());

  it('never loads a shipped file over a version someone imported', async () => {
    const [path] = planFiles().filter((f) => f.endsWith('qd-11-2026-bcdcp.yaml'));
    const edited = stringify({ ...parse(readFileSync(path, 'utf8')), title: 'Sửa bởi người dùng' });
    const report = await importPlans(
      db,
      [{ name: 'qd-11.yaml', bytes: Buffer.from(edited) }],
      options,
    );
    expect(report.plans).toMatchObject([{ status: 'updated', version: 2 }]);
    const again = await initialise(db);
    expect(again.plans.plans.find((p) => p.plan_id === 'qd-11-2026-bcdcp')).toMatchObject({
      status: 'kept',
      version: 2,
    });
    expect(await db.scalar("select title from plans where plan_id = 'qd-11-2026-bcdcp'")).toBe(
      'Sửa bởi người dùng',
    );
  });
});
