// The catalogue of metrics (what units report) and indicators (what targets are set on).
import { z } from 'zod';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected snake_case');

export const Metric = z
  .object({
    id: id.describe('contract id, never renamed'),
    name_vi: z.string().min(1).describe('Vietnamese label as printed in reports'),
    name_en: z.string().min(1),
    unit: z.string().min(1).describe('what one of it counts: people, cards, dossiers …'),
    kind: z.enum(['stock', 'flow']).describe('stock: level at a moment; flow: adds up over time'),
  })
  .strict();

export const Indicator = z
  .object({
    id: id.describe('contract id, never renamed'),
    name_vi: z.string().min(1),
    name_en: z.string().min(1),
    unit: z.enum(['percent', 'count']).describe('percent indicators are 0–100'),
    direction: z.enum(['up', 'down']).describe('up: more is better'),
    numerator: id.describe('metric id'),
    denominator: id.nullable().describe('metric id; null for a count'),
  })
  .strict()
  .refine((i) => (i.unit === 'count') === (i.denominator === null), {
    message: 'a percent indicator needs a denominator and a count has none',
    path: ['denominator'],
  });

export type Metric = z.infer<typeof Metric>;
export type Indicator = z.infer<typeof Indicator>;
