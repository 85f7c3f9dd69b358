// Schemas of GET /api/quality: data-quality findings with counts by rule.
import { z } from 'zod';
import { periodParam, unitParam } from './common.ts';

export const severity = z.enum(['info', 'warning', 'error']);

export const qualityQuery = z.object({
  unit: unitParam.optional().describe('findings of this unit and every unit under it'),
  period: periodParam().optional().describe('findings for periods within this one'),
  severity: severity.optional(),
  batch: z.string().min(1).max(100).optional().describe('batch id (a load)'),
  limit: z.coerce.number().int().min(1).max(10_000).default(500).describe('most findings listed'),
});

export const finding = z.object({
  batch_id: z.string().nullable().describe('the load that raised it; null: an engine check'),
  unit_id: z.string().nullable(),
  period: z.string().nullable(),
  metric: z.string().nullable(),
  rule: z.string(),
  severity,
  message: z.string(),
  value: z.string().nullable(),
  line: z.number().int().nullable().describe('the row of the file'),
  found_at: z.string(),
});

export const qualityResponse = z.object({
  total: z.number().int().describe('findings matching the filters'),
  findings: z.array(finding).describe('newest first, at most limit'),
  by_rule: z.array(z.object({ rule: z.string(), severity, count: z.number().int() })),
  by_severity: z.record(z.string(), z.number().int()),
});

export type QualityQuery = Omit<z.output<typeof qualityQuery>, 'limit'> & { limit?: number };
export type QualityResponse = z.infer<typeof qualityResponse>;
