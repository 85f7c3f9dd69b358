// The shape of a plan file (indicators/plans/*.yaml): a plan, its targets, tasks, essential
// procedures and the notes on what its text says inconsistently. Validated once, at the edge.
import { z } from 'zod';
import type { Unit } from '../../pipelines/normalize/units.ts';
import { Metric } from '../catalogue/schema.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a calendar date');

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected lower-case letters, digits, dot, dash or underscore');

export const Level = z.enum([
  'national',
  'province',
  'district',
  'commune',
] satisfies Unit['level'][]);
export type Level = z.infer<typeof Level>;

export const Comparator = z
  .enum(['>=', '>', '<=', '<'])
  .describe('how the actual must compare with the value: "tối thiểu/ít nhất" is >=, "trên" is >');

export const TargetScope = z
  .union([
    z.literal('plan_unit').describe("the plan's own unit"),
    z.object({ level: Level }).strict().describe("every unit of this level under the plan's unit"),
    z
      .object({ unit_code: z.string().min(1) })
      .strict()
      .describe('one named unit (GSO code)'),
  ])
  .describe('which units the target binds');

/** A metric a target is measured by: a catalogue (or already declared) id, or a declaration. */
export const MetricRef = z
  .union([
    z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a metric id in snake_case'),
    Metric.describe(
      'a metric this plan declares: reported through the ingest like any catalogue metric',
    ),
  ])
  .describe('a metric id (catalogue or declared elsewhere) or a new metric declared here');

export const MeasuredBy = z
  .union([
    z
      .object({ metric: MetricRef })
      .strict()
      .describe("a count target: the metric's value (stocks take the last, flows add up)"),
    z
      .object({ numerator: MetricRef, denominator: MetricRef })
      .strict()
      .describe('a percent target: Σnumerator / Σdenominator × 100, never an average of rates'),
  ])
  .describe('the metric(s) a target without a catalogue indicator is measured by');

export const Confidence = z
  .enum(['high', 'medium', 'low'])
  .describe(
    'how sure the encoding is: high (the text itself, or two sources agree), medium (one ' +
      'restatement or press summary), low (cut off, inferred or unverified)',
  );

/** <plan id>/<target id>: the global id of a target. */
const targetRef = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/, 'expected <plan id>/<target id>');

export const Target = z
  .object({
    id: id.describe('unique within the plan; the global id is <plan id>/<target id>'),
    indicator: z
      .string()
      .nullable()
      .describe('catalogue indicator id; null when no catalogue indicator measures it'),
    measured_by: MeasuredBy.nullable()
      .default(null)
      .describe('with indicator null: the metric(s) the target declares itself; null: unmeasured'),
    measure: z.string().min(1).describe('what is measured, in the words of the document (vi)'),
    scope: TargetScope,
    comparator: Comparator,
    value: z.number().describe('target value; percent indicators in percent (0–100)'),
    unit_of_measure: z.enum(['percent', 'count']),
    window_start: isoDate.describe('phase start'),
    deadline: isoDate.describe('phase end: the date by which the value must be met'),
    clause: z.string().min(1).describe('where in the document, e.g. "II.2.a, ý 3"'),
    quote: z.string().min(1).describe('the sentence as printed'),
    source: z
      .array(z.url())
      .default([])
      .describe("addresses the target was read from, when not the plan's own text"),
    confidence: Confidence.nullable()
      .default(null)
      .describe("null: read from the document's own text (the plan's source)"),
    adopts: targetRef
      .nullable()
      .default(null)
      .describe(
        "a predecessor unit's target this one takes over across a reorganisation " +
          '(<plan id>/<target id>): same measure, its own scope, value, window and clause',
      ),
  })
  .strict()
  .refine((t) => t.window_start <= t.deadline, {
    message: 'window_start is after deadline',
    path: ['deadline'],
  })
  .refine((t) => t.indicator === null || t.measured_by === null, {
    message: 'a target is measured by a catalogue indicator or by metrics it declares, not both',
    path: ['measured_by'],
  })
  .refine(
    (t) => t.measured_by === null || 'metric' in t.measured_by === (t.unit_of_measure === 'count'),
    {
      message:
        'a count target is measured by {metric}, a percent target by {numerator, denominator}',
      path: ['measured_by'],
    },
  );

export const Task = z
  .object({
    number: z.string().min(1).describe('as printed: "1", "01", "2.3", "a"'),
    group: z.string().nullable().describe('the group heading as printed, or null'),
    title: z.string().min(1),
    lead: z.array(z.string().min(1)).describe('lead unit(s) as printed'),
    partners: z.array(z.string().min(1)).describe('partner units as printed'),
    deadline: z.string().nullable().describe('deadline text as printed; null when none is given'),
    product: z.string().nullable().describe('expected product as printed, or null'),
    clause: z.string().nullable().describe('where in the document the task is, if not obvious'),
  })
  .strict();

export const Procedure = z
  .object({
    number: z.string().min(1),
    name: z.string().min(1),
    online_level: z
      .string()
      .nullable()
      .describe('as printed: "3", "4", "toàn trình", "một phần", or null'),
    lead: z.string().nullable(),
    deadline: z.string().nullable().describe('due month/period as printed'),
  })
  .strict();

export const Note = z
  .object({
    kind: z.enum(['inconsistency', 'ambiguity', 'omission', 'encoding']),
    clause: z.string().nullable(),
    text: z.string().min(1).describe('what the document says and why it does not add up'),
    text_vi: z
      .string()
      .min(1)
      .optional()
      .describe('the same note in Vietnamese: what a Vietnamese page shows (issue 15.2)'),
  })
  .strict();

export const SourceKind = z
  .enum(['legal_text', 'restatement', 'press_summary', 'synthetic'])
  .describe(
    "what the encoding was read from: legal_text (the document's own text), restatement " +
      '(pages that reproduce or restate it), press_summary (news reports of it: not the legal ' +
      'text), synthetic (made up for the demo: no such document)',
  );

export const Plan = z
  .object({
    id: id.describe('stable plan id, e.g. kh-96-2022-phan-rang-thap-cham'),
    document_no: z.string().nullable().describe('as printed: "96/KH-UBND"; null when blank'),
    title: z.string().min(1),
    issuer: z.string().min(1).describe('the issuing body as printed'),
    unit_code: z.string().min(1).describe("GSO code of the plan's unit, read at issued_on"),
    unit_name: z.string().min(1).describe("the plan unit's name as of issued_on"),
    issued_on: isoDate.nullable().describe('null when the document leaves the day blank'),
    issued_on_text: z.string().nullable().describe('the date line as printed'),
    parent_plan: id.nullable().describe('id of the plan this one carries out'),
    stub: z
      .boolean()
      .default(false)
      .describe('true for a plan known only by reference: no targets or tasks are encoded'),
    report_due_day: z
      .number()
      .int()
      .min(1)
      .max(31)
      .nullable()
      .describe('units report before this day of the next month'),
    report_due_clause: z.string().nullable(),
    source: z.string().min(1).describe('where the text comes from (seed file or reference)'),
    source_kind: SourceKind.default('legal_text'),
    source_urls: z.array(z.url()).default([]).describe('addresses of the sources read'),
    targets: z.array(Target).default([]),
    tasks: z.array(Task).default([]),
    procedures: z.array(Procedure).default([]),
    notes: z.array(Note).default([]),
  })
  .strict();

export type Plan = z.infer<typeof Plan>;
export type Target = z.infer<typeof Target>;
export type Task = z.infer<typeof Task>;
export type Procedure = z.infer<typeof Procedure>;
export type MeasuredBy = z.infer<typeof MeasuredBy>;
export type MetricRef = z.infer<typeof MetricRef>;
