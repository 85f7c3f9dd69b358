// Schemas shared by several routes: error bodies, unit and period parameters.
import { z } from 'zod';

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .describe('every error: a machine code and a message for people');

export const unitParam = z
  .string()
  .min(1)
  .max(64)
  .describe(
    'a GSO code (read as the unit it named in the period), a unit id such as p91@2025-07-01, or VN',
  );

export const periodParam = z
  .string()
  .min(4)
  .max(32)
  .describe('2024, 2024-Q3 (or "Quý III/2024"), 2024-07');

export const unitSummary = z.object({
  unit_id: z.string(),
  code: z.string(),
  name: z.string(),
  level: z.enum(['national', 'province', 'district', 'commune']),
});

/** Standard error responses, for the OpenAPI document. */
export const errors = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
} as const;
