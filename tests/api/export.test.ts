// GET /api/export/{observations|progress}.{csv|parquet|arrow}: every format read back (CSV and
// Parquet by DuckDB, Arrow by apache-arrow) equals a direct query of the view with the same
// filters; the unit filter takes the whole subtree; bad parameters are 400, unknown units 404.
import { readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { demoApp, type TestApp } from './app.ts';
import type { Database } from '../../pipelines/db/connect.ts';
import { appendRevisions } from '../../pipelines/load/store.ts';

let t: TestApp;
let file = 0;

// A district and a commune under Kiên Giang (the demo has provinces only), with figures; the
// commune's code holds a comma and a quote so that CSV quoting is exercised.
const ODD_CODE = '99,"9';
beforeAll(async () => {
  t = await demoApp();
  await t.app.warehouse.write(async (db) => {
    const batch = await db.scalar<string>('select min(batch_id) from core.batches');
    await db.run(
      `insert into core.units values
      ('d999', '999', 'Huyện Thử', 'Huyện Thử', null, 'district', 'p91', null, '2025-06-30', 'test'),
      ('c99999', $code, 'Xã Thử', 'Xã Thử', null, 'commune', 'd999', null, '2025-06-30', 'test')`,
      { code: ODD_CODE },
    );
    await appendRevisions(
      db,
      `select unit_id, unit_code, period, metric, value, 1, $batch, timestamp '2024-10-05 10:11:12.345678', null, null, null, null
       from (values
         ('d999', '999', '2024-06', 'population', 1000.0),
         ('d999', '999', '2024-07', 'population', 1001.5),
         ('d999', '999', '2024-Q3', 'dossiers_received', 30.0),
         ('d999', '999', '2024', 'dossiers_received', 1e-7),
         ('c99999', $code, '2024-08', 'population', 123456789012.25),
         ('c99999', $code, '2024-09-15', 'cccd_issued', 7.0)
       ) v(unit_id, unit_code, period, metric, value)`,
      { batch, code: ODD_CODE },
    );
    // a new data version, so the server's unit index is rebuilt with the two units
    await db.run("insert or replace into core.meta values ('export_test', 'units added')");
  });
});
afterAll(async () => t.close());

const get = (url: string) => t.app.inject(url);

/** Writes bytes to a file in the test's directory and returns its path. */
function saved(bytes: Buffer, ext: string): string {
  const path = join(t.dir, `download-${file++}.${ext}`);
  writeFileSync(path, bytes);
  return path;
}

const read = <T>(work: (db: Database) => Promise<T>) => t.app.warehouse.read(work);

/** The view's columns as a DuckDB struct literal for read_csv's `columns`. */
async function columnsOf(view: string): Promise<string> {
  const cols = await read((db) =>
    db.all<{ column_name: string; column_type: string }>(`describe ${view}`),
  );
  return `{${cols.map((c) => `'${c.column_name}': '${c.column_type}'`).join(', ')}}`;
}

/** Rows in one relation and not the other (both ways), and both counts. */
async function compare(relation: string, direct: string) {
  return read(async (db) => ({
    extra: await db.all(`(from ${relation}) except all (${direct})`),
    missing: await db.all(`(${direct}) except all (from ${relation})`),
    got: Number(await db.scalar(`select count(*) from ${relation}`)),
    want: Number(await db.scalar(`select count(*) from (${direct})`)),
  }));
}

const KG_SUBTREE = "('p91', 'd999', 'c99999')";
const PERIOD_START = `case
  when period similar to '\\d{4}' then (period || '-01-01')::date
  when period similar to '\\d{4}-Q\\d' then make_date(left(period, 4)::int, right(period, 1)::int * 3 - 2, 1)
  when period similar to '\\d{4}-\\d\\d' then (period || '-01')::date
  else period::date end`;

describe('GET /api/export/observations', () => {
  const direct = `select * from observations where unit_id in ${KG_SUBTREE}
    and ${PERIOD_START} between date '2024-07-01' and date '2024-12-31'`;

  it('CSV: RFC 4180 with a header, read back by DuckDB equal to the view, subtree and periods', async () => {
    const res = await get('/api/export/observations.csv?unit=91&from=2024-07&to=2024-Q4');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="observations_p91_from-2024-07-01_to-2024-12-31.csv"',
    );
    const text = res.body;
    expect(text.split('\r\n')[0]).toBe('unit_id,unit_code,period,metric,value,batch_id,loaded_at');
    expect(text).toContain('c99999,"99,""9",2024-08,population,123456789012.25,');
    expect(text).toContain('d999,999,2024-07,population,1001.5,');
    expect(text).toContain(',2024-10-05T10:11:12.345678\r\n');
    expect(text).not.toMatch(/\de[+-]?\d/); // numbers in plain decimals
    const path = saved(res.rawPayload, 'csv');
    const result = await compare(
      `read_csv('${path}', header = true, columns = ${await columnsOf('observations')})`,
      direct,
    );
    expect(result.extra).toEqual([]);
    expect(result.missing).toEqual([]);
    expect(result.got).toBe(result.want);
    // the district's July month, its quarter, the commune's month and snapshot; not June, not 2024
    const periods = await read((db) =>
      db.all<{ unit_id: string; period: string }>(
        `select unit_id, period from read_csv('${path}', header = true, all_varchar = true)
         where unit_id <> 'p91' order by all`,
      ),
    );
    expect(periods).toEqual([
      { unit_id: 'c99999', period: '2024-08' },
      { unit_id: 'c99999', period: '2024-09-15' },
      { unit_id: 'd999', period: '2024-07' },
      { unit_id: 'd999', period: '2024-Q3' },
    ]);
  });

  it('Parquet: read back by DuckDB equal to the view; the temporary file is gone', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('chitieu-export-')).length;
    const res = await get('/api/export/observations.parquet?unit=p91&from=2024-07&to=2024');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apache.parquet');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename=".*\.parquet"/);
    const path = saved(res.rawPayload, 'parquet');
    const result = await compare(`read_parquet('${path}')`, direct);
    expect(result).toMatchObject({ extra: [], missing: [] });
    expect(result.got).toBe(result.want);
    expect(result.got).toBeGreaterThan(4);
    const columns = await read((db) =>
      db.all<{ column_name: string }>(`describe from read_parquet('${path}')`),
    );
    expect(columns.map((c) => c.column_name)).toEqual([
      'unit_id',
      'unit_code',
      'period',
      'metric',
      'value',
      'batch_id',
      'loaded_at',
    ]);
    const after = readdirSync(tmpdir()).filter((f) => f.startsWith('chitieu-export-')).length;
    expect(after).toBeLessThanOrEqual(before);
  });

  it('Arrow: read back by apache-arrow equal to the view', async () => {
    const res = await get('/api/export/observations.arrow?unit=p91&from=2024-07&to=2024-12');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(res.rawPayload);
    const want = await read((db) =>
      db.values<Record<string, unknown>>(`${direct} order by unit_id, period, metric`),
    );
    expect(table.numRows).toBe(want.length);
    expect(table.schema.fields.map((f) => f.name)).toEqual(Object.keys(want[0]));
    const got = table.toArray().map((r) => r.toJSON());
    got.forEach((row, i) => {
      const w = want[i];
      expect([row.unit_id, row.unit_code, row.period, row.metric, row.value, row.batch_id]).toEqual(
        [w.unit_id, w.unit_code, w.period, w.metric, w.value, w.batch_id],
      );
      expect(Math.floor(Number(row.loaded_at))).toBe((w.loaded_at as Date).getTime());
    });
  });

  it('by indicator: the rows of its numerator and denominator metrics, the figures it is computed from', async () => {
    const res = await get(
      '/api/export/observations.arrow?unit=p91&indicator=cccd_coverage&from=2024-Q4&to=2024-Q4',
    );
    expect(res.statusCode).toBe(200);
    const table = tableFromIPC(res.rawPayload);
    expect(new Set(table.getChild('metric')!.toArray())).toEqual(
      new Set(['cccd_issued', 'cccd_eligible']),
    );
    const want = Number(
      await read((db) =>
        db.scalar(`select count(*) from observations where unit_id in ${KG_SUBTREE}
          and metric in ('cccd_issued', 'cccd_eligible') and period between '2024-10' and '2024-12'`),
      ),
    );
    expect(table.numRows).toBe(want);
    expect(want).toBeGreaterThan(0);
  });

  it('the whole country, and a province without the others', async () => {
    const all = tableFromIPC((await get('/api/export/observations.arrow?unit=VN')).rawPayload);
    const count = Number(await read((db) => db.scalar('select count(*) from observations')));
    expect(all.numRows).toBe(count);
    const kg = tableFromIPC((await get('/api/export/observations.arrow?unit=p91')).rawPayload);
    const units = new Set(kg.getChild('unit_id')!.toArray() as string[]);
    expect([...units].sort()).toEqual(['c99999', 'd999', 'p91']);
    const commune = tableFromIPC(
      (await get('/api/export/observations.arrow?unit=c99999')).rawPayload,
    );
    expect(new Set(commune.getChild('unit_id')!.toArray())).toEqual(new Set(['c99999']));
  });
});

describe('GET /api/export/progress', () => {
  it('filters by indicator, subtree and period, in every format, equal to the view', async () => {
    const q = 'unit=p91&indicator=vneid_accounts&from=2024&to=2024';
    const direct = `select * from progress where unit_id in ${KG_SUBTREE} and indicator_id = 'vneid_accounts'
      and ${PERIOD_START} between date '2024-01-01' and date '2024-12-31'`;
    const csv = await get(`/api/export/progress.csv?${q}`);
    expect(csv.statusCode).toBe(200);
    const fromCsv = await compare(
      `read_csv('${saved(csv.rawPayload, 'csv')}', header = true, columns = ${await columnsOf('progress')})`,
      direct,
    );
    expect(fromCsv).toMatchObject({ extra: [], missing: [] });
    expect(fromCsv.got).toBeGreaterThan(0);
    expect(fromCsv.got).toBe(fromCsv.want);
    const parquet = await get(`/api/export/progress.parquet?${q}`);
    const fromParquet = await compare(
      `read_parquet('${saved(parquet.rawPayload, 'parquet')}')`,
      direct,
    );
    expect(fromParquet).toMatchObject({ extra: [], missing: [], got: fromCsv.want });
    const arrow = tableFromIPC((await get(`/api/export/progress.arrow?${q}`)).rawPayload);
    expect(arrow.numRows).toBe(fromCsv.want);
    const want = await read((db) =>
      db.values<Record<string, unknown>>(
        `${direct} order by indicator_id, unit_id, period, target_id`,
      ),
    );
    const norm = (v: unknown) =>
      v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : v;
    arrow.toArray().forEach((row, i) => {
      const o = row.toJSON();
      for (const [k, v] of Object.entries(want[i])) expect([k, norm(o[k])]).toEqual([k, norm(v)]);
    });
  });

  it('an empty result still has its header or schema', async () => {
    const csv = await get('/api/export/progress.csv?from=2099&to=2099');
    expect(csv.body).toMatch(/^indicator_id,unit_id,unit_code,period,actual,.*\r\n$/);
    const arrow = tableFromIPC((await get('/api/export/progress.arrow?from=2099')).rawPayload);
    expect(arrow.numRows).toBe(0);
    expect(arrow.schema.fields[0].name).toBe('indicator_id');
  });
});

describe('GET /api/export: bad parameters', () => {
  it.each([
    ['/api/export/observations.xlsx', 400, 'INVALID_REQUEST'],
    ['/api/export/targets.csv', 400, 'INVALID_REQUEST'],
    ['/api/export/observations.csv?from=yesterday', 400, 'INVALID_PERIOD'],
    ['/api/export/observations.csv?to=2024-13', 400, 'INVALID_PERIOD'],
    ['/api/export/observations.csv?from=2025&to=2024', 400, 'INVALID_REQUEST'],
    ['/api/export/observations.csv?unit=', 400, 'INVALID_REQUEST'],
    ['/api/export/observations.csv?unit=nowhere', 404, 'UNKNOWN_UNIT'],
    ['/api/export/observations.csv?unit=77&from=2026-01', 404, 'UNKNOWN_UNIT'],
    ['/api/export/progress.parquet?indicator=nope', 404, 'UNKNOWN_INDICATOR'],
  ])('%s → %i %s', async (url, status, code) => {
    const res = await get(url);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
  });
});
