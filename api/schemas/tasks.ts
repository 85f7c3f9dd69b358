// Schemas of GET /api/tasks (tasks with deadlines read against a date, overdue counts and
// completion by lead and by group), GET /api/tasks/{plan_id}/{seq} (one task with its history)
// and POST /api/tasks/{plan_id}/{seq}/status (a planner records a change).
import { z } from 'zod';
import { STATUSES } from '../../indicators/work/status.ts';
import { taskRow } from './plans.ts';

export const taskStatus = z.enum(STATUSES);

/** `true`/`1` or `false`/`0` in a query string. */
export const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** One recorded change of a task's or procedure's status. */
export const historyEntry = z.object({
  status: taskStatus,
  as_of: z.string().describe('the day the status took effect'),
  note: z.string().nullable(),
  evidence_url: z.string().nullable().describe('an http(s) link to the evidence'),
  recorded_by: z.string().describe('token:<id> (<label>) over HTTP; cli (<user>); demo'),
  recorded_at: z.string().describe('when it was recorded (UTC)'),
  entry_id: z.number().int().describe('the order of recording: breaks ties'),
  source: z.string().describe('api | cli | demo'),
});
export type HistoryEntry = z.infer<typeof historyEntry>;

/**
 * `unit` of the task and procedure lists: only the plans that unit, a unit it continues or a unit
 * below either issued (plansInScope, the overview's and the pack's rule)
 */
export const plansUnitParam = z
  .string()
  .min(1)
  .max(100)
  .optional()
  .describe(
    'unit id, code or name: only the plans that unit, a unit it continues or a unit below either ' +
      'issued (the overview and the quarterly pack count by the same rule)',
  );

export const tasksQuery = z.object({
  unit: plansUnitParam,
  plan: z.string().min(1).max(200).optional().describe('plan id'),
  group: z.string().min(1).max(500).optional().describe('group name, exactly as printed'),
  lead: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('part of a lead unit’s name, any case ("Công an")'),
  agency: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('agency id (agencies view): tasks it leads, however each plan spells its name'),
  status: taskStatus.optional().describe('the status on as_of'),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only tasks past their due date and not done or cancelled'),
  as_of: z.iso
    .date()
    .optional()
    .describe(
      'the date deadlines and statuses are read against (ISO); default today: a task done ' +
        'after it is read as it stood then',
    ),
  history: flag.optional().describe('true or 1: each task with its recorded changes'),
});

const completion = {
  total: z.number().int(),
  done: z.number().int(),
  in_progress: z.number().int(),
  cancelled: z.number().int(),
  overdue: z.number().int(),
  rate: z
    .number()
    .nullable()
    .describe('done / (total − cancelled), in percent; null when nothing is owed'),
};

export const listedTask = taskRow.extend({
  overdue: z.boolean().describe('due before as_of and still open'),
  history: z
    .array(historyEntry)
    .optional()
    .describe('with history=true: every recorded change, oldest first'),
});

export const tasksResponse = z.object({
  as_of: z.string(),
  tasks: z.array(listedTask).describe('overdue first, then by due date (undated last)'),
  summary: z
    .object({
      total: z.number().int(),
      overdue: z.number().int(),
      by_status: z.record(z.string(), z.number().int()),
      overdue_by_lead: z
        .array(
          z.object({
            lead: z.string().describe('the agency’s name, or the lead as printed when unmapped'),
            agency_id: z.string().nullable().describe('the agency (agencies view), if mapped'),
            names: z.array(z.string()).describe('the names as printed that were counted'),
            overdue: z.number().int(),
            open: z.number().int().describe('tasks of this lead not done or cancelled'),
          }),
        )
        .describe('lead agencies with overdue tasks, most first; a task counts once per agency'),
      completion_by_lead: z
        .array(
          z.object({
            lead: z.string().describe('the agency’s name, or the lead as printed when unmapped'),
            agency_id: z.string().nullable(),
            ...completion,
          }),
        )
        .describe('every lead agency, most tasks first; a task counts once per agency'),
      completion_by_group: z
        .array(z.object({ plan_id: z.string(), group_name: z.string().nullable(), ...completion }))
        .describe('each group of each plan, in document order'),
    })
    .describe('of the tasks matching plan, group and lead (before the status and overdue filters)'),
});

export const itemParams = z.object({
  plan_id: z.string().min(1).max(200),
  seq: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .describe('the place in the plan (document order)'),
});

export const itemQuery = z.object({
  as_of: z.iso.date().optional().describe('read the status and deadline against this day'),
});

export const taskDetailResponse = z.object({
  as_of: z.string(),
  task: listedTask.required({ history: true }),
});

export const statusBody = z
  .object({
    status: taskStatus,
    as_of: z.iso
      .date()
      .describe('the day it took effect: not after today (Vietnam), not before the plan'),
    note: z.string().max(2000).describe('what was done, the decision or document (may be empty)'),
    evidence_url: z.string().max(2000).nullable().optional().describe('an http(s) link'),
  })
  .strict();

export const taskRecorded = z.object({
  task: listedTask.required({ history: true }).describe('the task as it stands now'),
  recorded: historyEntry,
  current: z
    .boolean()
    .describe('the change recorded is the current status (false: a later change is in force)'),
});

export type TasksQuery = z.output<typeof tasksQuery>;
export type StatusBody = z.infer<typeof statusBody>;
export type ListedTask = z.infer<typeof listedTask>;
export type TaskDetailResponse = z.infer<typeof taskDetailResponse>;
export type TaskRecorded = z.infer<typeof taskRecorded>;
export type TasksResponse = z.infer<typeof tasksResponse>;
export type { TaskRow } from './plans.ts';
