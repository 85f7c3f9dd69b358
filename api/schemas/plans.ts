// Schemas of GET /api/plans and /api/plans/:plan_id: plans with their counts, one plan whole.
import { z } from 'zod';

export const planRow = z.object({
  plan_id: z.string(),
  unit_code: z.string(),
  document_no: z.string().nullable().describe('as printed; null where the document has none'),
  title: z.string(),
  issued_on: z.string().nullable(),
  parent_plan_id: z.string().nullable(),
  report_due_day: z
    .number()
    .int()
    .nullable()
    .describe('units report the previous month before this day'),
  unit_id: z.string().nullable().describe('the unit the code named when the plan was issued'),
  unit_name: z.string(),
  issuer: z.string(),
  stub: z.boolean().describe('known only by reference from another plan'),
  source: z.string(),
  targets: z.number().int(),
  indicator_targets: z.number().int().describe('targets measured by a catalogue indicator'),
  tasks: z.number().int(),
  procedures: z.number().int(),
  notes: z.number().int(),
  inconsistencies: z.number().int().describe('notes of kind inconsistency'),
});

export const plansResponse = z.object({ plans: z.array(planRow) });

export const planParams = z.object({ plan_id: z.string().min(1).max(200) });

const planLink = planRow.pick({
  plan_id: true,
  document_no: true,
  title: true,
  unit_code: true,
  unit_name: true,
  issued_on: true,
  stub: true,
});

export const targetRow = z.object({
  target_id: z.string(),
  plan_id: z.string(),
  indicator_id: z.string().nullable().describe('null: no catalogue indicator measures it'),
  unit_code: z.string().nullable(),
  level: z.string().nullable().describe('scope: every unit of this level under the plan’s unit'),
  comparator: z.enum(['>=', '>', '<=', '<']),
  value: z.number(),
  window_start: z.string(),
  deadline: z.string(),
  clause: z.string(),
  measure: z.string(),
  unit_of_measure: z.string(),
  quote: z.string(),
});

export const taskRow = z.object({
  plan_id: z.string(),
  seq: z.number().int(),
  number: z.string().describe('as printed (may repeat)'),
  group_name: z.string().nullable(),
  title: z.string(),
  lead: z.string().describe('lead units joined with "; "'),
  leads: z.array(z.string()),
  partners: z.string(),
  deadline_text: z.string().nullable().describe('as printed'),
  deadline_kind: z.string().nullable().describe('due | from | ongoing | conditional | unknown'),
  deadline_qualifiers: z.array(z.string()),
  due_on: z.string().nullable(),
  milestones: z.array(z.string()),
  product: z.string().nullable(),
  clause: z.string().nullable(),
  status: z.enum(['planned', 'in_progress', 'done', 'cancelled']),
});

export const procedureRow = z.object({
  plan_id: z.string(),
  seq: z.number().int(),
  number: z.string(),
  name: z.string(),
  online_level: z.string().nullable(),
  lead: z.string().nullable(),
  deadline_text: z.string().nullable(),
  due_on: z.string().nullable(),
  status: z.string(),
});

export const noteRow = z.object({
  seq: z.number().int(),
  kind: z.string(),
  clause: z.string().nullable(),
  text: z.string(),
});

export const planResponse = z.object({
  plan: planRow.extend({
    issued_on_text: z.string().nullable(),
    report_due_clause: z.string().nullable(),
    definition_file: z.string(),
  }),
  parent: planLink.nullable(),
  ancestors: z.array(planLink).describe('lineage: the root plan first, the parent last'),
  children: z.array(planLink).describe('plans derived from this one'),
  targets: z.array(targetRow),
  tasks: z.array(taskRow),
  procedures: z.array(procedureRow),
  notes: z.array(noteRow).describe('inconsistencies and other notes on the document'),
});

export type PlanRow = z.infer<typeof planRow>;
export type PlansResponse = z.infer<typeof plansResponse>;
export type PlanResponse = z.infer<typeof planResponse>;
export type TaskRow = z.infer<typeof taskRow>;
export type ProcedureRow = z.infer<typeof procedureRow>;
