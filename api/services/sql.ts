// The analysts' SQL sandbox behind POST /api/sql: runs each query in a process of its own
// (api/sql/process.ts, worker.ts) on a read-only copy of the analyst views (api/sql/snapshot.ts),
// checked there by the guard (api/sql/guard.ts), with a time limit, a memory limit, a row cap and
// a cap on the answer's bytes. No Fastify here.
//
// Why processes: in the server's own DuckDB a one-line query could take the server down —
// `select len(list_resize([], 100000000))` grew it from 0.4 to 8.5 GB in 67 s against a 10 s
// limit; `repeat`, `lpad`, `string_split` of a huge string, deeply nested expressions each ran
// past the limit while it grew by 1–3 GB. DuckDB's memory_limit does not bound every allocation,
// an interrupt is seen only between vectors and binding cannot be interrupted at all, and a
// thread would share the server's heap; a process can be capped by the kernel and killed.
// Why a copy: the server holds its file for writing, and DuckDB then keeps every other process
// out, readers included. The copy is made at the first query after each change of the data (in
// one transaction on a connection of its own), and again as soon as the data changes once
// analysts use SQL on this server; a query answers from the copy of the data version it found.
// Weighed and not taken: keeping queries in the server behind checks of their text (a list of
// heavy functions with constant arguments misses a size read from the data, `repeat('x', (select
// count(*) from observations) * 30000)`, and every heavy function it does not name; the guard
// keeps such checks as a first line, for quick and clear refusals); a copy of the whole file
// (quicker to write, but it holds core.* and the audit, where the views' copy holds the contract
// alone); the server running a query and handing its rows to a process (the server would still
// run the query).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../pipelines/db/connect.ts';
import { BusyError } from '../errors.ts';
import { SqlProcess, type Answer, type ProcessLimits } from '../sql/process.ts';
import type { ResultFormat } from '../sql/protocol.ts';
import { writeSnapshot } from '../sql/snapshot.ts';

export type SqlAnswer = Answer & { format: ResultFormat };

export interface SandboxOptions {
  timeoutMs: number;
  rowLimit: number;
  /** where the copies and the processes' spill folders live (beside the database); removed on close */
  directory: string;
  /** processes, each running one query at a time */
  processes?: number;
  /** requests allowed to wait for a process; more are answered 503 */
  maxWaiting?: number;
  /** an answer's body (JSON or Arrow) may not be longer, bytes */
  maxResultBytes?: number;
  /**
   * nor hold more values (rows × columns, with those nested in lists): each costs the process
   * about 0.75 µs and 80 bytes of heap to convert, so 2 million take 1.5 s and 160 MB
   */
  maxResultValues?: number;
  /** each process's memory, MiB (ProcessLimits) */
  memoryMb?: number;
  threads?: number;
  maxTempSize?: string;
}

/** The server's database as the sandbox sees it. */
export interface SnapshotSource {
  /** a connection of its own (closed after use) */
  fork(): Promise<Database>;
  /** the data version; a new one makes the copy stale */
  version(): string;
}

interface Snapshot {
  path: string;
  version: string;
}

const unavailable = () =>
  new BusyError(
    'SQL_UNAVAILABLE',
    'the server is shutting down; try again shortly',
    5,
    'máy chủ đang dừng; hãy thử lại sau',
  );

export class SqlSandbox {
  private readonly options: Required<SandboxOptions>;
  private readonly limits: ProcessLimits;
  private snapshot: Snapshot | null = null;
  private building: { version: string; done: Promise<Snapshot> } | null = null;
  private builder: Database | null = null;
  private copies = 0;
  private idle: SqlProcess[] = [];
  private readonly all = new Set<SqlProcess>();
  private running = 0;
  private waiting: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly source: SnapshotSource,
    options: SandboxOptions,
  ) {
    this.options = {
      processes: 2,
      maxWaiting: 16,
      maxResultBytes: 64 * 1024 * 1024,
      maxResultValues: 2_000_000,
      memoryMb: 1536,
      threads: 2,
      maxTempSize: '4GB',
      ...options,
    };
    this.limits = {
      memoryMb: this.options.memoryMb,
      threads: this.options.threads,
      maxTempSize: this.options.maxTempSize,
    };
    // a crash may have left copies behind
    rmSync(this.options.directory, { recursive: true, force: true });
  }

  /** Checks and runs one query in a sandbox process; the whole body of the answer. */
  async query(sql: string, format: ResultFormat = 'json'): Promise<SqlAnswer> {
    await this.acquire();
    let sandbox: SqlProcess | undefined;
    try {
      if (this.closed) throw unavailable();
      const snapshot = await this.current();
      sandbox = await this.process(snapshot);
      const answer = await sandbox.run(
        {
          sql,
          format,
          rowLimit: this.options.rowLimit,
          maxBytes: this.options.maxResultBytes,
          maxValues: this.options.maxResultValues,
        },
        this.options.timeoutMs,
      );
      return { ...answer, format };
    } finally {
      this.release(sandbox);
    }
  }

  /**
   * The data changed: copy it again now if analysts use SQL here (a copy exists), so that the
   * next query does not wait for it. A failure is not lost: the next query builds again and
   * answers with the error.
   */
  refresh(): void {
    if (this.snapshot && !this.closed) this.current().catch(() => undefined);
  }

  /** Processes that exist now (idle or running a query): their pids, for tests and health. */
  get pids(): number[] {
    return [...this.all].flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
  }

  /** Kills the processes, stops a copy being written, removes the copies. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.all) p.kill('closing');
    this.builder?.connection.interrupt();
    await this.building?.done.catch(() => undefined);
    await Promise.all([...this.all].map((p) => p.exited));
    rmSync(this.options.directory, { recursive: true, force: true });
  }

  /** The copy of the current data version: the one there is, or one written now. */
  private current(): Promise<Snapshot> {
    const version = this.source.version();
    if (this.snapshot?.version === version) return Promise.resolve(this.snapshot);
    if (this.building?.version === version) return this.building.done;
    // one copy at a time: a newer version waits for the one being written
    const before = this.building?.done.catch(() => undefined) ?? Promise.resolve();
    const done = before.then(() => this.write(version));
    const building = { version, done };
    this.building = building;
    const clear = () => {
      if (this.building === building) this.building = null;
    };
    done.then(clear, clear);
    return done;
  }

  private async write(version: string): Promise<Snapshot> {
    if (this.snapshot?.version === version) return this.snapshot;
    if (this.closed) throw unavailable();
    mkdirSync(this.options.directory, { recursive: true });
    const path = join(this.options.directory, `snapshot-${++this.copies}.duckdb`);
    const db = await this.source.fork();
    this.builder = db;
    try {
      await writeSnapshot(db, path);
    } finally {
      this.builder = null;
      db.close();
    }
    if (this.closed) throw unavailable();
    const old = this.snapshot;
    this.snapshot = { path, version };
    // processes reading the old copy keep their open file until they end (Linux); idle ones end now
    for (const p of this.idle.filter((p) => p.snapshot !== path)) p.kill('retired');
    this.idle = this.idle.filter((p) => p.snapshot === path);
    if (old) rmSync(old.path, { force: true });
    return this.snapshot;
  }

  /** An idle process on this copy, or a new one. */
  private async process(snapshot: Snapshot): Promise<SqlProcess> {
    for (let p = this.idle.pop(); p; p = this.idle.pop()) {
      if (p.alive && p.snapshot === snapshot.path) return p;
      p.kill('retired');
    }
    const p = await SqlProcess.start(snapshot.path, this.options.directory, this.limits);
    this.all.add(p);
    void p.exited.then(() => this.all.delete(p));
    if (this.closed) {
      p.kill('closing');
      throw unavailable();
    }
    return p;
  }

  /** A turn to run a query: at most `processes` at once, `maxWaiting` waiting, then 503. */
  private async acquire(): Promise<void> {
    if (this.running < this.options.processes) {
      this.running++;
      return;
    }
    if (this.waiting.length >= this.options.maxWaiting) {
      throw new BusyError(
        'SQL_BUSY',
        'too many queries are waiting; try again shortly',
        5,
        'quá nhiều truy vấn đang chờ; hãy thử lại sau',
      );
    }
    // the slot passes straight from the query that ends to the first waiting (running unchanged)
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(sandbox: SqlProcess | undefined): void {
    if (sandbox) {
      if (sandbox.reusable && !this.closed && sandbox.snapshot === this.snapshot?.path) {
        this.idle.push(sandbox);
      } else if (sandbox.alive) {
        sandbox.kill('retired');
      }
    }
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
