// Schemas of GET /api/indicators: the indicator and metric catalogue.
import { z } from 'zod';

export const indicatorRow = z.object({
  indicator_id: z.string(),
  name_vi: z.string(),
  name_en: z.string(),
  unit: z.enum(['percent', 'count']).describe('percent indicators are 0–100'),
  direction: z.enum(['up', 'down']).describe('up: more is better'),
  numerator: z.string().describe('metric id'),
  denominator: z.string().nullable().describe('metric id; null for a count'),
  description: z.string().describe('how it is computed from the metrics'),
  targets: z.number().int().describe('targets of the encoded plans set on it'),
});

export const metricRow = z.object({
  metric_id: z.string(),
  name_vi: z.string(),
  name_en: z.string(),
  unit: z.string(),
  kind: z.enum(['stock', 'flow']).describe('stocks take the last value of a period, flows add up'),
});

export const indicatorsResponse = z.object({
  indicators: z.array(indicatorRow),
  metrics: z.array(metricRow),
});

export type IndicatorsResponse = z.infer<typeof indicatorsResponse>;
