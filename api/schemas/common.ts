// Schemas shared by several routes: error bodies, unit and period parameters. Periods are read
// here, once, into Period values; units need the unit index, so routes resolve them (findUnit).
import { z } from 'zod';
import { readPeriod, readPeriodOrDay } from '../../pipelines/normalize/lookup.ts';

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

// A period that cannot be read is thrown as the LookupError readPeriod raises, not returned as a
// zod issue: the error handler answers it 400 INVALID_PERIOD, the code clients and the README
// know, where a zod issue would be a generic INVALID_REQUEST. (Fastify passes an error thrown by
// a validator on to the error handler, and zod does not catch one thrown by a transform.)

/** A month, quarter or year ("2024-Q3", "Quý III/2024", "2024-07", "2024") read into a Period. */
export const periodParam = (name = 'period') =>
  z
    .string()
    .min(4)
    .max(32)
    .transform((text) => readPeriod(text, name))
    .describe('2024, 2024-Q3 (or "Quý III/2024"), 2024-07');

/** periodParam that also takes a day (2024-07-19, 19/07/2024): a bound of a date range. */
export const periodOrDayParam = (name: string) =>
  z
    .string()
    .min(4)
    .max(32)
    .transform((text) => readPeriodOrDay(text, name))
    .describe('2024, 2024-Q3 (or "Quý III/2024"), 2024-07, 2024-07-19');

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
