// GET /api/export/{observations|progress}.{csv|parquet|arrow}: the path and the filters.
import { z } from 'zod';
import { EXPORT_FORMATS, EXPORT_KINDS } from '../services/export.ts';
import { periodOrDayParam, unitParam } from './common.ts';

export const exportParams = z.object({
  kind: z.enum(EXPORT_KINDS).describe('the view exported'),
  format: z
    .enum(EXPORT_FORMATS)
    .describe('csv (RFC 4180, UTF-8), parquet, arrow (Arrow IPC stream)'),
});

export const exportQuery = z.object({
  unit: unitParam
    .optional()
    .describe(
      'the unit and its whole subtree; a GSO code is read at the end of `to` (else `from`, else today)',
    ),
  from: periodOrDayParam('from')
    .optional()
    .describe('rows whose period starts on or after this period starts'),
  to: periodOrDayParam('to')
    .optional()
    .describe('rows whose period starts on or before this period ends'),
  indicator: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'one indicator: its progress rows, or the observations of its numerator and denominator metrics',
    ),
});

export type ExportQuery = z.output<typeof exportQuery>;
