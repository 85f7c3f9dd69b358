// Schemas of GET /api/procedures: essential procedures with counts per status.
import { z } from 'zod';
import { procedureRow } from './plans.ts';

export const proceduresQuery = z.object({
  plan: z.string().min(1).max(200).optional().describe('plan id'),
  status: z.string().min(1).max(40).optional().describe('planned, done …'),
});

export const proceduresResponse = z.object({
  procedures: z.array(procedureRow),
  summary: z
    .object({
      total: z.number().int(),
      by_status: z.record(z.string(), z.number().int()),
      by_online_level: z.record(z.string(), z.number().int()),
    })
    .describe('of the procedures of the plan filter (before the status filter)'),
});

export type ProceduresQuery = z.infer<typeof proceduresQuery>;
export type ProceduresResponse = z.infer<typeof proceduresResponse>;
