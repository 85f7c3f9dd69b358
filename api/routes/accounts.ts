// /api/accounts: what `chitieu user` does, for an admin over HTTP while the server holds the
// database (the CLI cannot open it then) — list, add (a one-time password in the answer, once),
// disable (every session of the account ends at once). Every call is audited (access 'admin').
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { badRequest, notFound } from '../errors.ts';
import { LookupError } from '../../pipelines/normalize/lookup.ts';
import { AccountError, addAccount, disableAccount, listAccounts } from '../accounts.ts';
import { ROLES } from '../tokens.ts';
import { errors } from '../schemas/common.ts';
import { today } from '../services/common.ts';

const accountSchema = z.object({
  login: z.string(),
  role: z.enum(ROLES),
  unit_id: z.string().nullable().describe("a reporter's or planner's unit, by id"),
  must_change: z.boolean().describe('signed in with a one-time password not yet changed'),
  created_at: z.string(),
  password_changed_at: z.string().nullable(),
  disabled_at: z.string().nullable(),
});

const accounts: FastifyPluginAsyncZod = async (fastify) => {
  const security = [{ bearer: [] }];

  fastify.get(
    '/api/accounts',
    {
      config: { access: 'admin', action: 'account.list' },
      schema: {
        tags: ['admin'],
        summary: 'Every browser account, without its password',
        security,
        response: { 200: z.object({ accounts: z.array(accountSchema) }), ...errors },
      },
    },
    async (request) => {
      const all = await fastify.warehouse.read(listAccounts);
      await fastify.audit(request, { action: 'account.list', status: 200 });
      return { accounts: all };
    },
  );

  fastify.post(
    '/api/accounts',
    {
      config: { access: 'admin', action: 'account.add' },
      schema: {
        tags: ['admin'],
        summary: 'Add an account; its one-time password is in this answer only',
        security,
        body: z
          .object({
            login: z.string().min(1).max(64),
            role: z.enum(ROLES),
            unit: z.string().min(1).max(64).optional().describe('reporter and planner only'),
          })
          .strict(),
        response: {
          201: accountSchema.extend({
            one_time_password: z.string().describe('changed by its holder at first sign-in'),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const index = await fastify.warehouse.units();
      const { account, oneTime } = await fastify.warehouse
        .write((db) => addAccount(db, index, { ...request.body, password: null }, today()))
        .catch((error: unknown) => {
          if (error instanceof AccountError) throw badRequest(error.code, error.message);
          if (error instanceof LookupError) throw badRequest(error.code, error.message);
          throw error;
        });
      await fastify.audit(request, {
        action: 'account.add',
        status: 201,
        detail: { login: account.login, role: account.role, unit: account.unit_id },
      });
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...account, one_time_password: oneTime! });
    },
  );

  fastify.post(
    '/api/accounts/:login/disable',
    {
      config: { access: 'admin', action: 'account.disable' },
      schema: {
        tags: ['admin'],
        summary: 'Disable an account: its sessions end now, it signs in no more',
        security,
        params: z.object({ login: z.string().min(1).max(64) }),
        response: { 200: accountSchema, ...errors },
      },
    },
    async (request) => {
      const { login } = request.params;
      const account = await fastify.warehouse.write((db) => disableAccount(db, login));
      if (!account) throw notFound('UNKNOWN_ACCOUNT', `no account is named ${login}`);
      const ended = fastify.sessions.endLogin(login);
      await fastify.audit(request, {
        action: 'account.disable',
        status: 200,
        detail: { login, sessions_ended: ended },
      });
      return account;
    },
  );
};

export default accounts;
