// The analysts' SQL sandbox behind POST /api/sql: decides whether a text may run (one SELECT over
// the analyst views, nothing that touches files, settings, the catalogue or the network) and runs
// it on connections of its own with a time limit and a row cap. No Fastify here.
//
// How a text is checked: DuckDB's own parser turns it into a JSON tree (json_serialize_sql),
// which only SELECT statements survive — COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, CALL,
// EXECUTE, EXPLAIN, DDL and DML all come back as an error. The whole tree is then walked:
//   - every table named in FROM must be one of the views in `main` (unqualified or main.x) or a
//     CTE in scope where it is named (a CTE sees only the CTEs before it, and itself only from the
//     recursive side of a recursive CTE), so core.*, information_schema, pg_catalog, duckdb_*
//     views of the system catalogue and 'file.csv' (a table named by a path) are all refused;
//   - table functions: only range, generate_series and unnest (read_*, glob, query, query_table,
//     duckdb_*, pragma_*, sniff_csv, which_secret, parquet_*, json_execute_serialized_sql, the
//     table macros histogram/histogram_values, getvariable in FROM, … are all outside);
//   - functions: only those present in this DuckDB (duckdb_functions(): scalar, aggregate,
//     macro) or the parser's own forms (try, grouping, unnest, …) — an unknown name would make
//     DuckDB auto-install an extension from the network — minus DENIED_FUNCTIONS;
//   - types in casts must be DuckDB's own (an unknown type would auto-load an extension too);
//   - FROM items of a kind not listed here are refused rather than guessed about.
// The text that runs is the original one, inside a READ ONLY transaction (a second line of
// defence: any write fails there), on a connection no other code uses.
import type { Database } from '../../pipelines/db/connect.ts';
import { HttpError } from '../errors.ts';
import { batchOf, type Batch, type Column } from './export.ts';

export class SqlRefusedError extends HttpError {
  constructor(message: string) {
    super(400, 'SQL_NOT_ALLOWED', message);
  }
}

const sqlError = (message: string) => new HttpError(400, 'SQL_ERROR', message);

/** The analyst contract (README "For analysts: the views"); only those that exist are allowed. */
export const ANALYST_VIEWS = [
  'units',
  'unit_succession',
  'metrics',
  'indicators',
  'observations',
  'observation_history',
  'plans',
  'targets',
  'tasks',
  'procedures',
  'actuals',
  'progress',
  'reporting',
  'quality_findings',
] as const;

const TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);

/**
 * Checked against duckdb_functions() of DuckDB 1.5.5 (scalar, aggregate, macro). Refused because
 * they read settings, variables, the catalogue or files, change session state, or stall:
 * current_setting, getvariable (and getenv, which this build lacks: the shell's), nextval,
 * currval, setseed, sleep_ms, pg_sleep, write_log, json_serialize_plan (binds arbitrary SQL text,
 * which reads files to sniff them), json_serialize_sql / json_deserialize_sql /
 * json_execute_serialized_sql, the macros over the catalogue (get_block_size →
 * pragma_database_size, pg_get_viewdef → duckdb_views, pg_get_constraintdef →
 * duckdb_constraints, format_type → duckdb_types), current_query, in_search_path,
 * current_schemas. The prefixes catch families, whatever a later DuckDB adds to them.
 * Harmless ones (random, uuid, version, current_date, now, error, typeof, …) stay allowed.
 */
const DENIED_FUNCTIONS = new Set([
  'getenv',
  'current_setting',
  'getvariable',
  'nextval',
  'currval',
  'setseed',
  'sleep_ms',
  'pg_sleep',
  'write_log',
  'json_serialize_plan',
  'json_serialize_sql',
  'json_deserialize_sql',
  'json_execute_serialized_sql',
  'get_block_size',
  'pg_get_viewdef',
  'pg_get_constraintdef',
  'format_type',
  'current_query',
  'in_search_path',
  'current_schemas',
]);
const DENIED_PREFIXES =
  /^(read_|duckdb_|pragma_|glob|sniff_|which_secret|parquet_|query|checkpoint|force_checkpoint|enable_|disable_|truncate_|load|install|attach|export_|import_|copy)/;

/** The parser's own forms, which are not catalogue functions. */
const SYNTAX_FUNCTIONS = [
  'try',
  'grouping',
  'grouping_id',
  'unnest',
  'unlist',
  'unpack',
  'columns',
  'ifnull',
  '->',
];

/** Kinds of FROM item the walker knows; anything else is refused. */
const TABLE_REFS = new Set([
  'BASE_TABLE',
  'JOIN',
  'SUBQUERY',
  'TABLE_FUNCTION',
  'EMPTY',
  'EXPRESSION_LIST',
  'PIVOT',
  'SHOW_REF',
]);

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : '');

export interface SqlPolicy {
  views: Set<string>;
  functions: Set<string>;
  types: Set<string>;
  collations: Set<string>;
}

/** What this DuckDB offers, read once: the views that exist, its functions, types, collations. */
export async function readPolicy(db: Database): Promise<SqlPolicy> {
  const existing = await db.all<{ name: string }>(
    "select view_name as name from duckdb_views() where schema_name = 'main' and not internal",
  );
  const names = new Set(existing.map((r) => r.name.toLowerCase()));
  const views = new Set<string>(ANALYST_VIEWS.filter((v) => names.has(v)));
  const functions = await db.all<{ name: string }>(
    `select distinct lower(function_name) as name from duckdb_functions()
     where function_type in ('scalar', 'aggregate', 'macro')`,
  );
  const types = await db.all<{ name: string }>(
    'select distinct lower(type_name) as name from duckdb_types()',
  );
  const collations = await db.all<{ name: string }>(
    'select lower(collname) as name from pragma_collations()',
  );
  return {
    views,
    functions: new Set([
      ...functions.map((r) => r.name).filter((n) => !isDenied(n)),
      ...SYNTAX_FUNCTIONS,
    ]),
    types: new Set(types.map((r) => r.name)),
    collations: new Set(collations.map((r) => r.name)),
  };
}

const isDenied = (name: string) => DENIED_FUNCTIONS.has(name) || DENIED_PREFIXES.test(name);

/** Walks a parsed statement; throws SqlRefusedError at the first thing not allowed. */
export function checkTree(statement: unknown, policy: SqlPolicy): void {
  const refuse = (message: string): never => {
    throw new SqlRefusedError(message);
  };

  const table = (node: Node, scope: ReadonlySet<string>) => {
    const catalog = lower(node.catalog_name);
    const schema = lower(node.schema_name);
    const name = lower(node.table_name);
    const shown = [node.catalog_name, node.schema_name, node.table_name].filter(Boolean).join('.');
    if (catalog !== '' || (schema !== '' && schema !== 'main')) {
      refuse(
        `table ${shown} is not allowed: only the analyst views (${[...policy.views].join(', ')})`,
      );
    }
    if (policy.views.has(name) || (schema === '' && scope.has(name))) return;
    refuse(
      `table ${shown} is not allowed: only the analyst views (${[...policy.views].join(', ')})`,
    );
  };

  const functionName = (node: Node) => {
    const name = lower(node.function_name);
    const schema = lower(node.schema);
    if (lower(node.catalog) !== '' || (schema !== '' && schema !== 'main')) {
      refuse(
        `function ${[node.catalog, node.schema, node.function_name].filter(Boolean).join('.')} is not allowed`,
      );
    }
    return name;
  };

  const walk = (value: unknown, scope: ReadonlySet<string>): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, scope);
      return;
    }
    if (!isNode(value)) return;

    // a query node: its CTEs, each seeing the ones before it, then the body seeing them all
    if (isNode(value.cte_map)) {
      const entries = Array.isArray(value.cte_map.map) ? value.cte_map.map : [];
      const inner = new Set(scope);
      for (const entry of entries as Node[]) {
        walk(entry.value, inner);
        inner.add(lower(entry.key));
      }
      const rest = { ...value };
      delete rest.cte_map;
      if (value.type === 'RECURSIVE_CTE_NODE') {
        // the recursive side may name the CTE itself; the anchor may not
        walk({ ...rest, right: undefined }, inner);
        walk(value.right, new Set([...inner, lower(value.cte_name)]));
        return;
      }
      for (const v of Object.values(rest)) walk(v, inner);
      return;
    }

    // a FROM item
    if (
      typeof value.type === 'string' &&
      'sample' in value &&
      !('class' in value) &&
      !('modifiers' in value)
    ) {
      if (!TABLE_REFS.has(value.type)) refuse(`${value.type.toLowerCase()} in FROM is not allowed`);
      if (value.type === 'BASE_TABLE') table(value, scope);
      if (value.type === 'SHOW_REF' && lower(value.table_name) !== '') table(value, scope);
      if (value.type === 'TABLE_FUNCTION') {
        const fn = isNode(value.function) ? value.function : {};
        const name = functionName(fn);
        if (!TABLE_FUNCTIONS.has(name)) {
          refuse(
            `table function ${fn.function_name ?? '?'} is not allowed (only ${[...TABLE_FUNCTIONS].join(', ')})`,
          );
        }
        walk(fn.children, scope);
        const rest = { ...value };
        delete rest.function;
        for (const v of Object.values(rest)) walk(v, scope);
        return;
      }
    }

    if (typeof value.function_name === 'string') {
      const name = functionName(value);
      // window functions proper (row_number, rank, lag, …) are expressions, not catalogue entries
      const windowForm = value.class === 'WINDOW' && value.type !== 'WINDOW_AGGREGATE';
      if (isDenied(name) || (!windowForm && !policy.functions.has(name))) {
        refuse(
          policy.functions.has(name) || isDenied(name)
            ? `function ${value.function_name} is not allowed`
            : `function ${value.function_name} is not allowed or does not exist (only DuckDB's built-in functions)`,
        );
      }
    }

    if (value.type === 'UNBOUND_TYPE_INFO' || value.type === 'USER_TYPE_INFO') {
      const name = lower(value.name ?? value.user_type_name);
      if (lower(value.catalog) !== '' || lower(value.schema) !== '' || !policy.types.has(name)) {
        refuse(`type ${String(value.name ?? value.user_type_name)} is not allowed`);
      }
    }

    if (value.class === 'COLLATE') {
      for (const part of lower(value.collation).split('.')) {
        if (!policy.collations.has(part))
          refuse(`collation ${String(value.collation)} is not allowed`);
      }
    }

    for (const v of Object.values(value)) walk(v, scope);
  };

  walk(statement, new Set());
}

/** Parses `sql` with DuckDB's parser and checks it; throws SQL_ERROR or SQL_NOT_ALLOWED. */
export async function checkSql(db: Database, sql: string, policy: SqlPolicy): Promise<void> {
  const text = await db.scalar<string>('select json_serialize_sql($q::varchar)', { q: sql });
  const tree = JSON.parse(text) as {
    error: boolean;
    error_type?: string;
    error_message?: string;
    statements?: unknown[];
  };
  if (tree.error) {
    if (/only select statements/i.test(tree.error_message ?? '')) {
      throw new SqlRefusedError(
        'only a SELECT query is allowed (no COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, CALL, EXECUTE, EXPLAIN, DDL or DML)',
      );
    }
    throw sqlError(tree.error_message ?? 'the query could not be parsed');
  }
  const statements = tree.statements ?? [];
  if (statements.length === 0) throw sqlError('no query given');
  if (statements.length > 1) {
    throw new SqlRefusedError(`one statement at a time (got ${statements.length})`);
  }
  checkTree(statements[0], policy);
}

export interface SqlResult {
  columns: Column[];
  batches: Batch[];
  row_count: number;
  truncated: boolean;
  row_limit: number;
  elapsed_ms: number;
}

export interface SandboxOptions {
  timeoutMs: number;
  rowLimit: number;
  /** connections, each running one query at a time */
  connections?: number;
  /** requests allowed to wait for a connection; more are answered 503 */
  maxWaiting?: number;
  /** result rows held in memory are also capped by their size, bytes (roughly) */
  maxResultBytes?: number;
}

/**
 * Connections of the sandbox's own (forks of the server's instance), one query at a time each.
 * A query past the time limit is interrupted (DuckDB stops it, the connection stays usable).
 *
 * No per-query memory limit exists in DuckDB (memory_limit is the instance's); a heavy query is
 * held by that budget (it spills or fails with an out-of-memory error, answered SQL_ERROR) and
 * by the time limit; rows brought into the server are capped by count and by size.
 */
export class SqlSandbox {
  private idle: Database[];
  private busy = new Set<Database>();
  private waiting: ((db: Database) => void)[] = [];

  private constructor(
    private readonly connections: Database[],
    readonly policy: SqlPolicy,
    private readonly options: Required<SandboxOptions>,
  ) {
    this.idle = [...connections];
  }

  static async open(source: Database, options: SandboxOptions): Promise<SqlSandbox> {
    const connections: Database[] = [];
    for (let i = 0; i < (options.connections ?? 2); i++) connections.push(await source.fork());
    const policy = await readPolicy(connections[0]);
    return new SqlSandbox(connections, policy, {
      connections: connections.length,
      maxWaiting: 16,
      maxResultBytes: 64 * 1024 * 1024,
      ...options,
    });
  }

  private async acquire(): Promise<Database> {
    const db = this.idle.pop();
    if (db) return db;
    if (this.waiting.length >= this.options.maxWaiting) {
      throw new HttpError(503, 'SQL_BUSY', 'too many queries are waiting; try again shortly');
    }
    return new Promise<Database>((resolve) => this.waiting.push(resolve));
  }

  private release(db: Database): void {
    const next = this.waiting.shift();
    if (next) next(db);
    else this.idle.push(db);
  }

  /** Checks and runs one query; the first `rowLimit` rows, and whether there were more. */
  async query(sql: string, rowLimit = this.options.rowLimit): Promise<SqlResult> {
    const db = await this.acquire();
    this.busy.add(db);
    const started = performance.now();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      db.connection.interrupt();
    }, this.options.timeoutMs);
    try {
      await checkSql(db, sql, this.policy);
      await db.run('begin transaction read only');
      try {
        const result = await db.connection.stream(sql);
        const columns: Column[] = result.columnNames().map((name, i) => ({
          name,
          type: result.columnType(i),
        }));
        const batches: Batch[] = [];
        let rows = 0;
        let bytes = 0;
        let truncated = false;
        // stop at row_limit + 1: the extra row only says that there were more
        while (rows <= rowLimit) {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) break;
          if (rows + chunk.rowCount > rowLimit) truncated = true;
          const batch = batchOf(chunk, rowLimit - rows);
          rows += batch.rowCount;
          if (batch.rowCount > 0) batches.push(batch);
          bytes += estimateBytes(batch);
          if (bytes > this.options.maxResultBytes) {
            throw new HttpError(
              400,
              'SQL_RESULT_TOO_LARGE',
              `the result is larger than ${Math.round(this.options.maxResultBytes / 1048576)} MB; select fewer columns or rows`,
            );
          }
          if (truncated) break;
        }
        return {
          columns,
          batches,
          row_count: rows,
          truncated,
          row_limit: rowLimit,
          elapsed_ms: Math.round(performance.now() - started),
        };
      } finally {
        await db.run('rollback').catch(() => undefined);
      }
    } catch (error) {
      if (error instanceof HttpError) throw error;
      const message = String((error as Error).message ?? error);
      if (timedOut || /INTERRUPT/.test(message)) {
        throw new HttpError(
          400,
          'SQL_TIMEOUT',
          `the query ran longer than ${this.options.timeoutMs} ms and was stopped`,
        );
      }
      throw sqlError(message.replace(/^Error:\s*/, ''));
    } finally {
      clearTimeout(timer);
      this.busy.delete(db);
      this.release(db);
    }
  }

  /** Stops running queries and closes the connections. */
  close(): void {
    for (const db of this.busy) db.connection.interrupt();
    for (const db of this.connections) db.close();
  }
}

/** A rough size of a batch in memory: 16 bytes a value plus the length of text. */
function estimateBytes(batch: Batch): number {
  let bytes = 0;
  for (const column of batch.columns) {
    for (const v of column) bytes += 16 + (typeof v === 'string' ? v.length * 2 : 0);
  }
  return bytes;
}
