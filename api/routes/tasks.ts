// GET /api/tasks: plan tasks read against a date, overdue first, with overdue counts and completion
// by lead and by group; GET /api/tasks/{plan_id}/{seq}: one task with its history; POST
// /api/tasks/{plan_id}/{seq}/status: a planner (or an admin) records a change, audited.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { statusOn } from '../../indicators/work/status.ts';
import { errors } from '../schemas/common.ts';
import {
  itemParams,
  itemQuery,
  statusBody,
  taskDetailResponse,
  taskRecorded,
  tasksQuery,
  tasksResponse,
} from '../schemas/tasks.ts';
import { recordStatus } from '../services/progress.ts';
import { listTasks, taskDetail } from '../services/tasks.ts';
import { cachedRead } from './cached.ts';

export const STATUS_DESCRIPTION =
  'Records a status (planned, in_progress, done, cancelled) with the day it took effect (as_of: ' +
  'not after today in Vietnam, not before the plan was issued), a note and optionally an http(s) ' +
  'evidence link. Every change is kept with who recorded it and when; the current status is the ' +
  'latest by as_of, then by recording. A planner records for the plans of its unit, of the units ' +
  'under it and of the units it continues across the 2025 reform (403 OUT_OF_SCOPE otherwise, ' +
  'naming the scope); an admin everywhere.';

const route: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/tasks',
    {
      schema: {
        tags: ['plans'],
        summary: 'Plan tasks, overdue first',
        description:
          'A task is overdue when its due date is before as_of (default today) and it is neither done nor cancelled, by the status recorded as of that day. The summary counts overdue tasks by lead agency, and completion by lead agency and by group. history=true adds every recorded change.',
        querystring: tasksQuery,
        response: { 200: tasksResponse, ...errors },
      },
    },
    cachedRead(fastify, listTasks),
  );

  fastify.get(
    '/api/tasks/:plan_id/:seq',
    {
      schema: {
        tags: ['plans'],
        summary: 'One task with its status history',
        params: itemParams,
        querystring: itemQuery,
        response: { 200: taskDetailResponse, ...errors },
      },
    },
    async (request) =>
      fastify.warehouse.read((db) =>
        taskDetail(db, request.params.plan_id, request.params.seq, request.query.as_of),
      ),
  );

  fastify.post(
    '/api/tasks/:plan_id/:seq/status',
    {
      config: { access: 'plan', action: 'task.status' },
      schema: {
        tags: ['plans'],
        summary: "Record a task's status (planner or admin)",
        description: STATUS_DESCRIPTION,
        security: [{ bearer: [] }],
        params: itemParams,
        body: statusBody,
        response: { 201: taskRecorded, ...errors },
      },
    },
    async (request, reply) => {
      const { plan_id, seq } = request.params;
      const index = await fastify.warehouse.units();
      const { recorded, detail } = await fastify.warehouse.write(async (db) => {
        const entry = await recordStatus(
          db,
          index,
          'task',
          { plan_id, seq },
          request.body,
          request.principal!,
        );
        return { recorded: entry, detail: await taskDetail(db, plan_id, seq) };
      });
      await fastify.audit(request, {
        action: 'task.status',
        status: 201,
        detail: { plan_id, seq, status: recorded.status, as_of: recorded.as_of },
      });
      const current = statusOn(detail.task.history)?.entry_id === recorded.entry_id;
      return reply.code(201).send({ task: detail.task, recorded, current });
    },
  );
};

export default route;
