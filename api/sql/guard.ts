// Whether an analyst's text may run: one SELECT over the analyst views, nothing that touches
// files, settings, the catalogue or the network, and nothing nested so deep that DuckDB's binder
// stalls on it. Runs inside the sandbox's process (worker.ts), on DuckDB's own parser.
//
// How a text is checked: DuckDB's parser turns it into a JSON tree (json_serialize_sql), which
// only SELECT statements survive — COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, CALL, EXECUTE,
// EXPLAIN, DDL and DML all come back as an error. The whole tree is then walked:
//   - every table named in FROM must be one of the analyst views (unqualified or main.x) or a CTE
//     in scope where it is named (a CTE sees only the CTEs before it, and itself only from the
//     recursive side of a recursive CTE), so core.*, information_schema, pg_catalog, duckdb_*
//     views of the system catalogue and 'file.csv' (a table named by a path) are all refused;
//   - SHOW / DESCRIBE / SUMMARIZE name a catalogue entry, never a CTE: DuckDB expands `SHOW ALL
//     TABLES` and a bare `DESCRIBE` to a reference to "__show_tables_expanded", which a CTE of that
//     name must not make look harmless; `SHOW TABLES FROM <schema>` is refused whatever the schema;
//   - table functions: only range, generate_series and unnest (read_*, glob, query, query_table,
//     duckdb_*, pragma_*, sniff_csv, which_secret, parquet_*, json_execute_serialized_sql, the
//     table macros histogram/histogram_values, getvariable in FROM, … are all outside);
//   - functions: only those present in this DuckDB (duckdb_functions(): scalar, aggregate,
//     macro) or the parser's own forms (try, grouping, unnest, …) — an unknown name would make
//     DuckDB auto-install an extension from the network — minus DENIED_FUNCTIONS;
//   - types in casts must be DuckDB's own (an unknown type would auto-load an extension too);
//   - expressions at most MAX_EXPRESSION_DEPTH deep and lambdas at most MAX_LAMBDA_DEPTH deep:
//     binding is super-linear in depth and cannot be interrupted (measured on DuckDB 1.5.5,
//     nesting n deep: `abs(abs(…))` 150 → 64 ms, 900 → 10.7 s; `1+1+…` 150 → 89 ms, 900 → 19 s;
//     `[[[…]]]` 900 → 15 s and 1.9 GB; lambdas in lambdas 15 → 35 ms, 20 → 0.8 s, 25 → 27 s);
//   - sizes given as constants to the functions that build big values (list_resize, repeat, lpad,
//     rpad, bar, a scalar range/generate_series) are capped (SIZE_ARGUMENTS): refused at once
//     rather than seconds later by the sandbox's memory or time limit;
//   - FROM items of a kind not listed here are refused rather than guessed about.
// The guard is the first line, not the only one: the process it runs in opens a copy holding the
// analyst views alone, read-only, with file access off (snapshot.ts, worker.ts), and is killed
// past its memory or time (process.ts) — a size read from the data, or a heavy function this list
// does not name, meets those limits instead of a refusal.
import { HttpError } from '../errors.ts';

export class SqlRefusedError extends HttpError {
  constructor(message: string, code = 'SQL_NOT_ALLOWED') {
    super(400, code, message);
  }
}

export const sqlError = (message: string) => new HttpError(400, 'SQL_ERROR', message);

/** The analyst contract (README "For analysts: the views"); only those that exist are allowed. */
export const ANALYST_VIEWS = [
  'units',
  'unit_succession',
  'metrics',
  'indicators',
  'observations',
  'observation_history',
  'plans',
  'plan_versions',
  'target_history',
  'agencies',
  'task_agencies',
  'targets',
  'tasks',
  'procedures',
  'task_status_history',
  'procedure_status_history',
  'actuals',
  'progress',
  'reporting',
  'quality_findings',
] as const;

/** Deeper expressions are refused before binding (see the header for the measurements). */
export const MAX_EXPRESSION_DEPTH = 100;
export const MAX_LAMBDA_DEPTH = 8;

const TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);

/**
 * Functions whose result's size is an argument: a constant above `max` is refused before anything
 * runs (the sandbox would only run out of memory or time on it, seconds later). A size read from
 * the data is left to the sandbox's limits. The scalar range/generate_series (a list; the table
 * functions stream and are cut at the row limit) are counted from all their arguments: building
 * a list of 10 million takes DuckDB 20 s.
 */
const SIZE_ARGUMENTS: Record<string, { index: number; max: number }> = {
  list_resize: { index: 1, max: 1_000_000 },
  array_resize: { index: 1, max: 1_000_000 },
  repeat: { index: 1, max: 10_000_000 },
  lpad: { index: 1, max: 10_000_000 },
  rpad: { index: 1, max: 10_000_000 },
  bar: { index: 3, max: 10_000 },
};
const SERIES = new Set(['range', 'generate_series']);
const MAX_SERIES = 1_000_000;

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

/** What the guard needs of a connection: rows of a query with bound values. */
export interface Queryable {
  all<T = Record<string, unknown>>(sql: string, params?: Record<string, string>): Promise<T[]>;
}

export interface SqlPolicy {
  views: Set<string>;
  functions: Set<string>;
  types: Set<string>;
  collations: Set<string>;
}

/**
 * What this DuckDB offers, read once: the analyst views present in `main` (as views in the
 * server's database, as tables in the sandbox's copy), its functions, types and collations.
 */
export async function readPolicy(db: Queryable): Promise<SqlPolicy> {
  const existing = await db.all<{ name: string }>(
    `select view_name as name from duckdb_views() where schema_name = 'main' and not internal
     union all
     select table_name from duckdb_tables() where schema_name = 'main' and not internal`,
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

const NO_CTES: ReadonlySet<string> = new Set();

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)$/;

/** The number a constant expression (or a cast of one) holds; null when it is anything else. */
function constantNumber(node: unknown): number | null {
  if (!isNode(node)) return null;
  if (node.class === 'CAST') return constantNumber(node.child);
  if (node.class !== 'CONSTANT' || !isNode(node.value) || node.value.is_null) return null;
  const type = isNode(node.value.type) ? node.value.type : {};
  if (typeof type.id !== 'string' || !NUMERIC.test(type.id)) return null;
  const raw = node.value.value;
  // a HUGEINT comes as {upper, lower}: past any cap unless upper is 0
  if (isNode(raw)) return raw.upper === 0 ? Number(raw.lower) : Infinity;
  const n = Number(raw);
  if (!Number.isFinite(n)) return null;
  const scale = type.id === 'DECIMAL' && isNode(type.type_info) ? Number(type.type_info.scale) : 0;
  return n / 10 ** (scale || 0);
}

/** How many elements a scalar range/generate_series of constants makes; null if not constants. */
function seriesLength(args: unknown[]): number | null {
  const n = args.map(constantNumber);
  if (n.length === 0 || n.some((v) => v === null)) return null;
  const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
  return step === 0 ? Infinity : Math.max(0, (stop - start) / step);
}

/** Walks a parsed statement; throws SqlRefusedError at the first thing not allowed. */
export function checkTree(statement: unknown, policy: SqlPolicy): void {
  const refuse = (message: string, code?: string): never => {
    throw new SqlRefusedError(message, code);
  };
  const onlyViews = () => `only the analyst views (${[...policy.views].join(', ')})`;

  const table = (node: Node, scope: ReadonlySet<string>) => {
    const catalog = lower(node.catalog_name);
    const schema = lower(node.schema_name);
    const name = lower(node.table_name);
    const shown = [node.catalog_name, node.schema_name, node.table_name].filter(Boolean).join('.');
    if (catalog !== '' || (schema !== '' && schema !== 'main')) {
      refuse(`table ${shown} is not allowed: ${onlyViews()}`);
    }
    if (policy.views.has(name) || (schema === '' && scope.has(name))) return;
    refuse(`table ${shown} is not allowed: ${onlyViews()}`);
  };

  const show = (node: Node) => {
    if (node.show_type === 'SHOW_FROM') {
      const from = [node.catalog_name, node.schema_name].filter(Boolean).join('.');
      refuse(`SHOW TABLES FROM ${from} is not allowed: ${onlyViews()}`);
    }
    // DESCRIBE/SUMMARIZE of a query: the query is walked like any other
    if (isNode(node.query)) return;
    // a catalogue entry: DuckDB resolves these names (and its own "__show_tables_expanded",
    // "tables", "databases", …) in the catalogue, so a CTE of the same name must not count
    table(node, NO_CTES);
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

  const tooDeep = (what: string, limit: number) =>
    refuse(
      `${what} nested more than ${limit} deep are not allowed: DuckDB takes time that grows faster than the depth to plan them; write the query flatter (a CTE per step)`,
      'SQL_TOO_COMPLEX',
    );

  /** `depth`: expressions enclosing this value; `lambdas`: lambdas enclosing it. */
  const walk = (value: unknown, scope: ReadonlySet<string>, depth = 0, lambdas = 0): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, scope, depth, lambdas);
      return;
    }
    if (!isNode(value)) return;

    // an expression node: count its depth before anything binds it
    if (typeof value.class === 'string') {
      depth++;
      if (depth > MAX_EXPRESSION_DEPTH) tooDeep('expressions', MAX_EXPRESSION_DEPTH);
      if (value.class === 'LAMBDA' && ++lambdas > MAX_LAMBDA_DEPTH) {
        tooDeep('lambdas', MAX_LAMBDA_DEPTH);
      }
    }

    // a query node: its CTEs, each seeing the ones before it, then the body seeing them all
    if (isNode(value.cte_map)) {
      const entries = Array.isArray(value.cte_map.map) ? value.cte_map.map : [];
      const inner = new Set(scope);
      for (const entry of entries as Node[]) {
        walk(entry.value, inner, depth, lambdas);
        inner.add(lower(entry.key));
      }
      const rest = { ...value };
      delete rest.cte_map;
      if (value.type === 'RECURSIVE_CTE_NODE') {
        // the recursive side may name the CTE itself; the anchor may not
        walk({ ...rest, right: undefined }, inner, depth, lambdas);
        walk(value.right, new Set([...inner, lower(value.cte_name)]), depth, lambdas);
        return;
      }
      for (const v of Object.values(rest)) walk(v, inner, depth, lambdas);
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
      if (value.type === 'SHOW_REF') show(value);
      if (value.type === 'TABLE_FUNCTION') {
        const fn = isNode(value.function) ? value.function : {};
        const name = functionName(fn);
        if (!TABLE_FUNCTIONS.has(name)) {
          refuse(
            `table function ${fn.function_name ?? '?'} is not allowed (only ${[...TABLE_FUNCTIONS].join(', ')})`,
          );
        }
        walk(fn.children, scope, depth, lambdas);
        const rest = { ...value };
        delete rest.function;
        for (const v of Object.values(rest)) walk(v, scope, depth, lambdas);
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
      const args = Array.isArray(value.children) ? value.children : [];
      const size = SIZE_ARGUMENTS[name];
      const asked = size ? constantNumber(args[size.index]) : null;
      if (size && asked !== null && asked > size.max) {
        refuse(
          `${value.function_name} to ${asked} is more than the sandbox's memory allows (at most ${size.max})`,
          'SQL_MEMORY_LIMIT',
        );
      }
      const length = SERIES.has(name) ? seriesLength(args) : null;
      if (length !== null && length > MAX_SERIES) {
        refuse(
          `${value.function_name}() as a list of ${length} is more than the sandbox allows (at most ${MAX_SERIES}; in FROM, ${value.function_name} streams rows)`,
          'SQL_MEMORY_LIMIT',
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

    for (const v of Object.values(value)) walk(v, scope, depth, lambdas);
  };

  walk(statement, new Set());
}

/** Parses `sql` with DuckDB's parser and checks it; throws SQL_ERROR or SQL_NOT_ALLOWED. */
export async function checkSql(db: Queryable, sql: string, policy: SqlPolicy): Promise<void> {
  const [row] = await db.all<{ tree: string }>('select json_serialize_sql($q::varchar) as tree', {
    q: sql,
  });
  const tree = JSON.parse(row.tree) as {
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
