// Schemas of GET /api/tasks: tasks with deadlines read against a date, overdue counts by lead.
import { z } from 'zod';
import { taskRow } from './plans.ts';

export const taskStatus = z.enum(['planned', 'in_progress', 'done', 'cancelled']);

export const tasksQuery = z.object({
  plan: z.string().min(1).max(200).optional().describe('plan id'),
  group: z.string().min(1).max(500).optional().describe('group name, exactly as printed'),
  lead: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('part of a lead unit’s name, any case ("Công an")'),
  status: taskStatus.optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only tasks past their due date and not done or cancelled'),
  as_of: z.iso
    .date()
    .optional()
    .describe('the date deadlines are read against (ISO); default today'),
});

export const tasksResponse = z.object({
  as_of: z.string(),
  tasks: z
    .array(taskRow.extend({ overdue: z.boolean().describe('due before as_of and still open') }))
    .describe('overdue first, then by due date (undated last)'),
  summary: z
    .object({
      total: z.number().int(),
      overdue: z.number().int(),
      by_status: z.record(z.string(), z.number().int()),
      overdue_by_lead: z
        .array(
          z.object({
            lead: z.string(),
            overdue: z.number().int(),
            open: z.number().int().describe('tasks of this lead not done or cancelled'),
          }),
        )
        .describe('leads with overdue tasks, most first'),
    })
    .describe('of the tasks matching plan, group and lead (before the status and overdue filters)'),
});

export type TasksQuery = z.output<typeof tasksQuery>;
export type TasksResponse = z.infer<typeof tasksResponse>;
export type { TaskRow } from './plans.ts';
