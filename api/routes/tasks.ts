// GET /api/tasks: plan tasks read against a date, overdue first, with overdue counts by lead.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../schemas/common.ts';
import { tasksQuery, tasksResponse } from '../schemas/tasks.ts';
import { listTasks } from '../services/tasks.ts';
import { cachedRead } from './cached.ts';

const route: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/tasks',
    {
      schema: {
        tags: ['plans'],
        summary: 'Plan tasks, overdue first',
        description:
          'A task is overdue when its due date is before as_of (default today) and it is neither done nor cancelled. The summary counts overdue tasks by lead unit.',
        querystring: tasksQuery,
        response: { 200: tasksResponse, ...errors },
      },
    },
    cachedRead(fastify, listTasks),
  );
};

export default route;
