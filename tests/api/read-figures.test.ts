// The read API's figures (scorecard, series, ranking) against the views and tables of the same
// database, across the 2025 reform; and the ETag round trip of the response cache.
import { describe, expect, it } from 'vitest';
import { useDemoApp } from './app.ts';
import { scorecardResponse } from '../../api/schemas/scorecard.ts';
import { seriesResponse } from '../../api/schemas/series.ts';
import { rankingResponse } from '../../api/schemas/ranking.ts';

const t = useDemoApp();
const { get, fails, sql } = t;

const actualsOf = async (unit: string, period: string) =>
  new Map(
    (
      await sql<{ indicator_id: string; actual: number | null }>(
        'select indicator_id, actual from actuals where unit_id = $u and period = $p',
        { u: unit, p: period },
      )
    ).map((r) => [r.indicator_id, r.actual]),
  );

describe('GET /api/scorecard', () => {
  it("gives VN's 2025-Q4 actuals as the progress view has them, and 2025-Q3's beside", async () => {
    const body = await get('/api/scorecard?unit=VN&period=2025-Q4', scorecardResponse);
    expect(body.unit).toEqual({ unit_id: 'VN', code: 'VN', name: 'Việt Nam', level: 'national' });
    expect(body.period).toBe('2025-Q4');
    expect(body.previous_period).toBe('2025-Q3');
    expect(body.synthetic).toBe(true);
    const indicators = await sql<{ indicator_id: string }>(
      'select indicator_id from indicators order by indicator_id',
    );
    expect(body.rows.map((r) => r.indicator_id)).toEqual(indicators.map((i) => i.indicator_id));
    const progress = await sql<{ indicator_id: string; actual: number }>(
      `select distinct indicator_id, actual from progress
       where unit_id = 'VN' and period = '2025-Q4' and actual is not null`,
    );
    expect(progress.length).toBeGreaterThan(5);
    for (const p of progress) {
      expect(body.rows.find((r) => r.indicator_id === p.indicator_id)?.actual).toBe(p.actual);
    }
    const previous = await actualsOf('VN', '2025-Q3');
    for (const row of body.rows) {
      expect(row.previous, row.indicator_id).toBe(previous.get(row.indicator_id) ?? null);
    }
  });

  it('reads a code at the period: 91 in 2024 is Kiên Giang with its plan’s targets', async () => {
    const body = await get('/api/scorecard?unit=91&period=2024', scorecardResponse);
    expect(body.unit).toMatchObject({ unit_id: 'p91', name: 'Tỉnh Kiên Giang' });
    // the scorecard's rows are the catalogue's indicators: targets measured by metrics they
    // declare are evaluated too (progress, the plan page) but have no row here
    const statuses = await sql<{ target_id: string; status: string; ratio: number | null }>(
      `select target_id, status, ratio from core.target_status join core.targets using (target_id)
       where unit_id = 'p91' and period = '2024' and measure_kind = 'indicator'
       order by target_id`,
    );
    expect(statuses.length).toBeGreaterThan(0);
    const got = body.rows
      .flatMap((r) => r.targets)
      .map(({ target_id, status, ratio }) => ({ target_id, status, ratio }))
      .sort((a, b) => a.target_id.localeCompare(b.target_id));
    expect(got).toEqual(statuses);
    const later = await get('/api/scorecard?unit=91&period=Quý IV/2025', scorecardResponse);
    expect(later.unit.unit_id).toBe('p91@2025-07-01');
    expect(later.period).toBe('2025-Q4');
  });

  it('rejects a missing or bad period and an unknown unit', async () => {
    await fails('/api/scorecard?unit=VN', 400, 'INVALID_REQUEST');
    expect(await fails('/api/scorecard?unit=VN&period=2025-13', 400, 'INVALID_PERIOD')).toContain(
      '2025-13',
    );
    expect(await fails('/api/scorecard?unit=77&period=2026-01', 404, 'UNKNOWN_UNIT')).toContain(
      'p77',
    );
    await fails('/api/scorecard?unit=zz&period=2025', 404, 'UNKNOWN_UNIT');
  });
});

describe('GET /api/series', () => {
  it('rebuilds An Giang before 1/7/2025 from its predecessors (reconstructed)', async () => {
    const body = await get(
      '/api/series?indicator=cccd_coverage&unit=p91@2025-07-01&grain=month',
      seriesResponse,
    );
    expect(body.unit.unit_id).toBe('p91@2025-07-01');
    expect(body.points.length).toBeGreaterThan(12);
    for (const p of body.points) expect(p.reconstructed, p.period).toBe(p.period < '2025-07');
    expect(body.points.some((p) => p.period === '2025-12' && !p.reconstructed)).toBe(true);
    const rows = await sql<{ period: string; actual: number; reconstructed: boolean }>(
      `select period, actual, reconstructed from actuals
       where unit_id = 'p91@2025-07-01' and indicator_id = 'cccd_coverage' and grain = 'month'
       order by period`,
    );
    expect(
      body.points.map(({ period, actual, reconstructed }) => ({ period, actual, reconstructed })),
    ).toEqual(rows);
  });

  it('gives Kiên Giang (91 read at `to`) its binding targets, expected paths and projections', async () => {
    const body = await get(
      '/api/series?indicator=vneid_accounts&unit=91&grain=year&to=2024',
      seriesResponse,
    );
    expect(body.unit.unit_id).toBe('p91');
    expect(body.points.map((p) => p.period)).toEqual(['2022', '2023', '2024']);
    const targets = await sql<{ target_id: string }>(
      `select distinct target_id from core.target_status
       where unit_id = 'p91' and indicator_id = 'vneid_accounts' order by target_id`,
    );
    expect(body.targets.map((x) => x.target_id).sort()).toEqual(targets.map((x) => x.target_id));
    const first = body.targets.find((x) => x.target_id.endsWith('2023-2025-tai-khoan-vneid'));
    expect(first).toMatchObject({ value: 500000, comparator: '>', deadline: '2025-12-31' });
    const path = body.expected.find((e) => e.target_id === first?.target_id);
    const rows = await sql<{ period: string; expected: number }>(
      `select period, expected from core.target_status where target_id = $id and unit_id = 'p91'
       and grain = 'year' and period <= '2024' order by period`,
      { id: first?.target_id ?? '' },
    );
    expect(path?.points).toEqual(rows);
    const projection = body.projection.find((p) => p.target_id === first?.target_id);
    expect(projection).toMatchObject({ period: '2024', as_of: '2024-12-31' });
    const [latest] = await sql<{ status: string; projected: number | null }>(
      `select status, projected from core.target_status where target_id = $id and unit_id = 'p91'
       and period = '2024'`,
      { id: first?.target_id ?? '' },
    );
    expect(projection).toMatchObject(latest);
  });

  it('keeps points within from–to at the grain asked for', async () => {
    const body = await get(
      '/api/series?indicator=dossier_online_rate&unit=VN&grain=quarter&from=2025&to=2025',
      seriesResponse,
    );
    expect(body.points.map((p) => p.period)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    const defaulted = await get(
      '/api/series?indicator=dossier_online_rate&unit=VN',
      seriesResponse,
    );
    expect(defaulted.grain).toBe('month');
  });

  it('rejects an unknown indicator, a bad grain and a backwards range', async () => {
    expect(await fails('/api/series?indicator=nope&unit=VN', 404, 'UNKNOWN_INDICATOR')).toBe(
      'unknown indicator: nope',
    );
    await fails('/api/series?indicator=cccd_coverage&unit=VN&grain=week', 400, 'INVALID_REQUEST');
    await fails('/api/series?unit=VN', 400, 'INVALID_REQUEST');
    await fails(
      '/api/series?indicator=cccd_coverage&unit=VN&from=2025&to=2024',
      400,
      'INVALID_PERIOD',
    );
    await fails('/api/series?indicator=cccd_coverage&unit=VN&from=soon', 400, 'INVALID_PERIOD');
    await fails('/api/series?indicator=cccd_coverage&unit=00', 404, 'UNKNOWN_UNIT');
  });
});

describe('GET /api/ranking', () => {
  it('ranks every child of VN at the period end, best first, with the country beside', async () => {
    const body = await get(
      '/api/ranking?indicator=cccd_coverage&unit=VN&period=2025-Q4',
      rankingResponse,
    );
    const children = await sql<{ unit_id: string }>(
      `select unit_id from units where parent_id = 'VN'
       and (valid_from is null or valid_from <= date '2025-12-31')
       and (valid_to is null or valid_to >= date '2025-12-31') order by unit_id`,
    );
    expect(children).toHaveLength(34);
    expect(body.rows.map((r) => r.unit_id).sort()).toEqual(children.map((c) => c.unit_id));
    const actuals = await sql<{ unit_id: string; actual: number }>(
      `select unit_id, actual from actuals where indicator_id = 'cccd_coverage' and period = '2025-Q4'`,
    );
    const byUnit = new Map(actuals.map((a) => [a.unit_id, a.actual]));
    for (const r of body.rows) expect(r.actual, r.unit_id).toBe(byUnit.get(r.unit_id) ?? null);
    const figures = body.rows.map((r) => r.actual).filter((a): a is number => a !== null);
    expect(figures).toEqual([...figures].sort((a, b) => b - a));
    expect(body.rows[0].rank).toBe(1);
    expect(body.parent.actual).toBe(byUnit.get('VN'));
  });

  it('ranks the 63 provinces before the reform, each with its most relevant target', async () => {
    const body = await get('/api/ranking?indicator=vneid_accounts&period=2025-Q2', rankingResponse);
    expect(body.unit.unit_id).toBe('VN');
    expect(body.rows).toHaveLength(63);
    const kienGiang = body.rows.find((r) => r.unit_id === 'p91');
    expect(kienGiang?.targets).toBe(2);
    // due 2025-12-31 is nearer than 2030-12-31
    expect(kienGiang?.target?.target_id).toBe('qd-740-2022-kien-giang/2023-2025-tai-khoan-vneid');
    const [status] = await sql<{ status: string; ratio: number | null }>(
      `select status, ratio from core.target_status
       where target_id = 'qd-740-2022-kien-giang/2023-2025-tai-khoan-vneid' and unit_id = 'p91'
       and period = '2025-Q2'`,
    );
    expect(kienGiang?.target).toMatchObject(status);
  });

  it('lists children without a figure last, with nulls', async () => {
    const body = await get(
      '/api/ranking?indicator=cccd_coverage&unit=VN&period=2021',
      rankingResponse,
    );
    expect(body.rows).toHaveLength(63);
    expect(body.rows.every((r) => r.actual === null && r.rank === null)).toBe(true);
  });

  it('rejects an unknown indicator, a missing period and an unknown unit', async () => {
    await fails('/api/ranking?indicator=nope&period=2024', 404, 'UNKNOWN_INDICATOR');
    await fails('/api/ranking?indicator=cccd_coverage', 400, 'INVALID_REQUEST');
    await fails('/api/ranking?indicator=cccd_coverage&period=2024&unit=999', 404, 'UNKNOWN_UNIT');
  });
});

describe('ETag', () => {
  it('answers a repeated request with 304, and changes after a write', async () => {
    const url = '/api/scorecard?unit=VN&period=2025-Q4';
    const first = await t.app.inject(url);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"[\w-]{16}-\d{4}-\d\d-\d\d"$/);
    const again = await t.app.inject({ url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    await t.app.warehouse.write((db) =>
      db.run("insert or replace into core.meta values ('x', 'y')"),
    );
    const after = await t.app.inject({ url, headers: { 'if-none-match': etag } });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(after.json()).toEqual(first.json());
  });
});
