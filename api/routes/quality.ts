// GET /api/quality: data-quality findings with counts by rule.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../schemas/common.ts';
import { qualityQuery, qualityResponse } from '../schemas/quality.ts';
import { qualityFindings } from '../services/quality.ts';

const route: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/quality',
    {
      schema: {
        tags: ['quality'],
        summary: 'Data-quality findings',
        description:
          'Warnings that loaded with a batch and rules the engine checks, newest first, with counts by rule and severity.',
        querystring: qualityQuery,
        response: { 200: qualityResponse, ...errors },
      },
    },
    async (request, reply) => {
      const index = await fastify.warehouse.units();
      return fastify.responses.send(request, reply, () =>
        fastify.warehouse.read((db) => qualityFindings(db, index, request.query)),
      );
    },
  );
};

export default route;
