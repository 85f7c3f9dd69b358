// GET /api/indicators: the indicator and metric catalogue.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../schemas/common.ts';
import { indicatorsResponse } from '../schemas/indicators.ts';
import { catalogue } from '../services/indicators.ts';

const indicators: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/indicators',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Indicators and the metrics they are computed from',
        response: { 200: indicatorsResponse, ...errors },
      },
    },
    async (request, reply) =>
      fastify.responses.send(request, reply, () => fastify.warehouse.read((db) => catalogue(db))),
  );
};

export default indicators;
