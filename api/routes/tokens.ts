// /api/tokens: what `chitieu token` does, for an admin over HTTP — list (no secrets), create (the
// token is in the answer, once), revoke. Every call is audited (access 'admin').
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { badRequest, notFound } from '../errors.ts';
import { findUnit, LookupError } from '../../pipelines/normalize/lookup.ts';
import { LABEL, listed, ROLES, SCOPED_ROLES } from '../tokens.ts';
import { errors } from '../schemas/common.ts';
import { today } from '../services/common.ts';

const listedSchema = z.object({
  id: z.string().describe('public part of the token, names it in logs and the audit'),
  role: z.enum(ROLES),
  unit: z.string().nullable().describe("a reporter's or planner's unit id (or code, as given)"),
  label: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});

const createBody = z
  .object({
    role: z.enum(ROLES),
    unit: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe(
        'required for a reporter or a planner (a GSO code read today, a unit id, or VN); refused otherwise',
      ),
    label: z.string().regex(LABEL, 'one line of 1 to 200 characters').optional(),
  })
  .strict();

const tokens: FastifyPluginAsyncZod = async (fastify) => {
  const admin = { access: 'admin' as const };
  const security = [{ bearer: [] }];

  fastify.get(
    '/api/tokens',
    {
      config: { ...admin, action: 'token.list' },
      schema: {
        tags: ['admin'],
        summary: 'Every token, without its secret',
        security,
        response: { 200: z.object({ tokens: z.array(listedSchema) }), ...errors },
      },
    },
    async (request) => {
      const all = fastify.tokens.list().map(listed);
      await fastify.audit(request, { action: 'token.list', status: 200 });
      return { tokens: all };
    },
  );

  fastify.post(
    '/api/tokens',
    {
      config: { ...admin, action: 'token.create' },
      schema: {
        tags: ['admin'],
        summary: 'Create a token (shown once, in this answer)',
        security,
        body: createBody,
        response: {
          201: listedSchema.extend({ token: z.string().describe('the token: keep it secret') }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { role, unit, label } = request.body;
      const scoped = SCOPED_ROLES.includes(role);
      if (scoped && !unit) {
        throw badRequest('INVALID_REQUEST', `a ${role} token needs a unit`);
      }
      if (!scoped && unit) {
        throw badRequest(
          'INVALID_REQUEST',
          `unit applies to reporter and planner tokens only, not ${role}`,
        );
      }
      let scope: string | null = null;
      if (unit) {
        try {
          // the id, not the code: a code may name another unit after a reform
          scope = findUnit(await fastify.warehouse.units(), unit, today()).unit_id;
        } catch (error) {
          if (!(error instanceof LookupError)) throw error;
          throw badRequest(error.code, `invalid unit: ${error.message}`);
        }
      }
      const { token, stored } = fastify.tokens.create(
        role,
        scope,
        label ?? (scope ? `${role} ${scope}` : role),
        new Date(),
        scope,
      );
      await fastify.audit(request, {
        action: 'token.create',
        status: 201,
        detail: { id: stored.id, role, unit: scope, label: stored.label },
      });
      // the one copy of the secret: never kept by a cache on the way
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...listed(stored), token });
    },
  );

  fastify.delete(
    '/api/tokens/:id',
    {
      config: { ...admin, action: 'token.revoke' },
      schema: {
        tags: ['admin'],
        summary: 'Revoke a token: refused from the next request on',
        security,
        params: z.object({ id: z.string().regex(/^[0-9a-f]{12}$/, '12 hex digits') }),
        response: { 200: listedSchema, ...errors },
      },
    },
    async (request) => {
      const revoked = fastify.tokens.revoke(request.params.id);
      if (!revoked) throw notFound('UNKNOWN_TOKEN', `no token has ID ${request.params.id}`);
      await fastify.audit(request, {
        action: 'token.revoke',
        status: 200,
        detail: { id: revoked.id, role: revoked.role, label: revoked.label },
      });
      return listed(revoked);
    },
  );
};

export default tokens;
