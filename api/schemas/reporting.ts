// Schemas of GET /api/reporting: who reported each month, and when, as a unit × month grid.
import { z } from 'zod';
import { periodParam, unitParam } from './common.ts';

export const reportingStatus = z.enum(['on_time', 'late', 'missing', 'pending']);

export const reportingQuery = z.object({
  unit: unitParam
    .default('VN')
    .describe('the unit whose reports (its own and its children’s) are shown; default VN'),
  from: periodParam('from')
    .optional()
    .describe('first month (a quarter or year starts at its first month)'),
  to: periodParam('to')
    .optional()
    .describe('last month (a quarter or year ends at its last month)'),
});

export const reportingResponse = z.object({
  unit: z.object({ unit_id: z.string(), code: z.string(), name: z.string() }),
  units: z
    .array(z.object({ unit_id: z.string(), code: z.string(), name: z.string() }))
    .describe('the rows: the unit itself, then its children, each only when it owes reports'),
  periods: z.array(z.string()).describe('every month from the first to the last, YYYY-MM'),
  cells: z.array(
    z.object({
      unit_id: z.string(),
      period: z.string(),
      due_on: z.string(),
      received_at: z
        .string()
        .nullable()
        .describe('when the first figure of the month arrived (its upload), Vietnam time'),
      status: reportingStatus,
      plan_id: z.string().nullable().describe('the plan that sets the due day'),
      declared_at: z
        .string()
        .nullable()
        .describe(
          'the earliest reported_at the unit’s files declared for the month (shown beside ' +
            'received_at; on time is judged by the arrival, except for figures the operator ' +
            'loaded from the command line)',
        ),
    }),
  ),
  summary: z.record(z.string(), z.number().int()).describe('cells per status'),
});

export type ReportingQuery = z.output<typeof reportingQuery>;
export type ReportingResponse = z.infer<typeof reportingResponse>;
