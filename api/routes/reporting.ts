// GET /api/reporting: who reported each month and when, as a unit × month grid.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { periodEnd } from '../../pipelines/normalize/periods.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { errors } from '../schemas/common.ts';
import { reportingQuery, reportingResponse, type ReportingQuery } from '../schemas/reporting.ts';
import { reportingGrid } from '../services/reporting.ts';
import { today } from '../services/common.ts';
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
    cachedRead(fastify, (db, units, query: ReportingQuery) =>
      reportingGrid(db, {
        ...query,
        unit: findUnit(units, query.unit, query.to ? periodEnd(query.to) : today()),
      }),
    ),
  );
};

export default route;
