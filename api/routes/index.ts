// Every route plugin, registered in one place (each is encapsulated: its schemas live beside it).
import type { FastifyInstance } from 'fastify';
import health from './health.ts';

export default async function routes(fastify: FastifyInstance) {
  await fastify.register(health);
}
