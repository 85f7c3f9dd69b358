// GET /api/plans and /api/plans/:plan_id: the encoded plans, one plan with all it contains.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../schemas/common.ts';
import { planParams, planResponse, plansResponse } from '../schemas/plans.ts';
import { listPlans, planDetail } from '../services/plans.ts';

const plans: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/plans',
    {
      schema: {
        tags: ['plans'],
        summary: 'Plans, with how many targets, tasks, procedures and notes each holds',
        response: { 200: plansResponse, ...errors },
      },
    },
    async (request, reply) =>
      fastify.responses.send(request, reply, () => fastify.warehouse.read((db) => listPlans(db))),
  );

  fastify.get(
    '/api/plans/:plan_id',
    {
      schema: {
        tags: ['plans'],
        summary: 'One plan: targets, tasks, procedures, notes and lineage',
        description: 'Notes record the document’s inconsistencies, never fixed silently.',
        params: planParams,
        response: { 200: planResponse, ...errors },
      },
    },
    async (request, reply) =>
      fastify.responses.send(request, reply, () =>
        fastify.warehouse.read((db) => planDetail(db, undefined, request.params)),
      ),
  );
};

export default plans;
