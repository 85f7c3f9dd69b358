// Builds the Fastify instance around app.ts and listens; closes cleanly on SIGINT/SIGTERM
// (in-flight requests finish, queued writes complete, the database file is closed).
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import app from './app.ts';
import type { ServerConfig } from './config.ts';

export async function buildServer(config: ServerConfig, logger: boolean | object = true) {
  const fastify = Fastify({
    logger: logger === true ? { level: config.logLevel } : logger,
    bodyLimit: config.bodyLimit,
    // the server answers loopback by default; behind a proxy set CHITIEU_HOST and a proxy's headers
    trustProxy: false,
    return503OnClosing: true,
  });
  // fp: the app's decorators (warehouse, tokens, responses) stay visible on the root instance
  await fastify.register(fp(app), { config });
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
