// Schemas of GET /api/series: one indicator of one unit over time (DESIGN.md §5), with the
// targets that bind it, each target's expected path and its latest projection.
import { z } from 'zod';
import { periodParam, unitParam, unitSummary } from './common.ts';
import { targetStatus } from './scorecard.ts';

export const grain = z.enum(['month', 'quarter', 'year']);

export const seriesQuery = z.object({
  indicator: z.string().min(1).max(64).describe('indicator id, e.g. cccd_coverage'),
  unit: unitParam.describe(
    'a GSO code (read at the end of `to`, else today), a unit id such as p91@2025-07-01, or VN',
  ),
  grain: grain.default('month'),
  from: periodParam('from').optional().describe('first period (any grain: 2024 starts at 2024-01)'),
  to: periodParam('to').optional().describe('last period (any grain: 2025 ends at 2025-12)'),
});

export const seriesPoint = z.object({
  period: z.string(),
  actual: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  coverage: z.number().nullable(),
  reconstructed: z
    .boolean()
    .describe('rebuilt from the predecessors of a unit created by the 2025 reform'),
  source: z.enum(['own', 'children', 'predecessors']),
});

export const seriesTarget = z.object({
  target_id: z.string(),
  value: z.number(),
  comparator: z.enum(['>=', '>', '<=', '<']),
  deadline: z.string(),
  window_start: z.string(),
  baseline: z.number().nullable(),
  plan_id: z.string(),
  clause: z.string(),
  measure: z.string(),
});

export const seriesResponse = z.object({
  unit: unitSummary.extend({
    valid_from: z.string().nullable(),
    valid_to: z.string().nullable(),
  }),
  indicator_id: z.string(),
  indicator: z.object({
    name_vi: z.string(),
    name_en: z.string(),
    unit: z.enum(['percent', 'count']),
    direction: z.enum(['up', 'down']),
  }),
  grain,
  points: z.array(seriesPoint),
  targets: z.array(seriesTarget).describe('every target that binds this unit and indicator'),
  expected: z
    .array(
      z.object({
        target_id: z.string(),
        points: z.array(z.object({ period: z.string(), expected: z.number().nullable() })),
      }),
    )
    .describe('per target, the straight-line path from the baseline to the target value'),
  projection: z
    .array(
      z.object({
        target_id: z.string(),
        period: z.string().describe('the latest period the target was evaluated at'),
        as_of: z.string(),
        actual: z.number().nullable(),
        projected: z.number().nullable(),
        forecast_on: z.string().nullable(),
        ratio: z.number().nullable(),
        status: targetStatus,
      }),
    )
    .describe('per target, its latest evaluation'),
  data_as_of: z.string().nullable(),
  synthetic: z.boolean(),
});

export type SeriesQuery = z.output<typeof seriesQuery>;
export type SeriesResponse = z.infer<typeof seriesResponse>;
