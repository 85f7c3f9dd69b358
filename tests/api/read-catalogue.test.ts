// The read API's catalogue routes (units, indicators, plans) against the views of the same
// database: every 200 body parses with its route's schema and agrees with direct SQL.
import { describe, expect, it } from 'vitest';
import { useDemoApp } from './app.ts';
import { DEMO_TODAY } from '../global-setup.ts';
import { unitResponse, unitsResponse } from '../../api/schemas/units.ts';
import { indicatorsResponse } from '../../api/schemas/indicators.ts';
import { planResponse, plansResponse } from '../../api/schemas/plans.ts';

const t = useDemoApp();
const { get, fails, sql } = t;

const ids = (rows: Array<{ unit_id: string }>) => rows.map((r) => r.unit_id).sort();

describe('GET /api/units', () => {
  const provincesOn = (d: string) =>
    sql<{ unit_id: string }>(
      `select unit_id from units where parent_id = 'VN'
       and (valid_from is null or valid_from <= $d::date) and (valid_to is null or valid_to >= $d::date)`,
      { d },
    );

  it('lists the country and its 34 provinces after the reform, with parent_id', async () => {
    const body = await get(`/api/units?as_of=${DEMO_TODAY}`, unitsResponse);
    expect(body.root).toBe('VN');
    expect(body.level).toBe('province');
    expect(body.units[0]).toMatchObject({ unit_id: 'VN', parent_id: null, children: 34 });
    const provinces = body.units.slice(1);
    expect(provinces).toHaveLength(34);
    expect(provinces.every((u) => u.parent_id === 'VN' && u.level === 'province')).toBe(true);
    expect(ids(provinces)).toEqual(ids(await provincesOn(DEMO_TODAY)));
    expect(provinces.find((u) => u.code === '91')).toMatchObject({
      unit_id: 'p91@2025-07-01',
      name: 'An Giang',
      valid_from: '2025-07-01',
      valid_to: null,
    });
  });

  it('lists the 63 provinces before the reform; the default date is today', async () => {
    const before = await get('/api/units?as_of=2024-06-01&level=province', unitsResponse);
    expect(before.units).toHaveLength(64);
    expect(ids(before.units.slice(1))).toEqual(ids(await provincesOn('2024-06-01')));
    expect(before.units.find((u) => u.code === '91')?.name).toBe('Kiên Giang');
    const now = await get('/api/units', unitsResponse);
    expect(now.as_of).toBe(new Date().toISOString().slice(0, 10));
  });

  it('roots the list at a parent given by a code read at the date, or by id', async () => {
    const kienGiang = await get('/api/units?parent=91&as_of=2024-01-01', unitsResponse);
    expect(kienGiang.root).toBe('p91');
    expect(kienGiang.units.map((u) => u.unit_id)).toEqual(['p91']);
    const anGiang = await get(`/api/units?parent=91&as_of=${DEMO_TODAY}`, unitsResponse);
    expect(anGiang.root).toBe('p91@2025-07-01');
  });

  it('rejects bad parameters and units that did not exist at the date', async () => {
    await fails('/api/units?as_of=2024-13-01', 400, 'INVALID_REQUEST');
    await fails('/api/units?level=hamlet', 400, 'INVALID_REQUEST');
    await fails('/api/units?parent=p91&level=national&as_of=2024-01-01', 400, 'INVALID_REQUEST');
    expect(await fails(`/api/units?parent=p91&as_of=${DEMO_TODAY}`, 404, 'UNKNOWN_UNIT')).toMatch(
      /p91 did not exist on 2026-01-25/,
    );
    expect(await fails(`/api/units?parent=77&as_of=${DEMO_TODAY}`, 404, 'UNKNOWN_UNIT')).toMatch(
      /77.*p77/,
    );
  });
});

describe('GET /api/units/:unit', () => {
  it('reads a code at the date: 91 is Kiên Giang in 2024, merged into An Giang', async () => {
    const body = await get('/api/units/91?as_of=2024-01-01', unitResponse);
    expect(body.unit).toMatchObject({ unit_id: 'p91', name: 'Kiên Giang', valid_to: '2025-06-30' });
    expect(body.ancestors.map((a) => a.unit_id)).toEqual(['VN']);
    expect(body.predecessors).toEqual([]);
    expect(body.successors).toEqual([
      {
        unit_id: 'p91@2025-07-01',
        code: '91',
        name: 'Tỉnh An Giang',
        level: 'province',
        valid_from: '2025-07-01',
        valid_to: null,
        effective_on: '2025-07-01',
        kind: 'merge',
      },
    ]);
  });

  it('gives the new An Giang its predecessors from unit_succession', async () => {
    const body = await get('/api/units/p91@2025-07-01', unitResponse);
    const expected = await sql<{ from_unit_id: string; kind: string; effective_on: string }>(
      `select from_unit_id, kind, effective_on from unit_succession
       where to_unit_id = 'p91@2025-07-01' order by from_unit_id`,
    );
    expect(
      body.predecessors.map((p) => ({
        from_unit_id: p.unit_id,
        kind: p.kind,
        effective_on: p.effective_on,
      })),
    ).toEqual(expected);
    expect(ids(body.predecessors)).toEqual(['p89', 'p91']);
    expect(body.successors).toEqual([]);
  });

  it("lists the country's children at the date; a dissolved unit's at its last day", async () => {
    const vn = await get('/api/units/VN?as_of=2024-05-01', unitResponse);
    expect(vn.children).toHaveLength(63);
    expect(vn.ancestors).toEqual([]);
    const old = await get(`/api/units/p77?as_of=${DEMO_TODAY}`, unitResponse);
    expect(old.children_as_of).toBe('2025-06-30');
    expect(old.successors.map((s) => s.unit_id)).toEqual(['p79@2025-07-01']);
  });

  it('takes a unit by its name at the date, as people type it', async () => {
    const byName = await get(
      `/api/units/${encodeURIComponent('Tỉnh An Giang')}?as_of=${DEMO_TODAY}`,
      unitResponse,
    );
    expect(byName.unit.unit_id).toBe('p91@2025-07-01');
    const short = await get(
      `/api/units/${encodeURIComponent('an giang')}?as_of=2024-12-31`,
      unitResponse,
    );
    expect(short.unit.unit_id).toBe('p89');
  });

  it('answers an unknown unit with 404 UNKNOWN_UNIT naming what the code once was', async () => {
    expect(await fails(`/api/units/77?as_of=${DEMO_TODAY}`, 404, 'UNKNOWN_UNIT')).toMatch(/p77/);
    await fails('/api/units/nowhere', 404, 'UNKNOWN_UNIT');
    await fails('/api/units/VN?as_of=yesterday', 400, 'INVALID_REQUEST');
  });
});

describe('GET /api/indicators', () => {
  it('serves the catalogue of the database, with target counts', async () => {
    const body = await get('/api/indicators', indicatorsResponse);
    const indicators = await sql<Record<string, unknown>>(
      `select indicator_id, name_vi, name_en, unit, direction, numerator, denominator,
              (select count(*) from targets t where t.indicator_id = i.indicator_id)::integer targets
       from indicators i order by indicator_id`,
    );
    expect(body.indicators.map(({ description: _d, ...i }) => i)).toEqual(indicators);
    expect(body.indicators.find((i) => i.indicator_id === 'cccd_coverage')?.description).toBe(
      'Σcccd_issued / Σcccd_eligible × 100',
    );
    const metrics = await sql('select metric_id, name_vi, name_en, unit, kind from metrics');
    expect(body.metrics).toHaveLength(metrics.length);
    expect(body.metrics.map((m) => m.metric_id)).toContain('vneid_activated');
  });
});

describe('GET /api/plans', () => {
  it('lists every plan with the counts of what it holds', async () => {
    const body = await get('/api/plans', plansResponse);
    const expected = await sql<Record<string, unknown>>(
      `select p.plan_id,
              (select count(*) from targets x where x.plan_id = p.plan_id)::integer targets,
              (select count(*) from tasks x where x.plan_id = p.plan_id)::integer tasks,
              (select count(*) from procedures x where x.plan_id = p.plan_id)::integer procedures,
              (select count(*) from core.plan_notes x where x.plan_id = p.plan_id)::integer notes
       from plans p order by plan_id`,
    );
    const got = body.plans
      .map(({ plan_id, targets, tasks, procedures, notes }) => ({
        plan_id,
        targets,
        tasks,
        procedures,
        notes,
      }))
      .sort((a, b) => a.plan_id.localeCompare(b.plan_id));
    expect(got).toEqual(expected);
    // the README's table
    expect(body.plans.find((p) => p.plan_id === 'qd-740-2022-kien-giang')).toMatchObject({
      document_no: '740/QĐ-UBND',
      issued_on: '2022-03-17',
      report_due_day: 20,
      unit_id: 'p91',
      targets: 23,
      indicator_targets: 18,
      targets_measured: 23,
      targets_total: 23,
      source_kind: 'legal_text',
      tasks: 63,
      procedures: 25,
      notes: 27,
      inconsistencies: 11,
    });
  });

  it('serves one plan whole, with its lineage', async () => {
    const body = await get('/api/plans/qd-740-2022-kien-giang', planResponse);
    expect(body.plan.plan_id).toBe('qd-740-2022-kien-giang');
    expect(body.parent?.plan_id).toBe('qd-06-2022-national');
    expect(body.ancestors.map((p) => p.plan_id)).toEqual(['qd-06-2022-national']);
    expect(body.targets).toHaveLength(23);
    expect(body.tasks).toHaveLength(63);
    expect(body.procedures).toHaveLength(25);
    expect(body.notes.filter((n) => n.kind === 'inconsistency')).toHaveLength(11);
    const [task] = await sql<{ number: string; lead: string; due_on: string | null }>(
      `select number, lead, strftime(due_on, '%Y-%m-%d') due_on from tasks
       where plan_id = 'qd-740-2022-kien-giang' order by seq limit 1`,
    );
    expect(body.tasks[0]).toMatchObject(task);
    expect(body.tasks[0].leads.join('; ')).toBe(task.lead);

    const commune = await get('/api/plans/kh-12-2022-son-ninh', planResponse);
    expect(commune.ancestors.map((p) => p.plan_id)).toEqual([
      'qd-06-2022-national',
      'kh-12-cah-2022-huong-son',
    ]);
    const root = await get('/api/plans/qd-06-2022-national', planResponse);
    const children = await sql<{ plan_id: string }>(
      "select plan_id from plans where parent_plan_id = 'qd-06-2022-national' order by plan_id",
    );
    expect(root.children.map((c) => c.plan_id).sort()).toEqual(children.map((c) => c.plan_id));
    expect(root.parent).toBeNull();
  });

  it('answers an unknown plan with 404 UNKNOWN_PLAN', async () => {
    expect(await fails('/api/plans/kh-0-nowhere', 404, 'UNKNOWN_PLAN')).toBe(
      'unknown plan: kh-0-nowhere',
    );
  });
});

describe('OpenAPI', () => {
  it('documents every read route with a summary and a response schema', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    for (const path of [
      '/api/units',
      '/api/units/{unit}',
      '/api/indicators',
      '/api/plans',
      '/api/plans/{plan_id}',
      '/api/scorecard',
      '/api/series',
      '/api/ranking',
      '/api/tasks',
      '/api/procedures',
      '/api/reporting',
      '/api/quality',
    ]) {
      const get = doc.paths[path]?.get;
      expect(get, path).toBeDefined();
      expect(get.summary, path).toBeTruthy();
      expect(get.tags?.length, path).toBeGreaterThan(0);
      expect(get.responses['200'], path).toBeDefined();
    }
  });
});
