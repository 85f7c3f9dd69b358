// `chitieu serve`: the HTTP API (and dashboards) on one database file, which the server then
// owns: uploads go through POST /api/ingest, analysts query through POST /api/sql or a snapshot.
import { parseArgs } from 'node:util';
import { Database } from '../../pipelines/db/connect.ts';
import { readConfig, type ServerConfig } from '../../api/config.ts';
import { startServer } from '../server.ts';
import { initialise } from './init.ts';
import { usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.serve;

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
