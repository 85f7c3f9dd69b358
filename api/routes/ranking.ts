// GET /api/ranking: a unit's children compared on one indicator in one period.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { periodEnd } from '../../pipelines/normalize/periods.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { errors } from '../schemas/common.ts';
import { rankingQuery, rankingResponse, type RankingQuery } from '../schemas/ranking.ts';
import { ranking } from '../services/ranking.ts';
import { cachedRead } from './cached.ts';

const route: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/ranking',
    {
      schema: {
        tags: ['figures'],
        summary: 'A unit’s children ranked on one indicator',
        description:
          'Children in existence at the period’s end, best first by the indicator’s direction; children without a figure are listed last with nulls. Each has its binding target due nearest on or after the period end (else the latest).',
        querystring: rankingQuery,
        response: { 200: rankingResponse, ...errors },
      },
    },
    cachedRead(fastify, (db, units, query: RankingQuery) =>
      ranking(db, { ...query, unit: findUnit(units, query.unit, periodEnd(query.period)) }),
    ),
  );
};

export default route;
