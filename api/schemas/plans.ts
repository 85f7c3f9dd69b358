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
  source_kind: z
    .enum(['legal_text', 'restatement', 'press_summary', 'synthetic'])
    .describe(
      "what the plan was encoded from: legal_text (the document's text), restatement (pages " +
        'restating it), press_summary (news reports: not the legal text), synthetic (demo only)',
    ),
  source_urls: z.array(z.string()),
  targets: z.number().int(),
  indicator_targets: z.number().int().describe('targets measured by a catalogue indicator'),
  targets_measured: z
    .number()
    .int()
    .describe('targets with a measure: a catalogue indicator or metrics the target declares'),
  targets_total: z.number().int().describe('every numeric target (the same as targets)'),
  targets_adopted: z
    .number()
    .int()
    .describe("targets taken over from a predecessor unit's plan across a reorganisation"),
  tasks: z.number().int(),
  procedures: z.number().int(),
  notes: z.number().int(),
  inconsistencies: z.number().int().describe('notes of kind inconsistency'),
  version: z
    .number()
    .int()
    .nullable()
    .describe('the plan version these rows are (plan_versions); null: loaded before versions'),
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
  measure_kind: z
    .enum(['indicator', 'metric', 'none'])
    .describe('indicator: a catalogue indicator; metric: metrics the target declares; none'),
  numerator_metric: z.string().nullable().describe('measure_kind metric: the (numerator) metric'),
  denominator_metric: z
    .string()
    .nullable()
    .describe('measure_kind metric, a percent target: the denominator metric'),
  adopted_from: z
    .string()
    .nullable()
    .describe('the predecessor unit’s target this one takes over (<plan id>/<target id>)'),
  source_urls: z.array(z.string()).describe('where the target was read, beyond the plan’s text'),
  confidence: z
    .enum(['high', 'medium', 'low'])
    .nullable()
    .describe('how sure the encoding is; null: read from the document’s own text'),
});

export const taskRow = z.object({
  plan_id: z.string(),
  seq: z.number().int(),
  number: z.string().describe('as printed (may repeat)'),
  group_name: z.string().nullable(),
  title: z.string(),
  lead: z.string().describe('lead units joined with "; "'),
  leads: z.array(z.string()),
  lead_agency_ids: z
    .array(z.string().nullable())
    .describe('beside each of leads: the agency it names (agencies view), or null'),
  partners: z.string(),
  deadline_text: z.string().nullable().describe('as printed'),
  deadline_kind: z.string().nullable().describe('due | from | ongoing | conditional | unknown'),
  deadline_qualifiers: z.array(z.string()),
  due_on: z.string().nullable(),
  milestones: z.array(z.string()),
  product: z.string().nullable(),
  clause: z.string().nullable(),
  status: z.enum(['planned', 'in_progress', 'done', 'cancelled']),
  status_as_of: z
    .string()
    .nullable()
    .describe('the day the status took effect; null: never recorded'),
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
  status_as_of: z
    .string()
    .nullable()
    .describe('the day the status took effect; null: never recorded'),
});

export const noteRow = z.object({
  seq: z.number().int(),
  kind: z.string(),
  clause: z.string().nullable(),
  text: z.string(),
  text_vi: z.string().nullable().describe('the note in Vietnamese (null: not yet translated)'),
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

// POST /api/plans: a plan file imported as a version (indicators/plans/import.ts).

export const planImportQuery = z
  .object({
    file: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('the file name recorded with the version, without folders (default upload.yaml)'),
    dry_run: z
      .enum(['true', 'false', '1', '0'])
      .transform((v) => v === 'true' || v === '1')
      .optional()
      .describe('check only: what an import would do, nothing written'),
  })
  .strict();

export const planProblemSchema = z.object({
  file: z.string(),
  path: z
    .string()
    .describe('where in the file: a dotted path such as targets.1.value; empty for the whole file'),
  message: z
    .string()
    .describe('Vietnamese first, the English in brackets, then the value given when there was one'),
});

const targetIds = z.array(z.string()).describe('target ids (<plan id>/<target id>)');

export const planOutcomeSchema = z.object({
  file: z.string(),
  plan_id: z.string(),
  status: z
    .enum(['new', 'updated', 'unchanged', 'kept'])
    .describe(
      'new: version 1; updated: the next version; unchanged: the same bytes as the current ' +
        'version, nothing written',
    ),
  version: z
    .number()
    .int()
    .nullable()
    .describe('the version stored (or current, or that would be)'),
  previous_version: z.number().int().nullable(),
  sha256: z.string().describe("of the file's bytes"),
  targets: z.object({ added: targetIds, changed: targetIds, removed: targetIds }),
  counts: z.object({
    targets: z.number().int(),
    tasks: z.number().int(),
    procedures: z.number().int(),
    notes: z.number().int(),
  }),
});

export const planImportReportSchema = z.object({
  status: z
    .enum(['imported', 'unchanged', 'rejected', 'valid'])
    .describe('valid: a dry run that found no problem'),
  plans: z.array(planOutcomeSchema),
  problems: z.array(planProblemSchema),
  refresh: z
    .object({
      months: z.number().int(),
      targets: z.number().int().describe('target status rows written'),
      reporting: z.number().int().describe('reporting rows written'),
      seconds: z.number(),
    })
    .nullable()
    .describe('the engine after an import: every target and reporting duty evaluated again'),
});

export const planRejectionSchema = planImportReportSchema.extend({
  error: z.object({ code: z.string(), message: z.string() }),
});

export const planImportDescription = `The body is the plan file itself, in the YAML shape of
indicators/plans/ (UTF-8), sent as \`application/yaml\` (or \`text/yaml\`, \`text/plain\`):
\`curl -X POST --data-binary @plan.yaml -H 'content-type: application/yaml' -H 'authorization:
Bearer …' '…/api/plans?file=plan.yaml'\`. Not multipart. 201: stored as the plan's next version
(targets keep their ids; the engine re-evaluated them); 200: the same bytes as the current
version (nothing written), or a dry run; 422 PLAN_REJECTED: every problem with its path, nothing
written.`;

export type PlanImportQuery = z.output<typeof planImportQuery>;
