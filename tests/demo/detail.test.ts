// With the public unit lists imported, the demo adds districts and communes under the seed
// provinces: their figures add up (roughly) to the province's, and some do not report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../pipelines/db/connect.ts';
import { initialise } from '../../cli/commands/init.ts';
import { describeDemo, runDemo, type DemoRun } from '../../cli/commands/demo.ts';
import { allUnits, readUnitList, saveUnits } from '../../pipelines/load/units.ts';
import { COMMUNE_METRICS, DEFAULT_SEED, DISTRICT_METRICS } from '../../pipelines/demo/generate.ts';
import { POST_2025, PRE_2025, openTempDb } from '../helpers.ts';

describe('chitieu demo with districts and communes', () => {
  let db: Database;
  let cleanup: () => void;
  let run: DemoRun;
  beforeAll(async () => {
    ({ db, cleanup } = await openTempDb());
    await initialise(db);
    for (const file of [PRE_2025, POST_2025]) {
      await saveUnits(db, readUnitList(file, await allUnits(db)), true);
    }
    run = await runDemo(db, { seed: DEFAULT_SEED, until: '2025-09', asOf: null });
  });
  afterAll(() => cleanup());

  it('loads the detail through the pipeline with zero errors', () => {
    expect(run.reports.map((r) => [r.file, r.status, r.errorCount])).toEqual([
      ['demo-provinces.csv', 'loaded', 0],
      ['demo-districts-communes.csv', 'loaded', 0],
      ['demo-corrections.csv', 'loaded', 0],
    ]);
    expect(run.reports[1].warnings).toEqual([]);
    expect(describeDemo(run)[1]).toMatch(
      /^detail for the seed provinces: \d+ districts, \d+ communes$/,
    );
  });

  it('covers the seed provinces, districts and communes', async () => {
    const rows = await db.all<{ unit_id: string; level: string; months: string; metrics: string }>(`
      select o.unit_id, u.level, count(distinct o.period) as months, count(distinct o.metric) as metrics
      from observations o join units u using (unit_id)
      where u.level in ('district', 'commune') group by all`);
    const byId = new Map(rows.map((r) => [r.unit_id, r]));
    // Phan Rang–Tháp Chàm and Hương Sơn (seed district plans), Sơn Ninh (seed commune plan)
    for (const id of ['d582', 'd439', 'c18175']) expect(byId.has(id), id).toBe(true);
    // every district of the five seed provinces
    const districts = await db.all<{ unit_id: string }>(`
      select unit_id from units where level = 'district'
        and parent_id in ('p58', 'p91', 'p77', 'p42', 'p79')`);
    expect(districts.length).toBeGreaterThan(50);
    for (const d of districts) expect(byId.has(d.unit_id), d.unit_id).toBe(true);
    for (const r of rows) {
      expect(Number(r.metrics)).toBe(
        r.level === 'district' ? DISTRICT_METRICS.length : COMMUNE_METRICS.length,
      );
    }
    // communes of the post-2025 Hà Tĩnh report from 7/2025; no district after the reform
    expect(
      await db.scalar(`select count(distinct o.unit_id) from observations o join units u using (unit_id)
        where u.parent_id = 'p42@2025-07-01' and o.period = '2025-07'`),
    ).toBeGreaterThan(50n);
    expect(
      await db.scalar(`select count(*) from observations o join units u using (unit_id)
        where u.level = 'district' and o.period > '2025-06'`),
    ).toBe(0n);
  });

  it('adds up roughly to the parent, with some children not reporting', async () => {
    const sums = await db.all<{
      parent_id: string;
      period: string;
      metric: string;
      children: number;
      parent: number;
      reported: string;
      total: string;
    }>(`
      with kids as (select unit_id, parent_id from units where level in ('district', 'commune')),
      n as (select parent_id, count(*) as total from kids group by parent_id)
      select k.parent_id, o.period, o.metric, sum(o.value) as children, any_value(p.value) as parent,
        count(*) as reported, any_value(n.total) as total
      from observations o join kids k using (unit_id) join n using (parent_id)
      join observations p on p.unit_id = k.parent_id and p.period = o.period and p.metric = o.metric
      where o.metric in ('population', 'dossiers_received', 'work_records_total')
      group by all`);
    expect(sums.length).toBeGreaterThan(1000);
    const complete = sums.filter((s) => s.reported === s.total);
    expect(complete.length).toBeGreaterThan(100);
    for (const s of complete) {
      const ratio = s.children / s.parent;
      const tolerance = s.metric === 'population' ? 0.01 : 0.15;
      expect(Math.abs(ratio - 1), `${s.parent_id} ${s.period} ${s.metric}`).toBeLessThan(tolerance);
    }
    const partial = sums.filter((s) => Number(s.reported) < Number(s.total));
    expect(partial.length).toBeGreaterThan(0);
    for (const s of partial.filter((p) => p.metric === 'population')) {
      expect(s.children).toBeLessThan(s.parent);
    }
  });

  it('keeps children under their denominators and their stocks rising', async () => {
    const breaches = await db.scalar(`
      select count(*) from observations n join observations d using (unit_id, period)
      join indicators i on i.numerator = n.metric and i.denominator = d.metric
      join units u using (unit_id) where u.level in ('district', 'commune') and n.value > d.value`);
    expect(breaches).toBe(0n);
    const falls = await db.scalar(`
      with s as (
        select o.value, lag(o.value) over (partition by o.unit_id, o.metric order by o.period) as previous
        from observations o join metrics m on m.metric_id = o.metric join units u using (unit_id)
        where m.kind = 'stock' and u.level in ('district', 'commune'))
      select count(*) from s where value < previous`);
    expect(falls).toBe(0n);
  });

  it('changes nothing when run again', async () => {
    const again = await runDemo(db, { seed: DEFAULT_SEED, until: '2025-09', asOf: null });
    expect(again.reports.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });
});
