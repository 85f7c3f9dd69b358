// POST /api/approvals {unit, period}: an admin, or the planner of a province for its province,
// approves a period for a unit subtree; later revisions of the figures it covers are refused for
// reporters and flagged for admins (pipelines/load/approval.ts). GET /api/approvals lists them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { formatPeriod, periodEnd, type Period } from '../../pipelines/normalize/periods.ts';
import type { Unit } from '../../pipelines/normalize/units.ts';
import {
  approvalRefusal,
  approve,
  listApprovals,
  type Approval,
} from '../../indicators/approvals.ts';
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

/**
 * Approves `period` for `unit` as the request's principal, by the rule of approvalRefusal: a
 * refusal is audited and thrown (403 OUT_OF_SCOPE, in `lang`, else both languages), an approval
 * audited and answered. POST /api/approvals and the pack's form (POST /pack/approve) share it.
 */
export async function approveAsked(
  fastify: FastifyInstance,
  request: FastifyRequest,
  unit: Unit,
  period: Period,
  note: string | null,
  lang?: 'vi' | 'en',
): Promise<{ approval: Approval; created: boolean }> {
  const principal = request.principal!;
  const index = await fastify.warehouse.units();
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
    const message = lang ? refusal[lang] : `${refusal.en} / ${refusal.vi}`;
    throw new HttpError(403, 'OUT_OF_SCOPE', message);
  }
  const result = await fastify.warehouse.write((db) =>
    approve(db, unit, period, approverName(principal), note),
  );
  const { approval, created } = result;
  await fastify.audit(request, {
    action: 'approval',
    status: created ? 201 : 200,
    detail: { approval_id: approval.approval_id, unit: unit.unit_id, period: approval.period },
  });
  return result;
}

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
      const { period, note } = request.body;
      const index = await fastify.warehouse.units();
      const unit = findUnit(index, request.body.unit, periodEnd(period));
      const { approval, created } = await approveAsked(
        fastify,
        request,
        unit,
        period,
        note ?? null,
      );
      return reply.code(created ? 201 : 200).send(approval);
    },
  );
};

export default route;
