// POST /api/sql: the request body and the JSON answer.
import { z } from 'zod';

/** Larger texts are refused before DuckDB parses them. */
export const MAX_SQL_LENGTH = 100_000;

export const sqlBody = z.object({
  sql: z
    .string()
    .min(1)
    .max(MAX_SQL_LENGTH)
    .describe(
      'one SELECT over the analyst views (units, observations, progress, …); CTEs, window functions, range/generate_series/unnest allowed',
    ),
});

const jsonValue = z.unknown().describe('JSON-safe: big integers as strings, dates ISO');

export const sqlResult = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string().describe('DuckDB type') })),
  rows: z.array(z.array(jsonValue)),
  row_count: z.number().int().describe('rows returned (at most row_limit)'),
  truncated: z.boolean().describe('the query had more rows than row_limit'),
  row_limit: z.number().int(),
  elapsed_ms: z.number().int(),
});

export type SqlBody = z.infer<typeof sqlBody>;
