// The server's settings, read once from the environment and the command line into a strict type.
import { dirname, resolve } from 'node:path';
import { databasePath } from '../pipelines/db/connect.ts';

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
  /** POST /api/sql: time limit per query, ms, and most rows returned */
  sqlTimeoutMs: number;
  sqlRowLimit: number;
  /** hashed tokens, a JSON file beside the database so `chitieu token create` works while the server runs */
  tokensPath: string;
  /** failed authentications allowed per client address per minute before 429 */
  authFailuresPerMinute: number;
  logLevel: string;
}

const bool = (text: string | undefined, fallback: boolean) =>
  text === undefined ? fallback : !/^(0|false|no|off)$/i.test(text.trim());

const int = (name: string, text: string | undefined, fallback: number) => {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`invalid ${name}: ${text}`);
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
    sqlTimeoutMs: int('CHITIEU_SQL_TIMEOUT_MS', env.CHITIEU_SQL_TIMEOUT_MS, 10_000),
    sqlRowLimit: int('CHITIEU_SQL_ROW_LIMIT', env.CHITIEU_SQL_ROW_LIMIT, 10_000),
    tokensPath: tokensPath(env),
    authFailuresPerMinute: int('CHITIEU_AUTH_FAILURES', env.CHITIEU_AUTH_FAILURES, 10),
    logLevel: env.CHITIEU_LOG_LEVEL ?? 'info',
    ...overrides,
  };
}
