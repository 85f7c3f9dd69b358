// A sandbox process: runs analysts' queries, one at a time, on a read-only copy of the analyst
// views (snapshot.ts), and answers each with the whole response body, built here so that the
// server only relays bytes. Started and watched by process.ts: its memory is capped by the kernel
// (RLIMIT_DATA) and by the server reading its RSS, and a query past the time limit is ended by
// killing this process — DuckDB's memory_limit does not bound every allocation and an interrupt
// is seen only between vectors, so nothing short of that bounds a query.
//
// DuckDB is opened here directly, not through pipelines/db/connect.ts: this instance is unlike
// every other one — read-only, file access off (no read_csv, COPY, ATTACH even if the guard
// missed one), configuration locked (no SET), its own spill folder with a size cap.
import {
  DuckDBArrayVector,
  DuckDBInstance,
  DuckDBListVector,
  DuckDBStructVector,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBVector,
} from '@duckdb/node-api';
import {
  ArrowStreamEncoder,
  arrowBatch,
  arrowSchema,
  batchOf,
  jsonRows,
  type Batch,
  type Column,
} from '../services/export.ts';
import { HttpError } from '../errors.ts';
import { checkSql, readPolicy, type Queryable } from './guard.ts';
import type { QueryMessage, WorkerMessage, WorkerSettings } from './protocol.ts';

/** A response body built batch by batch, knowing its length as it grows. */
interface BodyWriter {
  bytes: number;
  add(batch: Batch): void;
  finish(meta: Record<string, unknown>): Buffer;
}

function jsonWriter(columns: Column[]): BodyWriter {
  const rows: string[] = [];
  return {
    bytes: 0,
    add(batch) {
      for (const row of jsonRows(batch, columns)) {
        const text = JSON.stringify(row);
        rows.push(text);
        this.bytes += Buffer.byteLength(text) + 1;
      }
    },
    finish(meta) {
      const head = JSON.stringify({
        columns: columns.map((c) => ({ name: c.name, type: c.type.toString() })),
      });
      const tail = JSON.stringify(meta);
      // {"columns":[…],"rows":[…],"row_count":…}: the schema of schemas/sql.ts
      return Buffer.from(`${head.slice(0, -1)},"rows":[${rows.join(',')}],${tail.slice(1)}`);
    },
  };
}

function arrowWriter(columns: Column[]): BodyWriter {
  const schema = arrowSchema(columns);
  const encoder = new ArrowStreamEncoder(schema);
  const parts: Uint8Array[] = [encoder.start()];
  return {
    bytes: parts[0].length,
    add(batch) {
      const part = encoder.batch(arrowBatch(schema, batch, columns));
      parts.push(part);
      this.bytes += part.length;
    },
    finish() {
      return Buffer.concat([...parts, encoder.end()]);
    },
  };
}

/**
 * Values in the first `rows` rows of a vector, nested ones included (list elements, array cells,
 * struct fields), counted from DuckDB's vectors without converting them: converting costs about
 * 0.75 µs and 80 bytes of heap a value (measured: a list of 4 million numbers, 2.9 s and 315 MB),
 * so one list of 10 million would run out of time or heap before its size could be known.
 */
function values(vector: DuckDBVector, rows: number): number {
  if (vector instanceof DuckDBListVector) {
    let n = rows;
    for (let r = 0; r < rows; r++) n += vector.getEntryLength(r);
    // nested lists: all of the child's (the row limit may have cut the chunk; then it is more)
    const child = vector.childVector;
    return n + values(child, child.itemCount) - child.itemCount;
  }
  if (vector instanceof DuckDBArrayVector) return rows * (1 + vector.type.length);
  if (vector instanceof DuckDBStructVector) {
    let n = rows;
    for (let i = 0; i < vector.type.entryCount; i++) n += values(vector.entryVectorAt(i), rows);
    return n;
  }
  return rows;
}

function chunkValues(chunk: DuckDBDataChunk, rows: number): number {
  let n = 0;
  for (let i = 0; i < chunk.columnCount; i++) n += values(chunk.getColumnVector(i), rows);
  return n;
}

const tooLarge = (what: string) =>
  new HttpError(
    400,
    'SQL_RESULT_TOO_LARGE',
    `the result is larger than ${what}; select fewer columns or rows, or aggregate lists`,
  );
const megabytes = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;

const queryable = (connection: DuckDBConnection): Queryable => ({
  async all<T>(sql: string, params?: Record<string, string>) {
    const reader = await connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJson() as T[];
  },
});

async function answer(
  connection: DuckDBConnection,
  check: (sql: string) => Promise<void>,
  message: QueryMessage,
): Promise<WorkerMessage> {
  const started = performance.now();
  await check(message.sql);
  const result = await connection.stream(message.sql);
  const columns: Column[] = result.columnNames().map((name, i) => ({
    name,
    type: result.columnType(i),
  }));
  const writer = message.format === 'arrow' ? arrowWriter(columns) : jsonWriter(columns);
  const { rowLimit } = message;
  let rows = 0;
  let count = 0;
  let truncated = false;
  // stop at rowLimit + 1: the extra row only says that there were more
  while (rows <= rowLimit) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    if (rows + chunk.rowCount > rowLimit) truncated = true;
    const take = Math.min(chunk.rowCount, rowLimit - rows);
    count += chunkValues(chunk, take);
    if (count > message.maxValues) {
      throw tooLarge(`${message.maxValues} values (rows × columns, with the values in lists)`);
    }
    const batch = batchOf(chunk, take);
    rows += batch.rowCount;
    if (batch.rowCount > 0) writer.add(batch);
    if (writer.bytes > message.maxBytes) throw tooLarge(megabytes(message.maxBytes));
    if (truncated) break;
  }
  const elapsedMs = Math.round(performance.now() - started);
  const body = writer.finish({
    row_count: rows,
    truncated,
    row_limit: rowLimit,
    elapsed_ms: elapsedMs,
  });
  if (body.length > message.maxBytes) throw tooLarge(megabytes(message.maxBytes));
  return { type: 'result', id: message.id, body, rowCount: rows, truncated, rowLimit, elapsedMs };
}

/** An error as the answer to a query; DuckDB's own errors are the caller's (SQL_ERROR). */
function failure(id: number, error: unknown): WorkerMessage {
  if (error instanceof HttpError) {
    return {
      type: 'error',
      id,
      status: error.statusCode,
      code: error.code,
      message: error.message,
      recycle: false,
    };
  }
  const message = String((error as Error)?.message ?? error).replace(/^Error:\s*/, '');
  if (/\bOut of Memory Error\b|\bbad_alloc\b|Allocation failure/i.test(message)) {
    return {
      type: 'error',
      id,
      status: 400,
      code: 'SQL_MEMORY_LIMIT',
      message: `the query needed more memory than the sandbox allows; aggregate more or select fewer rows (${message.split('\n')[0]})`,
      recycle: true,
    };
  }
  // a FATAL or INTERNAL error invalidates the instance: answer it, then start afresh
  const recycle = /\b(FATAL|INTERNAL) Error\b|invalidated/i.test(message);
  return { type: 'error', id, status: 400, code: 'SQL_ERROR', message, recycle };
}

async function main(): Promise<void> {
  const send = (message: WorkerMessage) =>
    new Promise<void>((resolve, reject) =>
      process.send!(message, undefined, undefined, (error) => (error ? reject(error) : resolve())),
    );
  // the server went away (or closed the channel): nothing left to answer
  process.on('disconnect', () => process.exit(0));

  const settings = JSON.parse(process.argv[2]) as WorkerSettings;
  const instance = await DuckDBInstance.create(settings.database, {
    access_mode: 'READ_ONLY',
    memory_limit: settings.duckdbMemory,
    threads: String(settings.threads),
    temp_directory: settings.tempDirectory,
    max_temp_directory_size: settings.maxTempSize,
    enable_external_access: 'false',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    lock_configuration: 'true',
  });
  const connection = await instance.connect();
  const db = queryable(connection);
  const policy = await readPolicy(db);
  const check = (sql: string) => checkSql(db, sql, policy);

  // one query at a time: the server sends the next only after this one's answer
  process.on('message', (message: QueryMessage) => {
    answer(connection, check, message)
      .catch((error: unknown) => failure(message.id, error))
      .then(send)
      .catch(() => process.exit(1));
  });
  await send({ type: 'ready' });
}

await main();
