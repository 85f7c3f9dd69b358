// POST /api/sql: the attack corpus (each refused with its code, the database unchanged, no file
// written), then what analysts do (aggregates, CTEs, windows, truncation, Arrow), then the time
// limit: a runaway query is stopped while the server keeps answering.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { demoApp, type TestApp } from './app.ts';
import { sqlResult } from '../../api/schemas/sql.ts';

let t: TestApp;
let analyst: string;
let admin: string;
let viewer: string;
let fingerprintBefore: string;

const ROW_LIMIT = 1000;
const TIMEOUT_MS = 1500;

/** What an attack could change: objects, row counts, settings, secrets, attached databases. */
async function fingerprint(): Promise<string> {
  return t.app.warehouse.read(async (db) =>
    JSON.stringify([
      await db.all(
        'select database_name, schema_name, table_name from duckdb_tables() order by all',
      ),
      await db.all('select schema_name, view_name, sql from duckdb_views() order by all'),
      await db.all('select database_name, path from duckdb_databases() order by all'),
      await db.all(
        "select function_name from duckdb_functions() where function_type like '%macro' order by all",
      ),
      await db.all(
        "select name, value from duckdb_settings() where name in ('memory_limit', 'threads', 'search_path', 'enable_external_access', 'temp_directory') order by all",
      ),
      await db.all('select count(*)::varchar n from core.observation_revisions'),
      await db.all('select count(*)::varchar n from core.units'),
      await db.all('select * from core.meta order by all'),
      await db.all('select extension_name from duckdb_extensions() where loaded order by all'),
    ]),
  );
}

beforeAll(async () => {
  t = await demoApp({ sqlRowLimit: ROW_LIMIT, sqlTimeoutMs: TIMEOUT_MS });
  analyst = t.app.tokens.create('analyst', null, 'sql tests').token;
  admin = t.app.tokens.create('admin', null, 'sql tests').token;
  viewer = t.app.tokens.create('viewer', null, 'sql tests').token;
  fingerprintBefore = await fingerprint();
});
afterAll(async () => t.close());

const post = (sql: string, token: string | null = analyst, accept?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/sql',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(accept ? { accept } : {}),
    },
    payload: { sql },
  });

// [what it tries, the text, the expected code, a word the message must hold]
type Attack = [
  string,
  string,
  'SQL_NOT_ALLOWED' | 'SQL_ERROR' | 'SQL_TOO_COMPLEX' | 'SQL_MEMORY_LIMIT',
  RegExp,
];

const NOT_SELECT = /only a SELECT/;
const ATTACKS = (dir: string): Attack[] => [
  // the base tables behind the views, however spelled
  [
    'core table',
    'select * from core.observation_revisions',
    'SQL_NOT_ALLOWED',
    /core\.observation_revisions/,
  ],
  ['core, upper case', 'select * from CORE.OBSERVATION_REVISIONS', 'SQL_NOT_ALLOWED', /table/],
  ['core, quoted', 'select * from "core"."observation_revisions"', 'SQL_NOT_ALLOWED', /table/],
  [
    'core, commented',
    'select * from /* units */ core . meta -- units',
    'SQL_NOT_ALLOWED',
    /core\.meta/,
  ],
  [
    'core inside a CTE',
    'with x as (select * from core.units) select * from x',
    'SQL_NOT_ALLOWED',
    /core\.units/,
  ],
  [
    'CTE named like a core table, then core',
    'with observation_revisions as (select 1) select * from core.observation_revisions',
    'SQL_NOT_ALLOWED',
    /core/,
  ],
  [
    'core in a scalar subquery',
    'select (select count(*) from core.batches)',
    'SQL_NOT_ALLOWED',
    /core\.batches/,
  ],
  [
    'core in EXISTS',
    'select 1 from units where exists (select 1 from core.meta)',
    'SQL_NOT_ALLOWED',
    /core\.meta/,
  ],
  [
    'core in a LATERAL join',
    'select * from units, lateral (select * from core.meta)',
    'SQL_NOT_ALLOWED',
    /core\.meta/,
  ],
  [
    'core under PIVOT',
    "select * from core.units pivot (count(*) for level in ('province'))",
    'SQL_NOT_ALLOWED',
    /core\.units/,
  ],
  [
    'core in UNION',
    'select code from units union all select key from core.meta',
    'SQL_NOT_ALLOWED',
    /core\.meta/,
  ],
  [
    'catalog-qualified view',
    'select * from demo.main.units',
    'SQL_NOT_ALLOWED',
    /demo\.main\.units/,
  ],
  ['system catalog', 'select * from system.main.duckdb_settings', 'SQL_NOT_ALLOWED', /system/],
  ['temp catalog', 'select * from temp.main.units', 'SQL_NOT_ALLOWED', /temp/],
  // the catalogue and the settings
  [
    'information_schema',
    'select * from information_schema.tables',
    'SQL_NOT_ALLOWED',
    /information_schema/,
  ],
  ['pg_catalog', 'select * from pg_catalog.pg_class', 'SQL_NOT_ALLOWED', /pg_catalog/],
  ['pg_class unqualified', 'select * from pg_class', 'SQL_NOT_ALLOWED', /pg_class/],
  [
    'duckdb_tables()',
    'select * from duckdb_tables()',
    'SQL_NOT_ALLOWED',
    /table function duckdb_tables/,
  ],
  ['duckdb_tables view', 'select * from duckdb_tables', 'SQL_NOT_ALLOWED', /duckdb_tables/],
  [
    'duckdb_settings in a subquery',
    'select * from units where code = (select value from duckdb_settings() limit 1)',
    'SQL_NOT_ALLOWED',
    /duckdb_settings/,
  ],
  [
    'a CTE used before it is defined',
    'with a as (select * from duckdb_settings), duckdb_settings as (select 1) select * from a',
    'SQL_NOT_ALLOWED',
    /duckdb_settings/,
  ],
  [
    'a CTE naming itself, not recursive',
    'with duckdb_settings as (select * from duckdb_settings) select * from duckdb_settings',
    'SQL_NOT_ALLOWED',
    /duckdb_settings/,
  ],
  [
    'anchor of a recursive CTE naming itself',
    'with recursive duckdb_settings as (select * from duckdb_settings union all select * from duckdb_settings) select * from duckdb_settings',
    'SQL_NOT_ALLOWED',
    /duckdb_settings/,
  ],
  [
    'CTE scope leaking out of a subquery',
    'select * from (with duckdb_views as (select 1) select 1), duckdb_views',
    'SQL_NOT_ALLOWED',
    /duckdb_views/,
  ],
  [
    'current_setting',
    "select current_setting('memory_limit')",
    'SQL_NOT_ALLOWED',
    /current_setting/,
  ],
  [
    'current_setting, quoted upper case',
    `select "CURRENT_SETTING"('threads')`,
    'SQL_NOT_ALLOWED',
    /current_setting/i,
  ],
  [
    'current_setting, schema-qualified',
    "select main.current_setting('threads')",
    'SQL_NOT_ALLOWED',
    /current_setting/,
  ],
  [
    'current_setting, catalog-qualified',
    "select system.main.current_setting('threads')",
    'SQL_NOT_ALLOWED',
    /not allowed/,
  ],
  [
    'current_setting, method call',
    "select ('threads').current_setting()",
    'SQL_NOT_ALLOWED',
    /current_setting/,
  ],
  [
    'current_setting in a lambda',
    "select list_transform([1], x -> current_setting('threads'))",
    'SQL_NOT_ALLOWED',
    /current_setting/,
  ],
  [
    'current_setting in a window',
    "select count(*) over (partition by current_setting('threads')) from units",
    'SQL_NOT_ALLOWED',
    /current_setting/,
  ],
  ['getenv', "select getenv('HOME')", 'SQL_NOT_ALLOWED', /getenv/],
  ['getvariable', "select getvariable('x')", 'SQL_NOT_ALLOWED', /getvariable/],
  [
    'getvariable in FROM',
    "select * from getvariable('x')",
    'SQL_NOT_ALLOWED',
    /table function getvariable/,
  ],
  ['nextval', "select nextval('s')", 'SQL_NOT_ALLOWED', /nextval/],
  ['setseed', 'select setseed(0.5)', 'SQL_NOT_ALLOWED', /setseed/],
  [
    'macro over the catalogue',
    "select get_block_size('demo')",
    'SQL_NOT_ALLOWED',
    /get_block_size/,
  ],
  ['macro showing view text', 'select pg_get_viewdef(1)', 'SQL_NOT_ALLOWED', /pg_get_viewdef/],
  [
    'planning arbitrary SQL',
    "select json_serialize_plan('select * from read_csv(''/etc/passwd'')')",
    'SQL_NOT_ALLOWED',
    /json_serialize_plan/,
  ],
  ['sleep', 'select sleep_ms(100000)', 'SQL_NOT_ALLOWED', /sleep_ms/],
  ['pg_sleep', 'select pg_sleep(100)', 'SQL_NOT_ALLOWED', /pg_sleep/],
  // files
  [
    'read_csv',
    "select * from read_csv('/etc/passwd')",
    'SQL_NOT_ALLOWED',
    /table function read_csv/,
  ],
  [
    'read_csv, quoted mixed case',
    `select * from "Read_CSV"('/etc/passwd')`,
    'SQL_NOT_ALLOWED',
    /read_csv/i,
  ],
  ['read_text', "select * from read_text('/etc/passwd')", 'SQL_NOT_ALLOWED', /read_text/],
  ['read_blob', "select * from read_blob('/etc/passwd')", 'SQL_NOT_ALLOWED', /read_blob/],
  ['a path as a table', "select * from '/etc/passwd'", 'SQL_NOT_ALLOWED', /\/etc\/passwd/],
  ['a glob as a table', "from 'data/units/*.csv'", 'SQL_NOT_ALLOWED', /data\/units/],
  ['glob()', "select * from glob('*')", 'SQL_NOT_ALLOWED', /glob/],
  ['sniff_csv', "select * from sniff_csv('/etc/passwd')", 'SQL_NOT_ALLOWED', /sniff_csv/],
  [
    'parquet_metadata',
    "select * from parquet_metadata('/tmp/x.parquet')",
    'SQL_NOT_ALLOWED',
    /parquet_metadata/,
  ],
  ['which_secret', "select * from which_secret('s3://x', 's3')", 'SQL_NOT_ALLOWED', /which_secret/],
  [
    'query()',
    "select * from query('select * from core.units')",
    'SQL_NOT_ALLOWED',
    /table function query/,
  ],
  ['query_table()', "select * from query_table('core.units')", 'SQL_NOT_ALLOWED', /query_table/],
  [
    'table macro reading a table by name',
    "from histogram('core.observation_revisions', value)",
    'SQL_NOT_ALLOWED',
    /histogram/,
  ],
  [
    'json_execute_serialized_sql',
    "select * from json_execute_serialized_sql('{}')",
    'SQL_NOT_ALLOWED',
    /json_execute_serialized_sql/,
  ],
  // extensions (an unknown function or type would be auto-installed from the network)
  ['extension type', "select '127.0.0.1'::inet", 'SQL_NOT_ALLOWED', /type inet/],
  ['extension function', "select text(1, '0.0')", 'SQL_NOT_ALLOWED', /function text/],
  ['spatial function', 'select st_point(1, 2)', 'SQL_NOT_ALLOWED', /st_point/],
  // statements other than one SELECT
  ['stacked statements', 'select 1; drop view units', 'SQL_NOT_ALLOWED', /SELECT|statement/],
  ['two SELECTs', 'select 1; select 2', 'SQL_NOT_ALLOWED', /one statement/],
  [
    'COPY a view to a file',
    `copy units to '${join(dir, 'copy.csv')}'`,
    'SQL_NOT_ALLOWED',
    NOT_SELECT,
  ],
  [
    'COPY a query to a file',
    `copy (select * from core.units) to '${join(dir, 'copy2.csv')}'`,
    'SQL_NOT_ALLOWED',
    NOT_SELECT,
  ],
  [
    'COPY inside a subquery',
    `select * from (copy units to '${join(dir, 'copy3.csv')}')`,
    'SQL_ERROR',
    /syntax error/,
  ],
  ['EXPORT DATABASE', `export database '${join(dir, 'export')}'`, 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['ATTACH', `attach '${join(dir, 'other.duckdb')}' as other`, 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['DETACH', 'detach demo', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['USE', 'use core', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['INSTALL', 'install httpfs', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['LOAD', 'load httpfs', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['SET', "set memory_limit = '10GB'", 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['SET search_path', "set search_path = 'core'", 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['SET VARIABLE', "set variable f = '/etc/passwd'", 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['RESET', 'reset memory_limit', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['PRAGMA', 'pragma database_list', 'SQL_NOT_ALLOWED', NOT_SELECT],
  // SHOW TABLES parses as a SELECT over a table "tables": refused as a table
  ['SHOW TABLES', 'show tables', 'SQL_NOT_ALLOWED', /table "?tables/],
  ['SHOW ALL TABLES', 'show all tables', 'SQL_NOT_ALLOWED', /__show_tables_expanded/],
  // the catalogue through SHOW / DESCRIBE: they name catalogue entries, never CTEs
  ['SHOW TABLES FROM core', 'show tables from core', 'SQL_NOT_ALLOWED', /SHOW TABLES FROM core/],
  [
    'SHOW TABLES FROM the database',
    'show tables from demo',
    'SQL_NOT_ALLOWED',
    /SHOW TABLES FROM demo/,
  ],
  [
    'SHOW TABLES FROM a qualified schema',
    'show tables from demo.core',
    'SQL_NOT_ALLOWED',
    /SHOW TABLES FROM demo\.core/,
  ],
  ['SHOW SCHEMAS', 'show schemas', 'SQL_NOT_ALLOWED', /table "?schemas/],
  ['SHOW DATABASES', 'show databases', 'SQL_NOT_ALLOWED', /table "?databases/],
  ['a bare DESCRIBE', 'describe', 'SQL_NOT_ALLOWED', /__show_tables_expanded/],
  [
    'SHOW ALL TABLES behind a CTE named like its expansion',
    'with __show_tables_expanded as (select 1) from (show all tables)',
    'SQL_NOT_ALLOWED',
    /__show_tables_expanded/,
  ],
  [
    'a bare DESCRIBE behind that CTE',
    'with __show_tables_expanded as (select 1) select * from (describe)',
    'SQL_NOT_ALLOWED',
    /__show_tables_expanded/,
  ],
  [
    'SHOW behind that CTE, upper case',
    'with "__SHOW_TABLES_EXPANDED" as (select 1) from (show)',
    'SQL_NOT_ALLOWED',
    /__show_tables_expanded/,
  ],
  [
    'DESCRIBE of a CTE named like a core table',
    'with meta as (select 1) select * from (describe core.meta)',
    'SQL_NOT_ALLOWED',
    /core\.meta/,
  ],
  [
    'SHOW SCHEMAS behind a CTE named like its table',
    'with "schemas" as (select 1) from (show schemas)',
    'SQL_NOT_ALLOWED',
    /schemas/,
  ],
  [
    'SUMMARIZE a query over core',
    'summarize select * from core.batches',
    'SQL_NOT_ALLOWED',
    /core\.batches/,
  ],
  // sizes given as constants, past what the sandbox's memory allows (its limits are
  // tests/api/sql-attacks.test.ts's, on a real server)
  [
    'list_resize to 100 M',
    'select len(list_resize([], 100000000))',
    'SQL_MEMORY_LIMIT',
    /list_resize to 100000000/,
  ],
  [
    'array_resize to 1e9, as a double',
    'select array_resize([1], 1e9)',
    'SQL_MEMORY_LIMIT',
    /array_resize/,
  ],
  ['repeat to 1e9', "select repeat('x', 1000000000)", 'SQL_MEMORY_LIMIT', /repeat to 1000000000/],
  ['repeat to 1e9, cast', "select repeat('x', 1000000000::bigint)", 'SQL_MEMORY_LIMIT', /repeat/],
  ['repeat as a method', "select ('x').repeat(1000000000)", 'SQL_MEMORY_LIMIT', /repeat/],
  ['repeat to 1e19', "select repeat('x', 10000000000000000000)", 'SQL_MEMORY_LIMIT', /repeat/],
  ['lpad to 1e9', "select lpad('x', 1000000000, 'y')", 'SQL_MEMORY_LIMIT', /lpad/],
  ['rpad to 1e9, a decimal', "select rpad('x', 1000000000.5, 'y')", 'SQL_MEMORY_LIMIT', /rpad/],
  [
    'string_split of a 30 M-character string',
    "select len(string_split(repeat('a,', 15000000), ','))",
    'SQL_MEMORY_LIMIT',
    /repeat/,
  ],
  ['bar 1e9 wide', 'select bar(1, 0, 2, 1000000000)', 'SQL_MEMORY_LIMIT', /bar/],
  [
    'a list of 10 M',
    'select range(10000000)',
    'SQL_MEMORY_LIMIT',
    /range\(\) as a list of 10000000/,
  ],
  [
    'a list of 1e12 from a series',
    'select len(generate_series(1, 1000000000000))',
    'SQL_MEMORY_LIMIT',
    /generate_series/,
  ],
  ['a list with step 0', 'select range(1, 10, 0)', 'SQL_MEMORY_LIMIT', /range/],
  [
    'a list unnested in the select list',
    'select unnest(range(0, 400000000, 2))',
    'SQL_MEMORY_LIMIT',
    /range/,
  ],
  // nesting that DuckDB's binder takes super-linear, uninterruptible time over
  [
    'abs() nested 900 deep',
    `select ${'abs('.repeat(900)}1${')'.repeat(900)}`,
    'SQL_TOO_COMPLEX',
    /nested more than 100/,
  ],
  ['1+1+… 900 terms', `select ${Array(900).fill('1').join('+')}`, 'SQL_TOO_COMPLEX', /expressions/],
  [
    "'a'||'a'||… 900 terms",
    `select ${Array(900).fill("'a'").join('||')}`,
    'SQL_TOO_COMPLEX',
    /expressions/,
  ],
  [
    'lists nested 900 deep',
    `select ${'['.repeat(900)}1${']'.repeat(900)}`,
    'SQL_TOO_COMPLEX',
    /expressions/,
  ],
  [
    'lambdas nested 25 deep',
    `select ${'list_transform([1], x -> '.repeat(25)}x${')'.repeat(25)}`,
    'SQL_TOO_COMPLEX',
    /lambdas nested more than 8/,
  ],
  [
    'subqueries nested 150 deep',
    `select ${'(select '.repeat(150)}1${')'.repeat(150)}`,
    'SQL_TOO_COMPLEX',
    /expressions/,
  ],
  [
    "nesting past the parser's own limit",
    `select ${'abs('.repeat(5000)}1${')'.repeat(5000)}`,
    'SQL_ERROR',
    /depth|memory exhausted/,
  ],
  ['CALL', 'call duckdb_settings()', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['PIVOT statement', 'pivot core.units on level using count(*)', 'SQL_NOT_ALLOWED', NOT_SELECT],
  [
    'SUMMARIZE a core table',
    'summarize core.observation_revisions',
    'SQL_NOT_ALLOWED',
    /core\.observation_revisions/,
  ],
  ['DESCRIBE a core table', 'describe core.units', 'SQL_NOT_ALLOWED', /core\.units/],
  ['EXPLAIN', 'explain select 1', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['EXPLAIN ANALYZE', 'explain analyze select * from units', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['PREPARE', 'prepare p as select 1', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['EXECUTE', 'execute p', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['CREATE TABLE', 'create table x as select 1', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['CREATE MACRO', 'create macro m() as 1', 'SQL_NOT_ALLOWED', NOT_SELECT],
  [
    'CREATE TEMP VIEW shadowing a view',
    'create temp view units as select * from core.units',
    'SQL_NOT_ALLOWED',
    NOT_SELECT,
  ],
  [
    'CREATE SECRET',
    "create secret (type s3, key_id 'x', secret 'y')",
    'SQL_NOT_ALLOWED',
    NOT_SELECT,
  ],
  ['INSERT', "insert into core.meta values ('a', 'b')", 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['UPDATE', "update core.meta set value = 'x'", 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['DELETE', 'delete from core.observation_revisions', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['DROP VIEW', 'drop view units', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['ALTER', 'alter view units rename to u', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['CHECKPOINT', 'checkpoint', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['BEGIN', 'begin transaction', 'SQL_NOT_ALLOWED', NOT_SELECT],
  ['VACUUM', 'vacuum', 'SQL_NOT_ALLOWED', NOT_SELECT],
  // mistakes
  ['a syntax error', 'selec 1', 'SQL_ERROR', /syntax error/],
  ['an unknown column', 'select nope from units', 'SQL_ERROR', /nope/],
  ['a parameter without a value', 'select * from units where code = $1', 'SQL_ERROR', /parameter/i],
  ['an empty statement', ';', 'SQL_ERROR', /no query/],
];

describe('POST /api/sql: the attack corpus', () => {
  it('refuses every attack with its code and a message naming what was refused', async () => {
    const attacks = ATTACKS(t.dir);
    expect(attacks.length).toBeGreaterThanOrEqual(130);
    const wrong: string[] = [];
    for (const [what, sql, code, message] of attacks) {
      const res = await post(sql);
      const body = res.json();
      if (
        res.statusCode !== 400 ||
        body.error?.code !== code ||
        !message.test(body.error?.message)
      ) {
        wrong.push(`${what}: ${res.statusCode} ${JSON.stringify(body)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('leaves the database, its settings and the file system as they were', async () => {
    expect(await fingerprint()).toBe(fingerprintBefore);
    for (const name of ['copy.csv', 'copy2.csv', 'copy3.csv', 'export', 'other.duckdb']) {
      expect(existsSync(join(t.dir, name))).toBe(false);
    }
  });

  it('needs an analyst or admin token', async () => {
    expect((await post('select 1', null)).statusCode).toBe(401);
    expect((await post('select 1', viewer)).statusCode).toBe(403);
    expect((await post('select 1', admin)).statusCode).toBe(200);
  });

  it('refuses a body without sql, and one too long', async () => {
    const empty = await t.app.inject({
      method: 'POST',
      url: '/api/sql',
      headers: { authorization: `Bearer ${analyst}` },
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('INVALID_REQUEST');
    const long = await post(`select 1 ${'-'.repeat(100_001)}`);
    expect(long.statusCode).toBe(400);
    expect(long.json().error.code).toBe('INVALID_REQUEST');
  });
});

describe('POST /api/sql: queries', () => {
  it('answers an aggregate over progress with the numbers of a direct query', async () => {
    const sql = `select status, count(*) as n, round(avg(ratio), 6) as mean_ratio
      from progress where grain = 'month' group by status order by status`;
    const res = await post(sql);
    expect(res.statusCode).toBe(200);
    const body = sqlResult.parse(res.json());
    const direct = await t.app.warehouse.read((db) => db.values<Record<string, unknown>>(sql));
    expect(direct.length).toBeGreaterThan(1);
    expect(body.columns).toEqual([
      { name: 'status', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
      { name: 'mean_ratio', type: 'DOUBLE' },
    ]);
    expect(body.rows).toEqual(direct.map((r) => [r.status, Number(r.n), r.mean_ratio]));
    expect(body.row_count).toBe(direct.length);
    expect(body.truncated).toBe(false);
    expect(body.row_limit).toBe(ROW_LIMIT);
    expect(body.elapsed_ms).toBeGreaterThanOrEqual(0);
  });

  it('runs CTEs, window functions, recursive CTEs, DESCRIBE and SUMMARIZE of views', async () => {
    const res = await post(`
      with recursive tree(unit_id, depth) as (
        select unit_id, 0 from units where unit_id = 'VN'
        union all select u.unit_id, t.depth + 1 from units u join tree t on u.parent_id = t.unit_id
      ), ranked as (
        select unit_id, depth, row_number() over (partition by depth order by unit_id) as rn,
               lag(unit_id) over (order by unit_id) as prev
        from tree
      )
      select depth, count(*) as n, max(rn) as top from ranked group by depth order by depth`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rows[0]).toEqual([0, 1, 1]);
    expect(body.rows[1][1]).toBeGreaterThan(30);
    expect((await post('describe progress')).json().rows.map((r: unknown[]) => r[0])).toContain(
      'indicator_id',
    );
    expect((await post('summarize units')).statusCode).toBe(200);
    expect(
      (
        await post(
          "select level, count(*) from units pivot (count(*) for level in ('province')) group by all",
        )
      ).statusCode,
    ).toBe(400); // binder: the pivot has no "level" column left — a SQL_ERROR, not a refusal
    expect(
      (await post("from units pivot (count(*) for level in ('province', 'national'))")).statusCode,
    ).toBe(200);
  });

  it('returns JSON-safe values: big integers, decimals, dates, timestamps, lists, NaN', async () => {
    const res = await post(`select 42::bigint as small, 9007199254740993::bigint as big,
      170141183460469231731687303715884105727::hugeint as huge, 12.50::decimal(10,2) as dec,
      date '2024-07-01' as d, timestamp '2024-07-01 08:30:00.123456' as ts,
      [1, 2] as l, {'a': 1} as s, 'nan'::double as nan, null as nothing`);
    expect(res.statusCode).toBe(200);
    expect(res.json().rows).toEqual([
      [
        42,
        '9007199254740993',
        '170141183460469231731687303715884105727',
        12.5,
        '2024-07-01',
        '2024-07-01T08:30:00.123456',
        [1, 2],
        { a: 1 },
        'NaN',
        null,
      ],
    ]);
  });

  it('runs what analysts write near the limits: lists, padding, lambdas, long sums', async () => {
    const ok = async (sql: string) => {
      const res = await post(sql);
      expect(res.statusCode, `${sql}: ${res.body}`).toBe(200);
      return res.json().rows;
    };
    expect(
      await ok("select lpad(code, 5, '0'), repeat('-', 3) from units where code = '91' limit 1"),
    ).toEqual([['00091', '---']]);
    expect(await ok('select len(range(1000)), len(list_resize([1], 10)), range(1, 4)')).toEqual([
      [1000, 10, ['1', '2', '3']],
    ]);
    expect(await ok('select count(*) from range(0, 100000000000, 100000)')).toEqual([[1000000]]);
    expect(
      await ok(
        'select list_transform([1, 2], x -> list_sum(list_transform([x, x], y -> list_sum(list_transform([y], z -> z + 1)))))',
      ),
    ).toEqual([[['4', '6']]]);
    expect(await ok(`select ${Array(60).fill('1').join(' + ')} as s`)).toEqual([[60]]);
    expect(await ok(`select ${'abs('.repeat(40)}-1${')'.repeat(40)}`)).toEqual([[1]]);
    expect(
      await ok(
        "select generate_series(date '2025-01-01', date '2025-03-01', interval 1 month)::varchar[]",
      ),
    ).toEqual([[['2025-01-01 00:00:00', '2025-02-01 00:00:00', '2025-03-01 00:00:00']]]);
  });

  it('caps the rows at row_limit and says so', async () => {
    const res = await post('select * from range(5000) t(i)');
    const body = res.json();
    expect(body.row_count).toBe(ROW_LIMIT);
    expect(body.rows).toHaveLength(ROW_LIMIT);
    expect(body.truncated).toBe(true);
    expect(body.row_limit).toBe(ROW_LIMIT);
    expect(body.rows.at(-1)).toEqual([ROW_LIMIT - 1]);
    const exact = (await post(`select * from range(${ROW_LIMIT}) t(i)`)).json();
    expect(exact.row_count).toBe(ROW_LIMIT);
    expect(exact.truncated).toBe(false);
  });

  it('answers an Arrow IPC stream equal to the JSON rows when asked', async () => {
    const sql = `select unit_id, period, metric, value, loaded_at::date as day, 1::bigint as one
      from observations where unit_id = 'p91' order by period, metric limit 200`;
    const json = (await post(sql)).json();
    const res = await post(sql, analyst, 'application/vnd.apache.arrow.stream');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    expect(res.headers['x-row-count']).toBe('200');
    expect(res.headers['x-truncated']).toBe('false');
    const table = tableFromIPC(res.rawPayload);
    expect(table.schema.fields.map((f) => f.name)).toEqual(
      json.columns.map((c: { name: string }) => c.name),
    );
    const rows = table.toArray().map((r) => {
      const o = r.toJSON();
      return [
        o.unit_id,
        o.period,
        o.metric,
        o.value,
        new Date(o.day).toISOString().slice(0, 10),
        Number(o.one),
      ];
    });
    expect(rows).toEqual(json.rows);
    const truncated = await post(
      'select * from range(2000)',
      analyst,
      'application/vnd.apache.arrow.stream',
    );
    expect(truncated.headers['x-truncated']).toBe('true');
    expect(tableFromIPC(truncated.rawPayload).numRows).toBe(ROW_LIMIT);
    const empty = await post(
      'select 1 as a where false',
      analyst,
      'application/vnd.apache.arrow.stream',
    );
    expect(tableFromIPC(empty.rawPayload).numRows).toBe(0);
  });
});

describe('POST /api/sql: the time limit', () => {
  it('stops a runaway query while the server keeps answering', async () => {
    // Order, not wall-clock time: health must answer while both runaways still run, and the
    // connections they held must take the next queries (an abandoned runaway would hold its
    // connection for hours, so those would never come back).
    const runaway = 'select count(*) from range(1000000000) a, range(1000000) b';
    const done: string[] = [];
    // two runaways: one on each of the sandbox's connections
    const pending = [post(runaway), post(runaway)].map((p) =>
      p.then((res) => {
        done.push('runaway');
        return res;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const health = await t.app.inject('/api/health');
    done.push('health');
    expect(health.statusCode).toBe(200);
    for (const res of await Promise.all(pending)) {
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('SQL_TIMEOUT');
    }
    expect(done).toEqual(['health', 'runaway', 'runaway']);
    // stopped, not abandoned: both connections take the next queries
    const next = await Promise.all([post('select 1 as ok'), post('select 2 as ok')]);
    expect(next.map((r) => r.json().rows)).toEqual([[[1]], [[2]]]);
  });
});
