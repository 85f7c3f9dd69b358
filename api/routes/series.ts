// GET /api/series: one indicator of one unit over time, with targets, expected paths and projections.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../schemas/common.ts';
import { seriesQuery, seriesResponse } from '../schemas/series.ts';
import { series } from '../services/series.ts';
import { cachedRead } from './cached.ts';

const route: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/series',
    {
      schema: {
        tags: ['figures'],
        summary: 'One indicator of one unit over time',
        description:
          'Points at a grain (month, quarter, year); a unit created on 1/7/2025 has points before it existed rebuilt from its predecessors (reconstructed: true). With each binding target, its expected path and its latest projection.',
        querystring: seriesQuery,
        response: { 200: seriesResponse, ...errors },
      },
    },
    cachedRead(fastify, series),
  );
};

export default route;
