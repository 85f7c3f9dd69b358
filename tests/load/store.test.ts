// Figures are stored by integer keys (migration 006, pipelines/load/store.ts): a database written
// before 006 keeps every revision through the migration, keys are given once and reused, and the
// text view reads back exactly what was written.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../pipelines/db/connect.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import { appendRevisions } from '../../pipelines/load/store.ts';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { tempDir } from '../helpers.ts';

const MIGRATIONS = join(PROJECT_ROOT, 'pipelines/db/migrations');
let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

async function freshDb(): Promise<{ db: Database; dir: string }> {
  const { dir, cleanup } = tempDir();
  const db = await Database.open(join(dir, 'store.duckdb'));
  cleanups.push(() => {
    db.close();
    cleanup();
  });
  return { db, dir };
}

const ROWS = `select * from (values
    ('p01', '01', '2024-06', 'population', 8000.0, 1, 'b1', timestamp '2024-07-02 08:00:00',
     timestamp '2024-07-01 00:00:00', 'đầu kỳ', 2::bigint, null::varchar),
    ('p01', '01', '2024-06', 'population', 8001.0, 2, 'b2', timestamp '2024-07-09 08:00:00',
     null::timestamp, null, 2::bigint, null),
    ('p91', '91', '2024-Q2', 'dossiers_received', 12.0, 1, 'b1', timestamp '2024-07-02 08:00:00',
     null::timestamp, null, 3::bigint, null),
    ('VN', 'VN', '2024', 'cccd_issued', 1.5e7, 1, 'b2', timestamp '2024-07-09 08:00:00',
     null::timestamp, null, null::bigint, null),
    ('c00001', '00001', '2024-06-15', 'cccd_issued', 7.0, 1, 'b2', timestamp '2024-07-09 08:00:00',
     null::timestamp, null, 4::bigint, null))`;

const readBack = (db: Database) =>
  db.all(`select unit_id, unit_code, period, metric, value, revision, batch_id, loaded_at,
    reported_at, note, line from core.observation_revisions order by all`);
// the table of before 006 has no sheet: the rows without it
const OLD_ROWS = `select * exclude (col11) from (${ROWS})`;

describe('figures by key', () => {
  it('a database written before migration 006 keeps every revision, read through the same columns', async () => {
    const { db, dir } = await freshDb();
    // the migrations up to 005, then figures in the table of that time
    const before = join(dir, 'migrations');
    mkdirSync(before);
    for (const f of readdirSync(MIGRATIONS).filter((f) => f < '006')) {
      cpSync(join(MIGRATIONS, f), join(before, f));
    }
    expect(await migrate(db, before)).toEqual([1, 2, 3, 4, 5]);
    await db.run(`insert into core.observation_revisions ${OLD_ROWS}`);
    const written = await readBack(db);
    const latest = await db.all('select * from observations order by all');
    const history = await db.all('select * from observation_history order by all');
    expect(written).toHaveLength(5);
    expect(latest).toHaveLength(4);

    expect(await migrate(db)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(await readBack(db)).toEqual(written);
    expect(await db.all('select * from observations order by all')).toEqual(latest);
    expect(await db.all('select * from observation_history order by all')).toEqual(history);
    // the texts are stored once each
    expect(await db.scalar('select count(*) from core.unit_keys')).toBe(4n);
    expect(await db.scalar('select count(*) from core.period_keys')).toBe(4n);
    expect(await db.scalar('select count(*) from core.metric_keys')).toBe(3n);
    expect(
      await db.all(`select column_name, data_type from duckdb_columns
        where schema_name = 'core' and table_name = 'observation_facts' and column_name like '%_key'
        order by column_index`),
    ).toEqual([
      { column_name: 'unit_key', data_type: 'INTEGER' },
      { column_name: 'period_key', data_type: 'INTEGER' },
      { column_name: 'metric_key', data_type: 'SMALLINT' },
    ]);
  });

  it('appends give keys to new texts only, and a rolled-back append leaves no key behind', async () => {
    const { db } = await freshDb();
    await migrate(db);
    expect(await appendRevisions(db, ROWS)).toBe(5);
    const keys = await db.all('select * from core.period_keys order by period_key');
    expect(keys.map((k) => k.period)).toEqual(['2024', '2024-06', '2024-06-15', '2024-Q2']);

    // the same texts again, and one new period: one key more, the old ones unchanged
    await appendRevisions(
      db,
      `select 'p01', '01', '2024-07', 'population', 8002.0, 1, 'b3', now(), null, null, 2, 'Tháng 7'
       union all select 'p01', '01', '2024-06', 'population', 8003.0, 3, 'b3', now(), null, null, 3, null`,
    );
    const after = await db.all('select * from core.period_keys order by period_key');
    expect(after.slice(0, 4)).toEqual(keys);
    expect(after.slice(4)).toEqual([{ period_key: 5, period: '2024-07' }]);
    expect(
      await db.all(
        "select period, sheet from core.observation_revisions where batch_id = 'b3' order by 1",
      ),
    ).toEqual([
      { period: '2024-06', sheet: null },
      { period: '2024-07', sheet: 'Tháng 7' },
    ]);
    expect(await db.scalar('select count(*) from core.unit_keys')).toBe(4n);
    expect(
      await db.scalar(
        "select value from observations where unit_id = 'p01' and period = '2024-06'",
      ),
    ).toBe(8003);

    const counts = () =>
      db.values(`select (select count(*) from core.unit_keys) u, (select count(*) from
        core.period_keys) p, (select count(*) from core.metric_keys) m,
        (select count(*) from core.observation_facts) f`);
    const before = await counts();
    await expect(
      db.transaction(async () => {
        await appendRevisions(
          db,
          `select 'p02', '02', '2030-01', 'new_metric', 1.0, 1, 'b4', now(), null, null, 2, null`,
        );
        throw new Error('the batch fails after its figures');
      }),
    ).rejects.toThrow('the batch fails');
    expect(await counts()).toEqual(before);
  });
});
