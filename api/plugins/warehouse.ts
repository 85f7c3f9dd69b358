// fastify.warehouse: the server's one DuckDB instance. Reads run on a small pool of their own
// connections (never inside an upload's transaction); writes are queued one at a time on the
// writer connection. It also knows the data version that ETags and the response cache follow.
import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Database } from '../../pipelines/db/connect.ts';
import { allUnits } from '../../pipelines/load/units.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import { refreshPending } from '../../indicators/compute/refresh.ts';

export interface DataMeta {
  /** changes whenever anything the API serves may have changed */
  version: string;
  /** the last batch's load time (ISO, local), or null with no figures */
  data_as_of: string | null;
  computed_at: string | null;
  /** the figures are the synthetic demo dataset */
  synthetic: boolean;
}

const READERS = 3;

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

  private constructor(
    readonly writer: Database,
    private readonly readers: Database[],
  ) {
    this.idle = [...readers];
  }

  static async open(path: string): Promise<Warehouse> {
    const writer = await Database.open(path);
    const readers: Database[] = [];
    for (let i = 0; i < READERS; i++) readers.push(await writer.fork());
    const warehouse = new Warehouse(writer, readers);
    // a batch whose refresh a killed process cut short is completed before anything is served
    await refreshPending(writer);
    await warehouse.refreshMeta();
    return warehouse;
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
      const next = this.waiting.shift();
      if (next) next(db);
      else this.idle.push(db);
    }
  }

  /** Runs `work` on the writer connection after every earlier write; then re-reads the version. */
  write<T>(work: (db: Database) => Promise<T>): Promise<T> {
    const run = this.writing.then(async () => {
      try {
        return await work(this.writer);
      } finally {
        await this.refreshMeta();
      }
    });
    this.writing = run.catch(() => undefined);
    return run;
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
  },
  { name: 'warehouse' },
);
