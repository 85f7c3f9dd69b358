// Every route plugin, registered in one place (each is encapsulated: its schemas live beside it).
import type { FastifyInstance } from 'fastify';
import health from './health.ts';
import sql from './sql.ts';
import exportRoutes from './export.ts';
import ingest from './ingest.ts';
import tokens from './tokens.ts';

export default async function routes(fastify: FastifyInstance) {
  await fastify.register(health);
  await fastify.register(sql);
  await fastify.register(exportRoutes);
  await fastify.register(ingest);
  await fastify.register(tokens);
  await fastify.register(import('./accounts.ts'));
  await fastify.register(import('./units.ts'));
  await fastify.register(import('./indicators.ts'));
  await fastify.register(import('./plans.ts'));
  await fastify.register(import('./scorecard.ts'));
  await fastify.register(import('./series.ts'));
  await fastify.register(import('./ranking.ts'));
  await fastify.register(import('./tasks.ts'));
  await fastify.register(import('./procedures.ts'));
  await fastify.register(import('./reporting.ts'));
  await fastify.register(import('./quality.ts'));
  await fastify.register(import('./template.ts'));
  await fastify.register(import('./approvals.ts'));
}
