// GET /api/procedures: essential procedures of the plans with counts per status.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../schemas/common.ts';
import { proceduresQuery, proceduresResponse } from '../schemas/procedures.ts';
import { listProcedures } from '../services/procedures.ts';
import { cachedRead } from './cached.ts';

const route: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/procedures',
    {
      schema: {
        tags: ['plans'],
        summary: 'Essential procedures (TTHC thiết yếu) of the plans',
        description: 'With counts per status and per online level.',
        querystring: proceduresQuery,
        response: { 200: proceduresResponse, ...errors },
      },
    },
    cachedRead(fastify, listProcedures),
  );
};

export default route;
