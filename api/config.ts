// The server's settings, read once from the environment and the command line into a strict type.
import { dirname, resolve } from 'node:path';
import { databasePath } from '../pipelines/db/connect.ts';
import { fixedToday } from '../pipelines/normalize/calendar.ts';

export interface ServerConfig {
  /** the DuckDB file the server owns while it runs */
  dbPath: string;
  host: string;
  port: number;
  /** reads (dashboards, public figures, exports) without a token; writes and SQL never */
  openReads: boolean;
  /** allowed origins for CORS; empty keeps CORS off */
  corsOrigins: string[];
  /** largest request body, bytes (uploads); larger gets 413 */
  bodyLimit: number;
  /**
   * most lines (rows) a delimited-text upload may hold, counted as it arrives: a reporter sends one
   * unit's figures (the whole demo province's month is ~20,000), an admin whole provinces; beyond
   * them 413 before anything is read. Workbooks and JSON have their own limits in the readers
   * (CHITIEU_XLSX_MAX_INFLATED, CHITIEU_XLSX_MAX_CELLS, CHITIEU_XLSX_MAX_ROWS, CHITIEU_JSON_MAX_DEPTH).
   */
  uploadMaxRows: number;
  reporterUploadMaxRows: number;
  /** ms an upload's body may stall before its connection is cut (a client gone silent) */
  uploadIdleMs: number;
  /** POST /api/sql: time limit per query, ms, and most rows returned */
  sqlTimeoutMs: number;
  sqlRowLimit: number;
  /** hashed tokens, a JSON file beside the database so `chitieu token create` works while the server runs */
  tokensPath: string;
  /**
   * failed authentications (a bad token, a write without one) allowed per client address per
   * minute; the next get 429, while a valid token from the same address still passes
   */
  authFailuresPerMinute: number;
  /** exports (GET /api/export/…) running at once, and waiting beyond them; then 503 */
  exportConcurrency: number;
  exportQueue: number;
  /** PDFs (/pack.pdf) printed at once, each a Chromium, and waiting beyond them; then 503 */
  pdfConcurrency: number;
  pdfQueue: number;
  /** on SIGTERM/SIGINT, ms to let requests in flight finish before their connections are cut */
  shutdownMs: number;
  logLevel: string;
}

const bool = (text: string | undefined, fallback: boolean) =>
  text === undefined ? fallback : !/^(0|false|no|off)$/i.test(text.trim());

const int = (name: string, text: string | undefined, fallback: number, min = 0) => {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`invalid ${name}: ${text}`);
  return n;
};

export function tokensPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHITIEU_TOKENS
    ? resolve(env.CHITIEU_TOKENS)
    : resolve(dirname(databasePath(env)), 'tokens.json');
}

export function readConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<ServerConfig> = {},
): ServerConfig {
  // pages read today on each request: a mistyped CHITIEU_TODAY stops the server at its start
  fixedToday(env);
  return {
    dbPath: databasePath(env),
    host: env.CHITIEU_HOST ?? '127.0.0.1',
    port: int('CHITIEU_PORT', env.CHITIEU_PORT, 3000),
    openReads: bool(env.CHITIEU_OPEN_READS, true),
    corsOrigins: (env.CHITIEU_CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    bodyLimit: int('CHITIEU_BODY_LIMIT', env.CHITIEU_BODY_LIMIT, 64 * 1024 * 1024),
    uploadMaxRows: int('CHITIEU_UPLOAD_MAX_ROWS', env.CHITIEU_UPLOAD_MAX_ROWS, 1_000_000, 1),
    reporterUploadMaxRows: int(
      'CHITIEU_REPORTER_UPLOAD_MAX_ROWS',
      env.CHITIEU_REPORTER_UPLOAD_MAX_ROWS,
      200_000,
      1,
    ),
    uploadIdleMs: int('CHITIEU_UPLOAD_IDLE_MS', env.CHITIEU_UPLOAD_IDLE_MS, 30_000, 1),
    sqlTimeoutMs: int('CHITIEU_SQL_TIMEOUT_MS', env.CHITIEU_SQL_TIMEOUT_MS, 10_000),
    sqlRowLimit: int('CHITIEU_SQL_ROW_LIMIT', env.CHITIEU_SQL_ROW_LIMIT, 10_000),
    tokensPath: tokensPath(env),
    authFailuresPerMinute: int('CHITIEU_AUTH_FAILURES', env.CHITIEU_AUTH_FAILURES, 10),
    // two cores and a 400MB DuckDB budget: two exports stream at once, a few more wait
    exportConcurrency: int('CHITIEU_EXPORT_CONCURRENCY', env.CHITIEU_EXPORT_CONCURRENCY, 2, 1),
    exportQueue: int('CHITIEU_EXPORT_QUEUE', env.CHITIEU_EXPORT_QUEUE, 8),
    // a Chromium takes ~150MB and a core while it prints
    pdfConcurrency: int('CHITIEU_PDF_CONCURRENCY', env.CHITIEU_PDF_CONCURRENCY, 1, 1),
    pdfQueue: int('CHITIEU_PDF_QUEUE', env.CHITIEU_PDF_QUEUE, 2),
    shutdownMs: int('CHITIEU_SHUTDOWN_MS', env.CHITIEU_SHUTDOWN_MS, 10_000),
    logLevel: env.CHITIEU_LOG_LEVEL ?? 'info',
    ...overrides,
  };
}
