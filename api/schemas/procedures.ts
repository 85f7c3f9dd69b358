// Schemas of GET /api/procedures (essential procedures with counts per status), GET
// /api/procedures/{plan_id}/{seq} (one with its history) and POST …/status (a planner records).
import { z } from 'zod';
import { procedureRow } from './plans.ts';
import { flag, historyEntry, plansUnitParam } from './tasks.ts';

export const proceduresQuery = z.object({
  unit: plansUnitParam,
  plan: z.string().min(1).max(200).optional().describe('plan id'),
  status: z.string().min(1).max(40).optional().describe('planned, done … (on as_of)'),
  as_of: z.iso
    .date()
    .optional()
    .describe('the date due dates and statuses are read against (ISO); default today'),
  history: flag.optional().describe('true or 1: each procedure with its recorded changes'),
});

export const listedProcedure = procedureRow.extend({
  overdue: z.boolean().describe('due before as_of and neither done nor cancelled'),
  history: z
    .array(historyEntry)
    .optional()
    .describe('with history=true: every recorded change, oldest first'),
});

export const proceduresResponse = z.object({
  as_of: z.string(),
  procedures: z.array(listedProcedure),
  summary: z
    .object({
      total: z.number().int(),
      overdue: z.number().int(),
      by_status: z.record(z.string(), z.number().int()),
      by_online_level: z.record(z.string(), z.number().int()),
      completion_rate: z
        .number()
        .nullable()
        .describe('done / (total − cancelled), in percent; null when nothing is owed'),
    })
    .describe('of the procedures of the plan filter (before the status filter)'),
});

export const procedureDetailResponse = z.object({
  as_of: z.string(),
  procedure: listedProcedure.required({ history: true }),
});

export const procedureRecorded = z.object({
  procedure: listedProcedure.required({ history: true }).describe('as it stands now'),
  recorded: historyEntry,
  current: z.boolean().describe('the change recorded is the current status'),
});

export type ProceduresQuery = z.output<typeof proceduresQuery>;
export type ProceduresResponse = z.infer<typeof proceduresResponse>;
export type ListedProcedure = z.infer<typeof listedProcedure>;
export type ProcedureDetailResponse = z.infer<typeof procedureDetailResponse>;
export type ProcedureRecorded = z.infer<typeof procedureRecorded>;
