// The one owner of DuckDB connections: one instance per database file per process, values always
// bound as parameters, transactions that either commit whole or roll back.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { asStorageError, StorageError } from './storage.ts';
import { TIME_ZONE } from '../normalize/calendar.ts';

export { StorageError } from './storage.ts';

/**
 * The project's folder (the one with package.json): the same whether this module runs from its
 * TypeScript source or from the compiled copy in dist/, so data files, migrations, plans and SQL
 * are always read from the source tree.
 */
export const PROJECT_ROOT = projectRoot(dirname(fileURLToPath(import.meta.url)));
export const DEFAULT_DB = resolve(PROJECT_ROOT, 'data/chitieu.duckdb');

function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** A file of the project's source tree (SQL, YAML, CSS), by its path from the project's root. */
export const projectFile = (path: string) => resolve(PROJECT_ROOT, path);

/** The database file: env CHITIEU_DB (relative to the working directory) or data/chitieu.duckdb. */
export function databasePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHITIEU_DB ? resolve(env.CHITIEU_DB) : DEFAULT_DB;
}

/**
 * DuckDB lets one process at a time open a database file for writing, and a writer's lock also
 * keeps readers of other processes out. This error says who holds it and what to do instead.
 */
export class DatabaseBusyError extends Error {
  constructor(
    readonly path: string,
    readonly holder: string,
  ) {
    super(
      `the database ${path} is in use by another process (${holder}). ` +
        'If it is `chitieu serve`, load files through the server (POST /api/ingest) and query ' +
        'through it; otherwise wait for that process to finish.',
    );
    this.name = 'DatabaseBusyError';
  }
}

/** A command that only reads was pointed at a database that does not exist yet. */
export class DatabaseMissingError extends Error {
  constructor(readonly path: string) {
    super(
      `there is no database at ${path}: \`npm start\` creates it with the demo data, ` +
        '`chitieu init` creates it empty (CHITIEU_DB names another file)',
    );
    this.name = 'DatabaseMissingError';
  }
}

export type Params = Record<string, DuckDBValue> | DuckDBValue[];
export type Row = Record<string, unknown>;

export class Database {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    private readonly ownsInstance = true,
  ) {}

  /**
   * Another connection to the same instance: its own transactions, so that (in the server) reads
   * never run inside an upload's transaction. Closing it leaves the instance open.
   */
  async fork(): Promise<Database> {
    return new Database(this.path, this.instance, await this.instance.connect(), false);
  }

  static async open(path = databasePath(), options: { readOnly?: boolean } = {}) {
    if (options.readOnly && path !== ':memory:' && !existsSync(path)) {
      throw new DatabaseMissingError(path);
    }
    if (path !== ':memory:') {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (error) {
        // a folder that cannot be made: missing above a read-only one, or no permission
        throw asStorageError(error, path) ?? new StorageError('missing', path, String(error));
      }
    }
    if (path !== ':memory:' && !options.readOnly) keepPrivate();
    // DuckDB would take 80 % of the machine; chitieu stays within a budget (spilling to a
    // temporary folder beside the file when a load needs more), set by CHITIEU_MEMORY_LIMIT
    const config: Record<string, string> = {
      memory_limit: process.env.CHITIEU_MEMORY_LIMIT ?? '400MB',
      // nothing is ever downloaded: parquet, json and icu are built in, and an unknown function
      // must be an error rather than a fetch of the extension that has it
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}),
    };
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (error) {
      const m = /Could not set lock on file .*?Conflicting lock is held in (.*?)(?:\. See|$)/.exec(
        String(error),
      );
      if (m) throw new DatabaseBusyError(path, m[1]);
      // a read-only folder or file, a full disk: one clear line, never DuckDB's stack
      const missing = /No such file or directory/.test(String(error));
      throw (
        asStorageError(error, path) ??
        (missing ? new StorageError('missing', path, String(error).split('\n')[0]) : error)
      );
    }
    const connection = await instance.connect();
    // timestamps (a batch's loaded_at, an approval's, a review's) are Vietnam wall time whatever
    // the server's zone, as "today" is (calendar.ts): what the pages show and analysts query
    await connection.run(`set global TimeZone = '${TIME_ZONE}'`);
    return new Database(path, instance, connection);
  }

  async run(sql: string, params?: Params, types?: Record<string, DuckDBType>): Promise<void> {
    await this.connection.run(sql, params, types);
  }

  /** Rows as plain JSON-safe objects (dates as ISO strings, big integers as strings). */
  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJson() as T[];
  }

  /** Rows with JS values (numbers, bigint, Date). */
  async values<T = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as T[];
  }

  async scalar<T = unknown>(sql: string, params?: Params): Promise<T> {
    const reader = await this.connection.runAndReadAll(sql, params);
    const rows = reader.getRowsJS();
    return rows[0]?.[0] as T;
  }

  /** Drops this connection's temp tables (and views) of these names, those that exist. */
  async dropTemp(tables: readonly string[], views: readonly string[] = []): Promise<void> {
    const drops = [
      ...tables.map((t) => `drop table if exists temp.${quoteIdent(t)};`),
      ...views.map((v) => `drop view if exists temp.${quoteIdent(v)};`),
    ];
    if (drops.length > 0) await this.run(drops.join(' '));
  }

  /** Runs `work` in one transaction: all of it commits, or none of it does. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('begin transaction');
    try {
      const result = await work();
      await this.run('commit');
      return result;
    } catch (error) {
      // a failed COMMIT has ended the transaction already: a ROLLBACK after it fails with "no
      // transaction is active", and must not hide the error that stopped the work
      await this.run('rollback').catch(() => undefined);
      throw asStorageError(error, this.path) ?? error;
    }
  }

  close(): void {
    this.connection.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}

/**
 * The figures are for their owners' eyes: the database, its WAL and DuckDB's spill folder are
 * created readable by their owner only (0600, 0700). DuckDB creates the WAL afresh after each
 * checkpoint, long after the open, so a chmod could not follow it: the process that writes the
 * database creates every file from then on without group and other bits (umask 077). A file that
 * exists keeps its mode: an administrator may have shared it with a group on purpose.
 */
function keepPrivate(): void {
  // a worker thread may not set the umask (none opens a database today)
  if (isMainThread) process.umask(process.umask(0o077) | 0o077);
}

/** Quotes an identifier that must vary (a table name); values are always bound instead. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
