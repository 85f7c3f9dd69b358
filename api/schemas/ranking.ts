// Schemas of GET /api/ranking: a unit's children compared on one indicator in one period.
import { z } from 'zod';
import { periodParam, unitParam, unitSummary } from './common.ts';
import { targetStatus } from './scorecard.ts';

export const rankingQuery = z.object({
  indicator: z.string().min(1).max(64).describe('indicator id'),
  unit: unitParam.describe('the parent whose children are ranked (default VN)').default('VN'),
  period: periodParam(),
});

const figure = z.object({
  actual: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  coverage: z.number().nullable(),
  source: z.enum(['own', 'children', 'predecessors']).nullable(),
  reconstructed: z.boolean(),
});

export const rankingTarget = z.object({
  target_id: z.string(),
  value: z.number(),
  comparator: z.enum(['>=', '>', '<=', '<']),
  deadline: z.string(),
  status: targetStatus,
  ratio: z.number().nullable(),
  plan_id: z.string(),
  clause: z.string(),
});

export const rankingRow = unitSummary.merge(figure).extend({
  rank: z.number().int().nullable().describe('1 is best; null without a figure'),
  target: rankingTarget
    .nullable()
    .describe('the binding target due nearest on or after the period end, else the latest'),
  targets: z.number().int().describe('binding targets in all'),
});

export const rankingResponse = z.object({
  unit: unitSummary,
  indicator_id: z.string(),
  direction: z.enum(['up', 'down']),
  period: z.string(),
  as_of: z.string().describe('the period’s last day: children are those in existence then'),
  parent: figure.describe('the unit’s own figure, for reference'),
  rows: z.array(rankingRow).describe('best first; children without a figure last'),
  data_as_of: z.string().nullable(),
  synthetic: z.boolean(),
});

export type RankingQuery = z.output<typeof rankingQuery>;
export type RankingResponse = z.infer<typeof rankingResponse>;
