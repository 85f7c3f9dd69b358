// `chitieu demo` against a real DuckDB file: the dataset goes through the ingest pipeline with no
// error, is complete and continuous, keeps revisions, is labelled synthetic, and loads once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../pipelines/db/connect.ts';
import { initialise } from '../../cli/commands/init.ts';
import { describeDemo, runDemo, type DemoRun } from '../../cli/commands/demo.ts';
import { ingestFile } from '../../pipelines/load/ingest.ts';
import { main } from '../../cli/main.ts';
import { CliError } from '../../cli/errors.ts';
import { DEFAULT_SEED, DEMO_NOTE, figureKey } from '../../pipelines/demo/generate.ts';
import { monthsBetween } from '../../pipelines/demo/calendar.ts';
import { bufferIo, openTempDb, tempDir } from '../helpers.ts';

const UNTIL = '2025-09';

describe('chitieu demo, province level', () => {
  let db: Database;
  let cleanup: () => void;
  let first: DemoRun;
  beforeAll(async () => {
    ({ db, cleanup } = await openTempDb());
    await initialise(db);
    first = await runDemo(db, { seed: DEFAULT_SEED, until: UNTIL, asOf: null });
  });
  afterAll(() => cleanup());

  it('loads every file through the ingest pipeline with zero errors', () => {
    expect(first.reports.map((r) => [r.file, r.status, r.errorCount])).toEqual([
      ['demo-provinces.csv', 'loaded', 0],
      ['demo-corrections.csv', 'loaded', 0],
    ]);
    const [main, corrections] = first.reports;
    expect(main.rowsNew).toBe(first.data.rows.length);
    expect(corrections.rowsRevised).toBe(first.data.corrections.length);
    // the two deliberate numerator-above-denominator cases, kept as data-quality findings (and
    // at most the marked stock typo besides, should the pipeline flag falling stocks)
    const rules = main.warnings.map((w) => w.rule);
    expect(rules.filter((r) => r === 'numerator_above_denominator')).toHaveLength(2);
    const stockFalls = first.data.anomalies.filter((a) => a.kind === 'stock_fall').length;
    expect(rules.length - 2).toBeLessThanOrEqual(stockFalls);
    expect(describeDemo(first).at(-1)).toMatch(/^2 files, [\d,]+ rows, 2 new batch\(es\); /);
    expect(describeDemo(first)).toContain(
      'no districts or communes in the database (chitieu units import FILE): province level only',
    );
  });

  it('stores the synthetic label', async () => {
    expect(await db.scalar("select value from core.meta where key = 'demo_data'")).toBe(
      'synthetic',
    );
    const notes = await db.all<{ note: string; n: string }>(
      'select note, count(*) as n from observation_history group by note order by note',
    );
    expect(notes.every((n) => n.note.startsWith(DEMO_NOTE))).toBe(true);
    const files = await db.all<{ file_name: string }>(
      'select file_name from core.batches order by file_name',
    );
    expect(files.every((f) => f.file_name.startsWith('demo-'))).toBe(true);
  });

  it('has every metric and every month for the provinces, but for the missing reports', async () => {
    const rows = await db.all<{ unit_id: string; period: string; metrics: string }>(`
      select o.unit_id, o.period, count(distinct o.metric) as metrics
      from observations o join units u using (unit_id)
      where u.level = 'province' group by all`);
    const seen = new Map(rows.map((r) => [`${r.unit_id}|${r.period}`, Number(r.metrics)]));
    const missing = new Set(first.data.absences.map((a) => `${a.unit_id}|${a.period}`));
    expect(missing.size).toBeGreaterThan(0);
    for (const period of monthsBetween('2022-01', UNTIL)) {
      const provinces =
        period <= '2025-06' ? first.data.provincesBefore : first.data.provincesAfter;
      for (const p of provinces) {
        const key = `${p.unit_id}|${period}`;
        expect(seen.get(key), key).toBe(missing.has(key) ? undefined : 30);
      }
    }
    expect(seen.size).toBe(63 * 42 + 34 * 3 - missing.size);
    expect(await db.scalar("select count(*) from observations where unit_id = 'VN'")).toBe(0n);
  });

  it('continues across the reform: 7/2025 figures are the sums of the predecessors', async () => {
    const rows = await db.all<{ unit_id: string; metric: string; value: number }>(
      "select unit_id, metric, value from observations where period = '2025-07'",
    );
    const t = monthsBetween('2022-01', '2025-07').length - 1;
    expect(rows).toHaveLength(34 * 30);
    for (const r of rows) {
      const preds = first.data.predecessors[r.unit_id];
      const sum = preds.reduce((a, p) => a + first.data.latent.get(p)![t][r.metric], 0);
      expect(r.value, `${r.unit_id} ${r.metric}`).toBe(sum);
    }
    // and the country's stock totals move by less than 2% from June to July
    const totals = await db.all<{ period: string; v: number }>(`
      select period, sum(value) as v from observations
      where metric = 'cccd_eligible' and period in ('2025-06', '2025-07') group by period order by period`);
    expect(Math.abs(totals[1].v / totals[0].v - 1)).toBeLessThan(0.02);
  });

  it('keeps stocks from falling in the latest figures; the first reports show the marked fall', async () => {
    const falls = await db.all<{ unit_id: string; period: string; metric: string }>(`
      with s as (
        select o.unit_id, o.period, o.metric, o.value,
          lag(o.value) over (partition by o.unit_id, o.metric order by o.period) as previous
        from observations o join metrics m on m.metric_id = o.metric where m.kind = 'stock')
      select unit_id, period, metric from s where value < previous order by all`);
    expect(falls).toEqual([]);
    const firstReports = await db.all<{ unit_id: string; period: string; metric: string }>(`
      with s as (
        select h.unit_id, h.period, h.metric, h.value,
          lag(h.value) over (partition by h.unit_id, h.metric order by h.period) as previous
        from observation_history h join metrics m on m.metric_id = h.metric
        where m.kind = 'stock' and h.revision = 1)
      select unit_id, period, metric from s where value < previous order by all`);
    const marked = first.data.anomalies.filter((a) => a.kind === 'stock_fall');
    expect(firstReports).toEqual(
      marked.map(({ unit_id, period, metric }) => ({ unit_id, period, metric })),
    );
  });

  it('keeps the corrections as revisions in observation_history', async () => {
    const revised = await db.all<{
      unit_id: string;
      period: string;
      metric: string;
      first: number;
      latest: number;
      file_name: string;
    }>(`
      select unit_id, period, metric, arg_min(value, revision) as first,
        arg_max(value, revision) as latest, arg_max(file_name, revision) as file_name
      from observation_history group by all having count(*) > 1 order by all`);
    expect(revised).toHaveLength(first.data.corrections.length);
    expect(revised.length).toBeGreaterThanOrEqual(8);
    const fixes = new Map(
      first.data.corrections.map((c) => [figureKey(c.unit_id, c.period, c.metric), c.value]),
    );
    for (const r of revised) {
      expect(r.file_name).toBe('demo-corrections.csv');
      expect(r.latest).toBe(fixes.get(figureKey(r.unit_id, r.period, r.metric)));
      expect(r.first).not.toBe(r.latest);
    }
  });

  it('sets reported_at per unit-month, mostly on time', async () => {
    const [r] = await db.all<{ n: string; late: string; missing_at: string }>(`
      select count(*) as n,
        count(*) filter (where reported_at > (period || '-01')::date + interval 1 month + interval 19 day) as late,
        count(*) filter (where reported_at is null) as missing_at
      from (select distinct unit_id, period, reported_at from observation_history where revision = 1)`);
    expect(Number(r.missing_at)).toBe(0);
    expect(Number(r.late)).toBeGreaterThan(0);
    expect(Number(r.late) / Number(r.n)).toBeLessThan(0.3);
  });

  it('changes nothing when run again: the pipeline says unchanged', async () => {
    const count = async () =>
      db.all(
        'select (select count(*) from observation_history) h, (select count(*) from core.batches) b',
      );
    const before = await count();
    const again = await runDemo(db, { seed: DEFAULT_SEED, until: UNTIL, asOf: null });
    expect(again.reports.map((r) => [r.file, r.status, r.rowsNew, r.rowsRevised])).toEqual([
      ['demo-provinces.csv', 'unchanged', 0, 0],
      ['demo-corrections.csv', 'unchanged', 0, 0],
    ]);
    expect(await count()).toEqual(before);
    expect(describeDemo(again).at(-1)).toMatch(/0 new batch\(es\) \(nothing changed\)/);
  });
});

describe('chitieu demo on the command line', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir, cleanup } = tempDir()));
  afterAll(() => cleanup());

  it('has --help and refuses bad options', async () => {
    const io = bufferIo(join(dir, 'x.duckdb'));
    expect(await main(['demo', '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/--until YYYY-MM/);
    expect(io.stdout.join('\n')).toMatch(/--seed N/);
    expect(await main(['demo', '--until', '2021-12'], io)).toBe(2);
    expect(await main(['demo', '--until', '2099-01'], io)).toBe(2);
    expect(await main(['demo', '--seed', 'abc'], io)).toBe(2);
    expect(await main(['demo', '--bogus'], io)).toBe(2);
  });

  it('initialises an empty database and loads a short demo', async () => {
    const io = bufferIo(join(dir, 'fresh.duckdb'));
    expect(await main(['demo', '--until', '2022-06', '--seed', '7'], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/ran chitieu init first/);
    expect(out).toMatch(/seed 7, 2022-01 … 2022-06/);
    expect(out).toMatch(/demo-provinces\.csv: loaded as batch/);
  });

  it('will not mix synthetic figures into a database with real ones', async () => {
    const { db, cleanup: close } = await openTempDb();
    try {
      await initialise(db);
      const file = join(dir, 'real.csv');
      writeFileSync(file, 'unit_code,period,metric,value\n79,2024-06,dossiers_received,1000\n');
      expect((await ingestFile(db, file)).status).toBe('loaded');
      const refused = runDemo(db, { seed: 1, until: '2022-03', asOf: null });
      await expect(refused).rejects.toThrow(CliError);
      await expect(refused).rejects.toThrow(/other file/);
    } finally {
      close();
    }
  });
});
