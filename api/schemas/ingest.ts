// POST /api/ingest: the form fields beside the file, and the report (the same object as
// `chitieu ingest --report` writes for each file).
import { z } from 'zod';
import type { IngestReport } from '../../pipelines/load/ingest.ts';
import type { Encoding } from '../../pipelines/read/decode.ts';
import { parsePeriod } from '../../pipelines/normalize/periods.ts';
import { parseMapping, parseRowList } from '../../pipelines/load/mapping.ts';
import { errorSchema } from './common.ts';

const ENCODING_NAMES = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'windows-1258',
] as const satisfies readonly Encoding[];

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

/** The text fields of the form (multipart fields are strings); anything else is refused. */
export const ingestFields = z
  .object({
    layout: z
      .enum(['long', 'wide'])
      .optional()
      .describe('force the layout (default: long when there are metric and value columns)'),
    period: z
      .string()
      .max(32)
      .refine((p) => parsePeriod(p) !== null, {
        message: 'unreadable period (2024, 2024-Q3, 2024-07, 2024-07-19, Tháng 7/2024 …)',
      })
      .optional()
      .describe('the period of every row of a wide file without a period column'),
    encoding: z.enum(ENCODING_NAMES).optional().describe('default: detected'),
    sheet: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('read only this sheet of an XLSX workbook (default: every sheet)'),
    parent: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe(
        'the unit the file is about (a unit id, or a code read today): unit names are looked for among it and the units under it',
      ),
    thousands: z
      .enum(['.', ','])
      .optional()
      .describe(
        'the thousands mark of the figures: decides a lone group such as "25.000", refused otherwise',
      ),
    level: z
      .enum(['province', 'district', 'commune'])
      .optional()
      .describe('the level unit names are read at, when the rows do not say it'),
    dry_run: flag.optional().describe('validate and report; write nothing'),
    header_row: z
      .string()
      .regex(/^[1-9]\d{0,6}$/, 'a row number')
      .transform(Number)
      .optional()
      .describe("an office form's (first) header row, when finding it fails"),
    skip_rows: z
      .string()
      .max(200)
      .transform((text, ctx) => {
        try {
          return parseRowList(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      })
      .optional()
      .describe('rows never read as data: 1,2,5-7'),
    mapping: z
      .string()
      .max(1024)
      .transform((text, ctx) => {
        try {
          return parseMapping(text, 'mapping');
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      })
      .optional()
      .describe('YAML or JSON: column header → metric id, unit, unit_code, period, note, ignore'),
    record_path: z
      .string()
      .max(100)
      .optional()
      .describe('JSON: where the records are in a nested export (data.items)'),
  })
  .strict();
export type IngestFields = z.infer<typeof ingestFields>;

export const problemSchema = z.object({
  file: z.string(),
  row: z.number().int().nullable().describe('1-based line or record; null for the whole file'),
  column: z.string().nullable(),
  value: z.string().nullable(),
  rule: z.string().describe('the rule broken: unknown_metric, out_of_scope, …'),
  message: z.string(),
  vi: z.string().optional().describe('the message in Vietnamese, where the reader wrote one'),
  severity: z.enum(['error', 'warning']),
});

export const ingestReportSchema = z.object({
  file: z.string().describe('the uploaded file name (with [sheet] when one was asked for)'),
  sha256: z.string(),
  status: z.enum(['loaded', 'unchanged', 'rejected', 'dry_run']),
  batchId: z.string().nullable().describe('the batch loaded, when one was'),
  layout: z.enum(['long', 'wide', 'json']),
  encoding: z.string(),
  rowsRead: z.number(),
  rowsNew: z.number(),
  rowsRevised: z.number(),
  rowsUnchanged: z.number(),
  rowsMissing: z.number().describe('figures left blank or "-": missing, not zero, not loaded'),
  errors: z.array(problemSchema).describe('the first 1000 errors'),
  warnings: z.array(problemSchema).describe('the first 1000 warnings'),
  errorCount: z.number(),
  warningCount: z.number(),
  notes: z
    .array(
      z.object({
        file: z.string(),
        rule: z.string(),
        rows: z.array(z.number().int()),
        message: z.string(),
        vi: z.string(),
      }),
    )
    .optional()
    .describe('what reading skipped or decided: title and total rows, hidden sheets, the period'),
  seconds: z.number(),
});

// the schema must describe every report the pipeline can produce
type Reported = z.infer<typeof ingestReportSchema>;
export const asReported = (r: IngestReport): Reported => r;

/** A refused file: the whole report, and an error code and message like every error body. */
export const ingestRefusalSchema = ingestReportSchema.extend(errorSchema.shape);

export const ingestDescription = `Uploads one file of reported figures (multipart/form-data) and
runs it through the same pipeline as \`chitieu ingest\`: field \`file\` (CSV long or wide, XLSX,
JSON), optional fields \`layout\` (long|wide), \`period\`, \`encoding\`, \`sheet\`, \`parent\`, \`dry_run\`
(true|false). The whole file is validated; a file with any error loads nothing (422, every
problem listed). A reporter's token may load figures only for its unit and the units under it:
any other row is refused with 403 and nothing is loaded. After a load the indicators of the
months touched are recomputed before the answer. Every upload is audited.`;
