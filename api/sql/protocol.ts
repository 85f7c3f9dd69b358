// The messages between the server and a sandbox process (process.ts ⇄ worker.ts), over Node's IPC
// channel with the "advanced" serialisation, so that a result's bytes cross as bytes.

/** How a sandbox process opens its copy of the analyst views; passed as its one argument (JSON). */
export interface WorkerSettings {
  /** the snapshot file (snapshot.ts), opened read-only */
  database: string;
  /** DuckDB's own budget (memory_limit): buffer-managed memory; the process limit is above it */
  duckdbMemory: string;
  threads: number;
  /** where DuckDB spills, this process's own folder, and at most how much it may write there */
  tempDirectory: string;
  maxTempSize: string;
}

export type ResultFormat = 'json' | 'arrow';

/** server → process: one query at a time */
export interface QueryMessage {
  type: 'query';
  id: number;
  sql: string;
  format: ResultFormat;
  rowLimit: number;
  /** the answer's body may not be longer than this, bytes */
  maxBytes: number;
  /** nor hold more values than this (rows × columns, with the values nested in lists) */
  maxValues: number;
}

/** process → server */
export type WorkerMessage =
  | { type: 'ready' }
  | {
      type: 'result';
      id: number;
      /** the whole response body: the JSON document of schemas/sql.ts, or an Arrow IPC stream */
      body: Uint8Array;
      rowCount: number;
      truncated: boolean;
      rowLimit: number;
      elapsedMs: number;
    }
  | {
      type: 'error';
      id: number;
      status: number;
      code: string;
      message: string;
      /** the process may be unsound after this error (DuckDB out of memory, invalidated) */
      recycle: boolean;
    };
