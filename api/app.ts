// The API as a Fastify plugin: services first (warehouse, cache, auth, limits), then the routes.
// cli/server.ts adds the dashboards' pages and listens; tests register this on a bare instance
// and use app.inject.
import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import errors from './plugins/errors.ts';
import security from './plugins/security.ts';
import warehouse from './plugins/warehouse.ts';
import cache from './plugins/cache.ts';
import auth from './plugins/auth.ts';
import session from './plugins/session.ts';
import audit from './plugins/audit.ts';
import signIn from './plugins/signin.ts';
import limits from './plugins/limits.ts';
import openapi from './plugins/openapi.ts';
import routes from './routes/index.ts';
import type { ServerConfig } from './config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: ServerConfig;
  }
}

export interface AppOptions {
  config: ServerConfig;
}

export default async function app(fastify: FastifyInstance, { config }: AppOptions) {
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  fastify.decorate('config', config);
  await fastify.register(errors);
  await fastify.register(security, { corsOrigins: config.corsOrigins });
  await fastify.register(warehouse, { dbPath: config.dbPath });
  await fastify.register(cache);
  // before auth: a signed-in session is a principal as a token is
  await fastify.register(session);
  await fastify.register(auth, {
    tokensPath: config.tokensPath,
    openReads: config.openReads,
    failuresPerMinute: config.authFailuresPerMinute,
  });
  await fastify.register(audit);
  await fastify.register(signIn);
  await fastify.register(limits, {
    exportConcurrency: config.exportConcurrency,
    exportQueue: config.exportQueue,
  });
  await fastify.register(openapi);
  await fastify.register(routes);
}
