// The server the CLI starts: the API (api/app.ts) and the dashboards' pages on one Fastify
// instance, then listening; closes cleanly on SIGINT/SIGTERM (in-flight requests finish, queued
// writes complete, the database file is closed). The two are composed here, above both layers:
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

export async function startServer(
  config: ServerConfig,
): Promise<{ server: FastifyInstance; url: string }> {
  const server = await buildServer(config);
  const url = await server.listen({ host: config.host, port: config.port });
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    server.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
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
