// GET /api/health: is the server up, which data does it serve.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const healthSchema = z.object({
  status: z.literal('ok'),
  version: z.string().describe('data version; ETags carry it'),
  data_as_of: z.string().nullable().describe('when the last batch of figures was loaded'),
  computed_at: z.string().nullable().describe('when the indicators were last computed'),
  synthetic: z.boolean().describe('the figures are the synthetic demo dataset'),
});

const health: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/health',
    {
      schema: {
        tags: ['meta'],
        summary: 'Server and data status',
        response: { 200: healthSchema },
      },
    },
    async () => ({ status: 'ok' as const, ...fastify.warehouse.meta }),
  );
};

export default health;
