// GET /api/procedures: essential procedures of the plans with counts per status; GET
// /api/procedures/{plan_id}/{seq}: one with its history; POST …/status: a planner (or an admin)
// records a change, audited — the same rules as tasks'.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { statusOn } from '../../indicators/work/status.ts';
import { errors } from '../schemas/common.ts';
import {
  procedureDetailResponse,
  procedureRecorded,
  proceduresQuery,
  proceduresResponse,
} from '../schemas/procedures.ts';
import { itemParams, itemQuery, statusBody } from '../schemas/tasks.ts';
import { recordStatus } from '../services/progress.ts';
import { listProcedures, procedureDetail } from '../services/procedures.ts';
import { cachedRead } from './cached.ts';
import { STATUS_DESCRIPTION } from './tasks.ts';

const route: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/procedures',
    {
      schema: {
        tags: ['plans'],
        summary: 'Essential procedures (TTHC thiết yếu) of the plans',
        description:
          'With counts per status and per online level, read against as_of (default today); overdue: due before as_of, neither done nor cancelled. history=true adds every recorded change.',
        querystring: proceduresQuery,
        response: { 200: proceduresResponse, ...errors },
      },
    },
    cachedRead(fastify, listProcedures),
  );

  fastify.get(
    '/api/procedures/:plan_id/:seq',
    {
      schema: {
        tags: ['plans'],
        summary: 'One essential procedure with its status history',
        params: itemParams,
        querystring: itemQuery,
        response: { 200: procedureDetailResponse, ...errors },
      },
    },
    async (request) =>
      fastify.warehouse.read((db) =>
        procedureDetail(db, request.params.plan_id, request.params.seq, request.query.as_of),
      ),
  );

  fastify.post(
    '/api/procedures/:plan_id/:seq/status',
    {
      config: { access: 'plan', action: 'procedure.status' },
      schema: {
        tags: ['plans'],
        summary: "Record an essential procedure's status (planner or admin)",
        description: STATUS_DESCRIPTION,
        security: [{ bearer: [] }],
        params: itemParams,
        body: statusBody,
        response: { 201: procedureRecorded, ...errors },
      },
    },
    async (request, reply) => {
      const { plan_id, seq } = request.params;
      const index = await fastify.warehouse.units();
      const { recorded, detail } = await fastify.warehouse.write(async (db) => {
        const entry = await recordStatus(
          db,
          index,
          'procedure',
          { plan_id, seq },
          request.body,
          request.principal!,
        );
        return { recorded: entry, detail: await procedureDetail(db, plan_id, seq) };
      });
      await fastify.audit(request, {
        action: 'procedure.status',
        status: 201,
        detail: { plan_id, seq, status: recorded.status, as_of: recorded.as_of },
      });
      const current = statusOn(detail.procedure.history)?.entry_id === recorded.entry_id;
      return reply.code(201).send({ procedure: detail.procedure, recorded, current });
    },
  );
};

export default route;
