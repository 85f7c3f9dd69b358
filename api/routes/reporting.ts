// GET /api/reporting: who reported each month and when, as a unit × month grid.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../schemas/common.ts';
import { reportingQuery, reportingResponse } from '../schemas/reporting.ts';
import { reportingGrid } from '../services/reporting.ts';
import { cachedRead } from './cached.ts';

const route: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/reporting',
    {
      schema: {
        tags: ['reporting'],
        summary: 'Monthly reporting timeliness as a unit × month grid',
        description:
          'The unit’s own reporting duties and its children’s, each month on_time, late, missing or pending, from the plan’s due day.',
        querystring: reportingQuery,
        response: { 200: reportingResponse, ...errors },
      },
    },
    cachedRead(fastify, reportingGrid),
  );
};

export default route;
