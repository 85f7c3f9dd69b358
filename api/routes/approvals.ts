// POST /api/approvals {unit, period}: an admin, or the planner of a province for its province,
// approves a period for a unit subtree; later revisions of the figures it covers are refused for
// reporters and flagged for admins (pipelines/load/approval.ts). GET /api/approvals lists them.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { formatPeriod, periodEnd } from '../../pipelines/normalize/periods.ts';
import { approvalRefusal, approve, listApprovals } from '../../indicators/approvals.ts';
import { HttpError } from '../errors.ts';
import { tokenUnit, type Principal } from '../plugins/auth.ts';
import { errors, periodParam, unitParam } from '../schemas/common.ts';
import { today } from '../services/common.ts';

const approvalSchema = z.object({
  approval_id: z.string(),
  unit_id: z.string(),
  unit_code: z.string().nullable(),
  period: z.string(),
  approved_by: z.string(),
  approved_at: z.string(),
  note: z.string().nullable(),
});

const approvalBody = z.object({
  unit: unitParam,
  period: periodParam(),
  note: z.string().max(500).optional(),
});

/** Who approves, as recorded: the login of a session, the token otherwise. */
export const approverName = (p: Principal) =>
  p.source === 'session' ? p.label : `token:${p.token_id} (${p.label})`;

const route: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/approvals',
    {
      schema: {
        tags: ['data'],
        summary: 'Approved periods, newest first',
        response: { 200: z.object({ approvals: z.array(approvalSchema) }), ...errors },
      },
    },
    async () => ({ approvals: await fastify.warehouse.read((db) => listApprovals(db)) }),
  );

  fastify.post(
    '/api/approvals',
    {
      config: { access: 'plan', action: 'approval' },
      schema: {
        tags: ['data'],
        summary: 'Approve a period for a unit and the units under it (admin, province planner)',
        description:
          "Locks the period's figures of the unit and every unit under it: a later revision is " +
          'refused for a reporter (422, rule approved_period, naming the approval) and, loaded by ' +
          'an admin, flagged. Approving again what is approved changes nothing (200).',
        security: [{ bearer: [] }],
        body: approvalBody,
        response: { 201: approvalSchema, 200: approvalSchema, ...errors },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const { period, note } = request.body;
      const index = await fastify.warehouse.units();
      const unit = findUnit(index, request.body.unit, periodEnd(period));
      const own = principal.role === 'planner' ? tokenUnit(index, principal, today()) : null;
      const refusal = approvalRefusal(
        index,
        { role: principal.role, unit: own, name: approverName(principal) },
        unit,
      );
      if (refusal) {
        await fastify.audit(request, {
          action: 'approval',
          status: 403,
          detail: { unit: unit.unit_id, period: formatPeriod(period) },
        });
        throw new HttpError(403, 'OUT_OF_SCOPE', `${refusal.en} / ${refusal.vi}`);
      }
      const { approval, created } = await fastify.warehouse.write((db) =>
        approve(db, unit, period, approverName(principal), note ?? null),
      );
      await fastify.audit(request, {
        action: 'approval',
        status: created ? 201 : 200,
        detail: { approval_id: approval.approval_id, unit: unit.unit_id, period: approval.period },
      });
      return reply.code(created ? 201 : 200).send(approval);
    },
  );
};

export default route;
