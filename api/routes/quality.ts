// GET /api/quality: data-quality findings with counts by rule.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../schemas/common.ts';
import { qualityQuery, qualityResponse } from '../schemas/quality.ts';
import { qualityFindings } from '../services/quality.ts';
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
    cachedRead(fastify, qualityFindings),
  );
};

export default route;
