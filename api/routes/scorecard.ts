// GET /api/scorecard: a unit's every indicator for a period with its binding targets (DESIGN.md §5).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { periodEnd } from '../../pipelines/normalize/periods.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { errors } from '../schemas/common.ts';
import { scorecardQuery, scorecardResponse, type ScorecardQuery } from '../schemas/scorecard.ts';
import { unitScorecard } from '../services/scorecard.ts';
import { cachedRead } from './cached.ts';

const route: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/scorecard',
    {
      schema: {
        tags: ['figures'],
        summary: 'A unit’s indicators and binding targets for a period',
        description:
          'Every indicator of the catalogue with its actual (null when there is none), the actual of the previous period of the same grain, and each binding target with its status and every input of the verdict. A code is read at the period’s end (91 in 2024 is Kiên Giang, in 2026 An Giang).',
        querystring: scorecardQuery,
        response: { 200: scorecardResponse, ...errors },
      },
    },
    cachedRead(fastify, (db, units, query: ScorecardQuery) =>
      unitScorecard(db, {
        unit: findUnit(units, query.unit, periodEnd(query.period)),
        period: query.period,
      }),
    ),
  );
};

export default route;
