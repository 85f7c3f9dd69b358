// Exports of the observations and progress views (CSV, Arrow IPC stream, Parquet) with their
// filters, and the result encoders shared with POST /api/sql: DuckDB chunks → JSON-safe rows,
// CSV text, Arrow record batches. No Fastify here: the routes and `chitieu export` both call it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  type DuckDBDataChunk,
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import {
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimeUnit,
  Timestamp,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  makeData,
  vectorFromArray,
  type Data,
  type DataType,
} from 'apache-arrow';
import type { Database } from '../../pipelines/db/connect.ts';
import {
  formatPeriod,
  periodEnd,
  periodStart,
  type Period,
} from '../../pipelines/normalize/periods.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { HttpError } from '../errors.ts';
import { today } from './common.ts';

// ---------------------------------------------------------------------------------------------
// Batches: a run of rows held column by column, as DuckDB's values (no conversion yet)

export interface Column {
  name: string;
  type: DuckDBType;
}

export interface Batch {
  rowCount: number;
  /** one array of values per column, each `rowCount` long */
  columns: DuckDBValue[][];
}

/** The first `limit` rows of a chunk as a batch (values copied out of DuckDB's vectors). */
export function batchOf(chunk: DuckDBDataChunk, limit = chunk.rowCount): Batch {
  const rowCount = Math.min(limit, chunk.rowCount);
  const columns: DuckDBValue[][] = [];
  for (let i = 0; i < chunk.columnCount; i++) {
    const values = chunk.getColumnValues(i);
    columns.push(rowCount < values.length ? values.slice(0, rowCount) : values);
  }
  return { rowCount, columns };
}

const BIG_INTEGERS = new Set([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.BIGNUM,
]);

/** DuckDB prints timestamps with a blank between date and time; ISO 8601 wants a T. */
const isoTimestamp = (text: string) => text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');

// ---------------------------------------------------------------------------------------------
// JSON: big integers as numbers when exact, else strings; decimals as numbers; dates ISO

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export function jsonValue(value: DuckDBValue, type: DuckDBType): JsonValue {
  if (value === null) return null;
  const id = type.typeId;
  if (BIG_INTEGERS.has(id)) {
    const n = Number(value as bigint);
    return Number.isSafeInteger(n) ? n : String(value);
  }
  if (id === DuckDBTypeId.DECIMAL) return (value as DuckDBDecimalValue).toDouble();
  if (id === DuckDBTypeId.DOUBLE || id === DuckDBTypeId.FLOAT) {
    return Number.isFinite(value as number) ? (value as number) : String(value);
  }
  if (
    id === DuckDBTypeId.TIMESTAMP ||
    id === DuckDBTypeId.TIMESTAMP_TZ ||
    id === DuckDBTypeId.TIMESTAMP_S ||
    id === DuckDBTypeId.TIMESTAMP_MS ||
    id === DuckDBTypeId.TIMESTAMP_NS
  ) {
    return isoTimestamp(String(value));
  }
  return JsonDuckDBValueConverter(value, type, JsonDuckDBValueConverter) as JsonValue;
}

/** A batch as rows of JSON-safe values. */
export function jsonRows(batch: Batch, columns: readonly Column[]): JsonValue[][] {
  const rows: JsonValue[][] = [];
  for (let r = 0; r < batch.rowCount; r++) {
    rows.push(columns.map((c, i) => jsonValue(batch.columns[i][r], c.type)));
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180): header row, CRLF, fields quoted when they hold a comma, quote or line break

/** A number in plain decimal notation (no exponent), so every CSV reader takes it as written. */
export function plainNumber(n: number): string {
  const text = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, whole, fraction = '', exp] = m;
  const digits = whole + fraction;
  const point = whole.length + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const quoteCsv = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function csvField(value: DuckDBValue, type: DuckDBType): string {
  if (value === null) return '';
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return quoteCsv(value as string);
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      return plainNumber(value as number);
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.DECIMAL: // exact: the scaled integer printed with its point
    case DuckDBTypeId.DATE:
      return String(value);
  }
  if (BIG_INTEGERS.has(type.typeId)) return String(value);
  const json = jsonValue(value, type);
  return quoteCsv(typeof json === 'string' ? json : JSON.stringify(json));
}

export function csvHeader(columns: readonly Column[]): string {
  return `${columns.map((c) => quoteCsv(c.name)).join(',')}\r\n`;
}

export function csvRows(batch: Batch, columns: readonly Column[]): string {
  let out = '';
  for (let r = 0; r < batch.rowCount; r++) {
    out += `${columns.map((c, i) => csvField(batch.columns[i][r], c.type)).join(',')}\r\n`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Arrow: fixed-width columns are laid out directly (exact 64-bit integers and microsecond
// timestamps); text, booleans and anything nested go through Arrow's builders (nested values as
// their JSON text)

export function arrowType(type: DuckDBType): DataType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return new Bool();
    case DuckDBTypeId.TINYINT:
      return new Int8();
    case DuckDBTypeId.SMALLINT:
      return new Int16();
    case DuckDBTypeId.INTEGER:
      return new Int32();
    case DuckDBTypeId.BIGINT:
      return new Int64();
    case DuckDBTypeId.UTINYINT:
      return new Uint8();
    case DuckDBTypeId.USMALLINT:
      return new Uint16();
    case DuckDBTypeId.UINTEGER:
      return new Uint32();
    case DuckDBTypeId.UBIGINT:
      return new Uint64();
    case DuckDBTypeId.FLOAT:
      return new Float32();
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return new Float64();
    case DuckDBTypeId.DATE:
      return new DateDay();
    case DuckDBTypeId.TIMESTAMP:
      return new Timestamp(TimeUnit.MICROSECOND);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new Timestamp(TimeUnit.MICROSECOND, 'UTC');
    default:
      return new Utf8();
  }
}

export function arrowSchema(columns: readonly Column[]): Schema {
  return new Schema(columns.map((c) => new Field(c.name, arrowType(c.type), true)));
}

type FixedArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

function fixedData<T extends FixedArray>(
  type: DataType,
  values: DuckDBValue[],
  array: T,
  read: (v: NonNullable<DuckDBValue>) => T[number],
): Data {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else {
      array[i] = read(v);
      bitmap[i >> 3] |= 1 << (i & 7);
    }
  });
  return makeData({
    type: type as never,
    length: values.length,
    nullCount,
    nullBitmap: nullCount > 0 ? bitmap : null,
    data: array,
  } as never);
}

function arrowData(type: DataType, duck: DuckDBType, values: DuckDBValue[]): Data {
  const n = values.length;
  switch (duck.typeId) {
    case DuckDBTypeId.TINYINT:
      return fixedData(type, values, new Int8Array(n), Number);
    case DuckDBTypeId.SMALLINT:
      return fixedData(type, values, new Int16Array(n), Number);
    case DuckDBTypeId.INTEGER:
      return fixedData(type, values, new Int32Array(n), Number);
    case DuckDBTypeId.UTINYINT:
      return fixedData(type, values, new Uint8Array(n), Number);
    case DuckDBTypeId.USMALLINT:
      return fixedData(type, values, new Uint16Array(n), Number);
    case DuckDBTypeId.UINTEGER:
      return fixedData(type, values, new Uint32Array(n), Number);
    case DuckDBTypeId.BIGINT:
      return fixedData(type, values, new BigInt64Array(n), (v) => v as bigint);
    case DuckDBTypeId.UBIGINT:
      return fixedData(type, values, new BigUint64Array(n), (v) => v as bigint);
    case DuckDBTypeId.FLOAT:
      return fixedData(type, values, new Float32Array(n), Number);
    case DuckDBTypeId.DOUBLE:
      return fixedData(type, values, new Float64Array(n), Number);
    case DuckDBTypeId.DECIMAL:
      return fixedData(type, values, new Float64Array(n), (v) =>
        (v as DuckDBDecimalValue).toDouble(),
      );
    case DuckDBTypeId.DATE:
      return fixedData(type, values, new Int32Array(n), (v) => (v as DuckDBDateValue).days);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return fixedData(
        type,
        values,
        new BigInt64Array(n),
        (v) => (v as DuckDBTimestampValue).micros,
      );
    case DuckDBTypeId.BOOLEAN:
      return vectorFromArray(values as (boolean | null)[], new Bool()).data[0];
    default:
      return vectorFromArray(
        values.map((v) => {
          if (v === null) return null;
          const json = jsonValue(v, duck);
          return typeof json === 'string' ? json : JSON.stringify(json);
        }),
        new Utf8(),
      ).data[0];
  }
}

export function arrowBatch(schema: Schema, batch: Batch, columns: readonly Column[]): RecordBatch {
  const children = columns.map((c, i) =>
    arrowData(schema.fields[i].type, c.type, batch.columns[i]),
  );
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: batch.rowCount, nullCount: 0, children }),
  );
}

/**
 * An Arrow IPC stream written piece by piece: the schema message first, then each record batch's
 * message as soon as it is built, then the end-of-stream marker. Arrow's writer only hands out
 * whole streams, so each batch is written as a stream of its own and its message cut out of it
 * (the bytes between the schema message, identical every time, and the 8-byte end marker).
 */
export class ArrowStreamEncoder {
  private readonly empty: Uint8Array;

  constructor(schema: Schema) {
    const writer = new RecordBatchStreamWriter();
    writer.reset(undefined, schema);
    writer.finish();
    this.empty = writer.toUint8Array(true);
  }

  private get schemaLength() {
    return this.empty.length - 8;
  }

  start(): Uint8Array {
    return this.empty.subarray(0, this.schemaLength);
  }

  batch(batch: RecordBatch): Uint8Array {
    const writer = new RecordBatchStreamWriter();
    writer.write(batch);
    writer.finish();
    const whole = writer.toUint8Array(true);
    return whole.subarray(this.schemaLength, whole.length - 8);
  }

  end(): Uint8Array {
    return this.empty.subarray(this.schemaLength);
  }

  /** A whole stream of these batches. */
  all(batches: readonly RecordBatch[]): Buffer {
    return Buffer.concat([this.start(), ...batches.map((b) => this.batch(b)), this.end()]);
  }
}

// ---------------------------------------------------------------------------------------------
// Exports

export const EXPORT_KINDS = ['observations', 'progress'] as const;
export const EXPORT_FORMATS = ['csv', 'parquet', 'arrow'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.stream',
};

/** The filters as given (query string or command line), periods read at that edge (readPeriodOrDay). */
export interface ExportRequest {
  unit?: string;
  from?: Period;
  to?: Period;
  indicator?: string;
}

/** The filters resolved: a unit id whose subtree is exported, a date range of period starts. */
export interface ExportFilters {
  unit_id: string | null;
  /** rows whose period starts on or after this date */
  from: string | null;
  /** rows whose period starts on or before this date (the end of the `to` period) */
  to: string | null;
  indicator: string | null;
}

/**
 * Resolves the filters; a code is read as the unit it named at the end of `to` (else of `from`,
 * else `asOf`, today by default). Throws LookupError (unknown unit → 404) or HttpError.
 */
export async function resolveFilters(
  db: Database,
  index: UnitIndex,
  request: ExportRequest,
  asOf = today(),
): Promise<ExportFilters> {
  const from = request.from ?? null;
  const to = request.to ?? null;
  if (from && to && periodStart(from) > periodEnd(to)) {
    throw new HttpError(
      400,
      'INVALID_REQUEST',
      `from ${formatPeriod(from)} is after to ${formatPeriod(to)}`,
    );
  }
  const at = to ? periodEnd(to) : from ? periodEnd(from) : asOf;
  const unit = request.unit ? findUnit(index, request.unit.trim(), at) : null;
  if (request.indicator) {
    const known = await db.scalar<boolean>(
      'select count(*) > 0 from indicators where indicator_id = $id',
      { id: request.indicator },
    );
    if (!known) {
      throw new HttpError(404, 'UNKNOWN_INDICATOR', `unknown indicator: ${request.indicator}`);
    }
  }
  return {
    unit_id: unit?.unit_id ?? null,
    from: from ? periodStart(from) : null,
    to: to ? periodEnd(to) : null,
    indicator: request.indicator ?? null,
  };
}

// The first day of a period in its canonical text ('2024', '2024-Q3', '2024-07', '2024-07-19'),
// in SQL so the filter runs inside DuckDB
const PERIOD_START_SQL = `case
    when v.period similar to '\\d{4}' then make_date(v.period::int, 1, 1)
    when v.period similar to '\\d{4}-Q[1-4]' then
      make_date(left(v.period, 4)::int, right(v.period, 1)::int * 3 - 2, 1)
    when v.period similar to '\\d{4}-\\d{2}' then (v.period || '-01')::date
    else try_cast(v.period as date)
  end`;

const ORDER: Record<ExportKind, string> = {
  observations: 'v.unit_id, v.period, v.metric',
  progress: 'v.indicator_id, v.unit_id, v.period, v.target_id',
};

/** The export's query (the view's columns, in its order) and its bound values. */
export function exportQuery(
  kind: ExportKind,
  filters: ExportFilters,
): { sql: string; params: Record<string, string> } {
  const where: string[] = [];
  const params: Record<string, string> = {};
  let with_ = '';
  if (filters.unit_id) {
    // the unit and every descendant through parent_id (union, not union all: no cycles)
    with_ = `with recursive subtree(unit_id) as (
      select $unit::varchar
      union
      select u.unit_id from units u join subtree s on u.parent_id = s.unit_id
    )\n`;
    where.push('v.unit_id in (select unit_id from subtree)');
    params.unit = filters.unit_id;
  }
  if (filters.from) {
    where.push(`${PERIOD_START_SQL} >= $from::date`);
    params.from = filters.from;
  }
  if (filters.to) {
    where.push(`${PERIOD_START_SQL} <= $to::date`);
    params.to = filters.to;
  }
  if (filters.indicator) {
    // progress: that indicator's rows; observations: the reported figures it is computed from
    // (its numerator and denominator metrics), so a number on a page can be traced to its rows
    where.push(
      kind === 'progress'
        ? 'v.indicator_id = $indicator'
        : `v.metric in (select numerator from indicators where indicator_id = $indicator
                        union all
                        select denominator from indicators where indicator_id = $indicator)`,
    );
    params.indicator = filters.indicator;
  }
  const sql = `${with_}select v.* from ${kind} v${where.length ? `\nwhere ${where.join('\n  and ')}` : ''}\norder by ${ORDER[kind]}`;
  return { sql, params };
}

export function exportFileName(kind: ExportKind, filters: ExportFilters, format: ExportFormat) {
  const parts: string[] = [kind];
  if (filters.unit_id) parts.push(filters.unit_id.replace(/[^A-Za-z0-9-]/g, '_'));
  if (filters.indicator) parts.push(filters.indicator);
  if (filters.from) parts.push(`from-${filters.from}`);
  if (filters.to) parts.push(`to-${filters.to}`);
  return `${parts.join('_')}.${format}`;
}

/**
 * CSV or Arrow as it comes: DuckDB streams the result chunk by chunk and each chunk is encoded
 * and yielded at once, so memory stays one chunk whatever the export's size. The consumer's
 * pace drives the fetching (a Readable over this generator pulls only when drained).
 */
export async function* exportStream(
  db: Database,
  kind: ExportKind,
  filters: ExportFilters,
  format: 'csv' | 'arrow',
  onRows: (count: number) => void = () => undefined,
): AsyncGenerator<Uint8Array> {
  const { sql, params } = exportQuery(kind, filters);
  const result = await db.connection.stream(sql, params);
  const columns: Column[] = result.columnNames().map((name, i) => ({
    name,
    type: result.columnType(i),
  }));
  if (format === 'csv') {
    yield Buffer.from(csvHeader(columns));
    for (
      let chunk = await result.fetchChunk();
      chunk && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      onRows(chunk.rowCount);
      yield Buffer.from(csvRows(batchOf(chunk), columns));
    }
    return;
  }
  const schema = arrowSchema(columns);
  const arrow = new ArrowStreamEncoder(schema);
  yield arrow.start();
  for (
    let chunk = await result.fetchChunk();
    chunk && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    onRows(chunk.rowCount);
    yield arrow.batch(arrowBatch(schema, batchOf(chunk), columns));
  }
  yield arrow.end();
}

/**
 * Parquet's footer (schema, row groups, statistics) is written after the last row and readers
 * start from it, so a Parquet file cannot be streamed as it is produced: DuckDB writes the whole
 * file (bound values, path bound too), and the caller streams it from disk.
 */
export async function exportParquet(
  db: Database,
  kind: ExportKind,
  filters: ExportFilters,
  path: string,
): Promise<number> {
  const { sql, params } = exportQuery(kind, filters);
  const copied = await db.scalar<bigint>(
    `copy (${sql}) to $path (format parquet, compression zstd)`,
    { ...params, path },
  );
  return Number(copied);
}

/** A temporary directory for one Parquet export; `remove` deletes it and the file. */
export function parquetTempFile(): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'chitieu-export-'));
  return {
    path: join(dir, 'export.parquet'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
