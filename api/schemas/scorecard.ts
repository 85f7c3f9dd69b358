// Schemas of GET /api/scorecard: a unit's every indicator for a period, with each binding target
// (DESIGN.md §5), plus the previous period's actual for "change since".
import { z } from 'zod';
import { STATUSES } from '../../indicators/compute/status.ts';
import { periodParam, unitParam, unitSummary } from './common.ts';

export const targetStatus = z.enum(STATUSES);

export const scorecardQuery = z.object({
  unit: unitParam,
  period: periodParam(),
});

export const scorecardTarget = z.object({
  target_id: z.string(),
  value: z.number().describe('T, the target value'),
  deadline: z.string(),
  status: targetStatus,
  ratio: z.number().nullable().describe('r, the progress ratio the status is read from'),
  comparator: z.enum(['>=', '>', '<=', '<']),
  baseline: z.number().nullable(),
  expected: z.number().nullable().describe('e(A), the straight-line expectation'),
  projected: z.number().nullable().describe('p, the trend’s value at the deadline'),
  forecast_on: z.string().nullable().describe('the day the trend reaches the target'),
  plan_id: z.string(),
  clause: z.string(),
  measure: z.string(),
});

export const scorecardRow = z.object({
  indicator_id: z.string(),
  name_vi: z.string(),
  name_en: z.string(),
  unit: z.enum(['percent', 'count']),
  actual: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  coverage: z.number().nullable().describe('share of child units that reported, when summed'),
  source: z.enum(['own', 'children', 'predecessors']).nullable(),
  reconstructed: z.boolean(),
  previous: z.number().nullable().describe('the actual of previous_period'),
  targets: z.array(scorecardTarget),
});

export const scorecardResponse = z.object({
  unit: unitSummary,
  period: z.string(),
  previous_period: z.string().nullable().describe('the period of the same grain before period'),
  rows: z.array(scorecardRow),
  data_as_of: z.string().nullable(),
  synthetic: z.boolean().describe('the figures are the synthetic demo dataset'),
});

export type ScorecardQuery = z.output<typeof scorecardQuery>;
export type ScorecardResponse = z.infer<typeof scorecardResponse>;
