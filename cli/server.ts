// The server the CLI starts: the API (api/app.ts) and the dashboards' pages on one Fastify
// instance, then listening; closes cleanly on SIGINT/SIGTERM (in-flight requests finish, queued
// writes complete, the database file is closed), within CHITIEU_SHUTDOWN_MS: then the connections
// still open are cut. The two are composed here, above both layers:
// the dashboards use the API's services, and the API knows nothing of the pages.
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import api from '../api/app.ts';
import pages from '../dashboards/plugin.ts';
import type { ServerConfig } from '../api/config.ts';

export async function buildServer(config: ServerConfig, logger: boolean | object = true) {
  const fastify = Fastify({
    logger: logger === true ? { level: config.logLevel } : logger,
    bodyLimit: config.bodyLimit,
    // the server answers loopback by default; behind a proxy set CHITIEU_HOST and a proxy's headers
    trustProxy: false,
    return503OnClosing: true,
  });
  // fp: the app's decorators (warehouse, tokens, responses) stay visible on the root instance
  await fastify.register(fp(api), { config });
  await fastify.register(pages);
  await fastify.ready();
  return fastify;
}

/**
 * Closes the server: it stops accepting, requests in flight get `deadlineMs` to finish, then the
 * connections still open are cut (a slow download or upload would otherwise keep the process up
 * for as long as its client likes); then queued writes complete and the database is closed.
 */
export async function closeWithin(
  server: FastifyInstance,
  deadlineMs: number,
): Promise<'clean' | 'forced'> {
  let outcome: 'clean' | 'forced' = 'clean';
  const deadline = setTimeout(() => {
    outcome = 'forced';
    server.log.warn({ deadlineMs }, 'shutdown deadline passed: closing the connections still open');
    server.server.closeAllConnections();
  }, deadlineMs);
  try {
    await server.close();
  } finally {
    clearTimeout(deadline);
  }
  return outcome;
}

/** After the deadline and the cut, how long the close may still take before the process exits. */
const LAST_GRACE_MS = 5_000;

export async function startServer(
  config: ServerConfig,
): Promise<{ server: FastifyInstance; url: string }> {
  const server = await buildServer(config);
  const url = await server.listen({ host: config.host, port: config.port });
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    server.log.info({ signal, deadlineMs: config.shutdownMs }, 'shutting down');
    // the last resort: a write still running (a long upload's transaction) is rolled back by
    // DuckDB at the next open, as after a crash
    setTimeout(() => {
      server.log.error('shutdown did not finish: exiting with the database still open');
      process.exit(1);
    }, config.shutdownMs + LAST_GRACE_MS).unref();
    closeWithin(server, config.shutdownMs).then(
      (outcome) => {
        server.log.info({ outcome }, 'stopped');
        process.exit(0);
      },
      (error) => {
        server.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return { server, url };
}
