// The SQL sandbox's parts: the copy its processes read (the analyst views alone), its freshness
// after a write, its queue, a process that dies under a query, the node flags a process inherits,
// and what closing leaves behind. The attacks themselves are sql.test.ts (the guard) and
// sql-attacks.test.ts (a real server's memory).
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Database, projectFile } from '../../pipelines/db/connect.ts';
import { SqlSandbox } from '../../api/services/sql.ts';
import { analystViews, writeSnapshot } from '../../api/sql/snapshot.ts';
import { ANALYST_VIEWS } from '../../api/sql/guard.ts';
import { childFlags } from '../../api/sql/process.ts';
import { HttpError } from '../../api/errors.ts';
import { demoApp, type TestApp } from './app.ts';
import { tempDir } from '../helpers.ts';

let dir: string;
let cleanup: () => void;
let db: Database;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  const path = join(dir, 'demo.duckdb');
  copyFileSync(inject('demoDb'), path);
  db = await Database.open(path);
});
afterAll(() => {
  db?.close();
  cleanup?.();
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: HttpError) => ({ status: error.statusCode, code: error.code, message: error.message }),
  );

describe('the analyst contract', () => {
  it('is the list of views the README documents for analysts', () => {
    const readme = readFileSync(projectFile('README.md'), 'utf8');
    const section = readme.split('## For analysts: the views')[1].split('```sql')[0];
    const documented = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...line.split('|')[1].matchAll(/`([a-z_]+)[(`]/g)].map((m) => m[1]));
    expect([...ANALYST_VIEWS].sort()).toEqual([...new Set(documented)].sort());
  });
});

describe('the copy the sandbox reads', () => {
  it('holds the analyst views as tables, with their rows, and nothing else', async () => {
    const path = join(dir, 'copy.duckdb');
    const fork = await db.fork();
    try {
      await writeSnapshot(fork, path);
    } finally {
      fork.close();
    }
    const views = await analystViews(db);
    expect(views).toEqual([...ANALYST_VIEWS]);
    expect(existsSync(`${path}.partial`)).toBe(false);
    expect(existsSync(`${path}.wal`)).toBe(false);
    const copy = await Database.open(path, { readOnly: true });
    try {
      const tables = await copy.all<{ schema_name: string; table_name: string }>(
        "select schema_name, table_name from duckdb_tables() where database_name = 'copy' order by table_name",
      );
      expect(tables.map((t) => t.table_name)).toEqual([...views].sort());
      expect(new Set(tables.map((t) => t.schema_name))).toEqual(new Set(['main']));
      expect(
        await copy.all(
          "select view_name from duckdb_views() where database_name = 'copy' and not internal",
        ),
      ).toEqual([]);
      expect(
        await copy.all(
          "select schema_name from duckdb_schemas() where database_name = 'copy' and schema_name = 'core'",
        ),
      ).toEqual([]);
      for (const view of views) {
        const [a] = await db.all<{ n: string }>(`select count(*)::varchar n from ${view}`);
        const [b] = await copy.all<{ n: string }>(`select count(*)::varchar n from ${view}`);
        expect(b.n, view).toBe(a.n);
      }
    } finally {
      copy.close();
    }
  });
});

describe('the sandbox', () => {
  it('queues beyond its processes and answers 503 SQL_BUSY past the queue', async () => {
    const sandbox = new SqlSandbox(
      { fork: () => db.fork(), version: () => 'v1' },
      {
        timeoutMs: 3000,
        rowLimit: 10,
        directory: join(dir, 'busy.sql'),
        processes: 1,
        maxWaiting: 1,
      },
    );
    try {
      const runaway = 'select count(*) from range(1000000000) a, range(1000000) b';
      const order: string[] = [];
      const first = failure(sandbox.query(runaway)).then((r) => (order.push('first'), r));
      const second = sandbox.query('select 42 as n').then((r) => (order.push('second'), r));
      const third = await failure(sandbox.query('select 1'));
      order.push('third');
      expect(third).toMatchObject({ status: 503, code: 'SQL_BUSY' });
      expect((await first).code).toBe('SQL_TIMEOUT');
      expect(JSON.parse((await second).body.toString()).rows).toEqual([[42]]);
      expect(order).toEqual(['third', 'first', 'second']);
    } finally {
      await sandbox.close();
    }
  });

  it('answers SQL_ABORTED when its process dies under a query, then starts another', async () => {
    const sandbox = new SqlSandbox(
      { fork: () => db.fork(), version: () => 'v1' },
      { timeoutMs: 30_000, rowLimit: 10, directory: join(dir, 'abort.sql'), processes: 1 },
    );
    try {
      expect((await sandbox.query('select 1')).rowCount).toBe(1);
      const [pid] = sandbox.pids;
      const running = failure(
        sandbox.query('select count(*) from range(1000000000) a, range(1000000) b'),
      );
      // a crash of DuckDB in the process looks like this from outside
      process.kill(pid, 'SIGSEGV');
      expect(await running).toMatchObject({ status: 400, code: 'SQL_ABORTED' });
      expect((await running).message).toContain('SIGSEGV');
      expect((await sandbox.query('select 2')).rowCount).toBe(1);
      expect(sandbox.pids).not.toContain(pid);
    } finally {
      await sandbox.close();
    }
  });

  it('kills a query past its memory and is fit for the next one', async () => {
    const sandbox = new SqlSandbox(
      { fork: () => db.fork(), version: () => 'v1' },
      {
        timeoutMs: 30_000,
        rowLimit: 10,
        directory: join(dir, 'memory.sql'),
        processes: 1,
        memoryMb: 512,
      },
    );
    try {
      // 30 M characters read from the data: no constant for the guard to refuse
      const heavy = await failure(
        sandbox.query(
          "select len(string_split(repeat('a,', (select count(*) from observations)::int * 400), ','))",
        ),
      );
      expect(heavy).toMatchObject({ status: 400, code: 'SQL_MEMORY_LIMIT' });
      expect(JSON.parse((await sandbox.query('select 3 as n')).body.toString()).rows).toEqual([
        [3],
      ]);
    } finally {
      await sandbox.close();
    }
  });

  it('removes its copies and ends its processes when closed', async () => {
    const directory = join(dir, 'close.sql');
    const sandbox = new SqlSandbox(
      { fork: () => db.fork(), version: () => 'v1' },
      { timeoutMs: 3000, rowLimit: 10, directory },
    );
    await Promise.all([sandbox.query('select 1'), sandbox.query('select 2')]);
    expect(readdirSync(directory).filter((f) => f.endsWith('.duckdb'))).toHaveLength(1);
    const pids = sandbox.pids;
    expect(pids.length).toBeGreaterThan(0);
    await sandbox.close();
    expect(existsSync(directory)).toBe(false);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(await failure(sandbox.query('select 1'))).toMatchObject({
      status: 503,
      code: 'SQL_UNAVAILABLE',
    });
  });
});

describe('POST /api/sql after a write', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await demoApp();
  });
  afterAll(async () => t?.close());

  it('answers from a copy of the new data, and keeps one copy', async () => {
    const token = t.app.tokens.create('analyst', null, 'sandbox tests').token;
    const title = async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/sql',
        headers: { authorization: `Bearer ${token}` },
        payload: { sql: 'select title from plans order by plan_id limit 1' },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().rows[0][0] as string;
    };
    const before = await title();
    // a write the data version sees (core.meta), as an upload's refresh makes one
    await t.app.warehouse.write(async (w) => {
      await w.run(
        "update core.plans set title = title || ' (sửa)' where plan_id = (select min(plan_id) from core.plans)",
      );
      await w.run("update core.meta set value = value || 'x' where key = 'computed_at'");
    });
    expect(await title()).toBe(`${before} (sửa)`);
    const copies = readdirSync(`${t.config.dbPath}.sql`).filter((f) => f.endsWith('.duckdb'));
    expect(copies).toHaveLength(1);
  });
});

describe('a sandbox process’s node flags', () => {
  it('keeps loaders and conditions, drops code to evaluate, debuggers and heap sizes', () => {
    expect(
      childFlags([
        '--import',
        'tsx',
        '--conditions=development',
        '-C',
        'node',
        '--no-warnings',
        '--inspect=9229',
        '--max-old-space-size',
        '4096',
        '--input-type=module',
        '-e',
        'console.log(1)',
        '--enable-source-maps',
      ]),
    ).toEqual([
      '--import',
      'tsx',
      '--conditions=development',
      '-C',
      'node',
      '--no-warnings',
      '--enable-source-maps',
    ]);
  });
});
