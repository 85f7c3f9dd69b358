// GET /api/quality: data-quality findings with counts by rule.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { periodEnd } from '../../pipelines/normalize/periods.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { errors } from '../schemas/common.ts';
import { qualityQuery, qualityResponse, type QualityQuery } from '../schemas/quality.ts';
import { qualityFindings } from '../services/quality.ts';
import { today } from '../services/common.ts';
import { cachedRead } from './cached.ts';

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
    cachedRead(fastify, (db, units, query: QualityQuery) =>
      qualityFindings(db, {
        ...query,
        unit: query.unit
          ? findUnit(units, query.unit, query.period ? periodEnd(query.period) : today())
          : undefined,
      }),
    ),
  );
};

export default route;
