// fastify.warehouse: the server's one DuckDB instance. Reads run on a small pool of their own
// connections (never inside an upload's transaction); writes are queued one at a time on the
// writer connection. It also knows the data version that ETags and the response cache follow.
import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Database } from '../../pipelines/db/connect.ts';
import type { Spread, Works } from '../../pipelines/db/spread.ts';
import { allUnits } from '../../pipelines/load/units.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import { refreshPending } from '../../indicators/compute/refresh.ts';
import { collectWhenIdle } from './limits.ts';

export interface DataMeta {
  /** changes whenever anything the API serves may have changed */
  version: string;
  /** the last batch's load time (ISO, local), or null with no figures */
  data_as_of: string | null;
  computed_at: string | null;
  /** the figures are the synthetic demo dataset */
  synthetic: boolean;
}

/** Read connections: a page spreads its independent queries over the idle ones (spread). */
export const READERS = 5;
const SETTLE_EVERY_MS = 5_000;
/** DuckDB's memory limit for the moment it gives idle buffers back (shrink). */
const SHRINK_TO = '64MB';
/** Retry-After for an answer that waits for results a storage fault left owed. */
const OWED_RETRY_S = 30;

export class Warehouse {
  private idle: Database[] = [];
  private waiting: ((db: Database) => void)[] = [];
  private writing: Promise<unknown> = Promise.resolve();
  private index: Promise<UnitIndex> | null = null;
  private current: DataMeta = {
    version: '',
    data_as_of: null,
    computed_at: null,
    synthetic: false,
  };
  private listeners: ((meta: DataMeta) => void)[] = [];
  /** batches whose figures are committed and whose results are not (a refresh that failed) */
  private owedBatches = 0;
  private settling: Promise<void> | null = null;
  private queued = 0;
  private shrinking = false;
  private lastSettle = 0;
  /** how often a request may try again to complete a refresh a storage fault cut short */
  settleEveryMs = SETTLE_EVERY_MS;

  private constructor(
    readonly writer: Database,
    private readonly readers: Database[],
  ) {
    this.idle = [...readers];
  }

  static async open(path: string): Promise<Warehouse> {
    const writer = await Database.open(path);
    const readers: Database[] = [];
    try {
      for (let i = 0; i < READERS; i++) readers.push(await writer.fork());
      // a batch whose refresh a killed process (or a full disk) cut short is completed before
      // anything is served; if it cannot be, the server does not start (StorageError: one line)
      await refreshPending(writer);
    } catch (error) {
      for (const db of readers) db.close();
      writer.close();
      throw error;
    }
    const warehouse = new Warehouse(writer, readers);
    await warehouse.refreshMeta();
    return warehouse;
  }

  /** Whether committed figures are waiting for their results (a refresh that failed). */
  get owed(): boolean {
    return this.owedBatches > 0;
  }

  /**
   * Completes the refresh still owed (after a storage fault cut one short), on the write queue,
   * one attempt at a time and at most one every SETTLE_EVERY_MS; resolves with whether results
   * are now as new as the figures. Called before a request is served (the plugin's hook).
   */
  async settle(now = Date.now()): Promise<boolean> {
    if (!this.owed) return true;
    if (!this.settling && now - this.lastSettle >= this.settleEveryMs) {
      this.lastSettle = now;
      this.settling = this.write((db) => refreshPending(db))
        .then(() => undefined)
        .catch(() => undefined)
        .finally(() => {
          this.settling = null;
        });
    }
    await this.settling;
    return !this.owed;
  }

  get meta(): DataMeta {
    return this.current;
  }

  /** Called with the new meta after every write that changed the version. */
  onChange(listener: (meta: DataMeta) => void): void {
    this.listeners.push(listener);
  }

  /** Runs `work` on a read connection of its own, waiting for one if all are busy. */
  async read<T>(work: (db: Database) => Promise<T>): Promise<T> {
    const db =
      this.idle.pop() ?? (await new Promise<Database>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(db);
    } finally {
      this.release(db);
    }
  }

  private release(db: Database): void {
    const next = this.waiting.shift();
    if (next) next(db);
    else this.idle.push(db);
  }

  /**
   * Runs independent `works` at once: on `own` (a read connection the caller holds) and on the
   * read connections idle right now, at most one per work; each connection takes the next work
   * left until none is. With none idle they run one after another on `own`: a caller holding a
   * connection never waits for another (pages under load would hold them all, and wait for
   * ever). A page's queries beyond its API call's went one after another: the overview was 2.5×
   * its scorecard (issue 15.7). Results in the order of `works`; the first failure is thrown once
   * every connection taken is done.
   */
  spread: Spread = async <T extends readonly unknown[]>(own: Database, works: Works<T>) => {
    const spares: Database[] = [];
    while (spares.length < works.length - 1 && this.idle.length > 0) spares.push(this.idle.pop()!);
    const results: unknown[] = new Array(works.length);
    let next = 0;
    let failed = false;
    const lane = async (db: Database) => {
      while (!failed && next < works.length) {
        const i = next++;
        try {
          results[i] = await works[i](db);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const lanes = await Promise.allSettled([own, ...spares].map(lane));
    for (const db of spares) this.release(db);
    const failure = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failure) throw failure.reason;
    return results as unknown as T;
  };

  /** Runs `work` on the writer connection after every earlier write; then re-reads the version. */
  write<T>(work: (db: Database) => Promise<T>): Promise<T> {
    this.queued++;
    const run = this.writing.then(async () => {
      try {
        return await work(this.writer);
      } finally {
        this.queued--;
        await this.refreshMeta();
        // an upload's chunks and a refresh's are collected once the writes are done (limits.ts)
        if (this.queued === 0 && !this.shrinking) {
          collectWhenIdle(
            () => this.busy,
            () => this.shrink(),
          );
        }
      }
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  /**
   * Gives DuckDB's idle buffers back to the system: its memory limit lowered for a moment and put
   * back, on the write queue (no upload or refresh runs meanwhile). DuckDB keeps the blocks a
   * finished query used, however idle, while they fit its limit: measured on the demo, 110 MB of
   * a process's resident memory after a burst of queries went back this way (limits.ts says the
   * rest). A read in that moment that needs more than SHRINK_TO gets a 503 and may retry.
   */
  shrink(): void {
    if (this.shrinking) return;
    this.shrinking = true;
    void this.write(async (db) => {
      const limit = await db.scalar<string>("select current_setting('memory_limit')");
      await db.run(`set memory_limit = '${SHRINK_TO}'`);
      await db.run(`set memory_limit = '${limit}'`);
    })
      .catch(() => undefined)
      .finally(() => {
        this.shrinking = false;
      });
  }

  /** Whether a write runs or waits. */
  get busy(): boolean {
    return this.queued > 0;
  }

  /** Units of every period, indexed; rebuilt when the data version changes. */
  units(): Promise<UnitIndex> {
    // one build shared by every request that asks meanwhile, on a connection of its own: a caller
    // holding a reader (a page) must never wait for another reader to build the index
    this.index ??= (async () => {
      const db = await this.writer.fork();
      try {
        return new UnitIndex(await allUnits(db));
      } finally {
        db.close();
      }
    })().catch((error) => {
      this.index = null;
      throw error;
    });
    return this.index;
  }

  private async refreshMeta(): Promise<void> {
    const rows = await this.writer.all<{ key: string; value: string }>(
      'select key, value from core.meta order by key',
    );
    const batches = await this.writer.all<{ n: string; last_at: string | null }>(
      "select count(*)::varchar n, strftime(max(loaded_at), '%Y-%m-%dT%H:%M:%S.%f') last_at from core.batches",
    );
    this.owedBatches = Number(
      await this.writer.scalar('select count(*) from core.refresh_pending'),
    );
    const meta = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    const version = createHash('sha256')
      .update(JSON.stringify([rows, batches]))
      .digest('base64url')
      .slice(0, 16);
    if (version === this.current.version) return;
    this.index = null;
    this.current = {
      version,
      data_as_of: meta.data_as_of || null,
      computed_at: meta.computed_at || null,
      synthetic: meta.demo_data === 'synthetic',
    };
    for (const listener of this.listeners) listener(this.current);
  }

  async close(): Promise<void> {
    await this.writing;
    for (const db of this.readers) db.close();
    this.writer.close();
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    warehouse: Warehouse;
  }
}

export interface WarehouseOptions {
  dbPath: string;
}

export default fp(
  async function warehousePlugin(fastify: FastifyInstance, options: WarehouseOptions) {
    const warehouse = await Warehouse.open(options.dbPath);
    fastify.decorate('warehouse', warehouse);
    fastify.addHook('onClose', async () => warehouse.close());
    // Results are never older than the figures: when a storage fault let a batch commit and cut
    // its refresh short, each request first tries to complete it; a read that finds it still
    // owed (the disk still full) is told so, rather than served the results of before the batch.
    // Health answers regardless, and writes pass (an upload completes what is owed first).
    fastify.addHook('onRequest', async (request, reply) => {
      if (!warehouse.owed || (await warehouse.settle())) return;
      const path = request.url.split('?')[0];
      if (request.method !== 'GET' || path === '/api/health') return;
      return reply
        .code(503)
        .header('retry-after', String(OWED_RETRY_S))
        .send({
          error: {
            code: 'RESULTS_OWED',
            message:
              'Kết quả đang chờ tính lại sau lỗi lưu trữ (ổ đĩa đầy hoặc chỉ đọc); vui lòng thử lại sau. ' +
              'The results are waiting to be recomputed after a storage fault (a full or ' +
              'read-only disk); retry later.',
          },
        });
    });
  },
  { name: 'warehouse' },
);
