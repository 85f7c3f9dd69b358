// GET /api/series: one indicator of one unit over time, with targets, expected paths and projections.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { periodEnd } from '../../pipelines/normalize/periods.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { errors } from '../schemas/common.ts';
import { seriesQuery, seriesResponse, type SeriesQuery } from '../schemas/series.ts';
import { series } from '../services/series.ts';
import { today } from '../services/common.ts';
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
    cachedRead(fastify, (db, units, query: SeriesQuery) =>
      series(db, {
        ...query,
        unit: findUnit(units, query.unit, query.to ? periodEnd(query.to) : today()),
      }),
    ),
  );
};

export default route;
