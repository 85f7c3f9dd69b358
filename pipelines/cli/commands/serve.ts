// `chitieu serve`: the HTTP API (and dashboards) on one database file, which the server then
// owns: uploads go through POST /api/ingest, analysts query through POST /api/sql or a snapshot.
import { parseArgs } from 'node:util';
import { Database } from '../../db/connect.ts';
import { readConfig, type ServerConfig } from '../../../api/config.ts';
import { startServer } from '../../../api/server.ts';
import { initialise } from './init.ts';
import { usageError } from '../errors.ts';
import type { Io } from '../io.ts';

export const help = `chitieu serve — the API and dashboards over HTTP

Usage: chitieu serve [--port N] [--host H]

  --port N   default 3000 (env CHITIEU_PORT)
  --host H   default 127.0.0.1 (env CHITIEU_HOST); 0.0.0.0 to answer other machines

Migrates the database first (like \`chitieu init\`), then serves until SIGINT/SIGTERM, logging
one JSON line per request. While it runs it owns the database file: load files with
POST /api/ingest (a reporter's or admin's token) and query with POST /api/sql.
Settings from the environment: CHITIEU_OPEN_READS (default 1: reads need no token),
CHITIEU_CORS_ORIGINS (comma-separated; default none), CHITIEU_BODY_LIMIT (bytes, default 64 MiB),
CHITIEU_SQL_TIMEOUT_MS (10000), CHITIEU_SQL_ROW_LIMIT (10000), CHITIEU_TOKENS (token file,
default tokens.json beside the database), CHITIEU_LOG_LEVEL (info).`;

export function serveConfig(args: string[], env: NodeJS.ProcessEnv): ServerConfig {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' } },
  });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw usageError(`invalid --port: ${values.port}`);
  }
  try {
    return readConfig(env, {
      ...(port === undefined ? {} : { port }),
      ...(values.host ? { host: values.host } : {}),
    });
  } catch (error) {
    throw usageError(String((error as Error).message));
  }
}

/** Serves on an initialised database; resolves once listening (the process stays up). */
export async function serve(config: ServerConfig, io: Io): Promise<void> {
  const db = await Database.open(config.dbPath);
  try {
    await initialise(db);
  } finally {
    db.close();
  }
  const { url } = await startServer(config);
  io.out(`chitieu is serving ${config.dbPath} on ${url}  (Ctrl+C stops it)`);
}

export async function run(args: string[], io: Io): Promise<number> {
  await serve(serveConfig(args, io.env), io);
  return 0;
}
