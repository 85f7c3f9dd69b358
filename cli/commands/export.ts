// `chitieu export observations|progress`: the same exports as GET /api/export/…, written to a
// file from a read-only database (api/services/export.ts does the work for both).
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { allUnits } from '../../pipelines/load/units.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import { LookupError, readPeriodOrDay } from '../../pipelines/normalize/lookup.ts';
import { today } from '../../pipelines/normalize/calendar.ts';
import { HttpError } from '../../api/errors.ts';
import {
  EXPORT_FORMATS,
  EXPORT_KINDS,
  exportParquet,
  exportStream,
  resolveFilters,
  type ExportFormat,
  type ExportKind,
} from '../../api/services/export.ts';
import { inputError, usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.export;

const inList = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      unit: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      indicator: { type: 'string' },
    },
  });
  const [kind, ...extra] = positionals;
  if (kind === undefined || !inList(EXPORT_KINDS, kind) || extra.length > 0) {
    throw usageError(
      `export what? observations or progress (got ${positionals.join(' ') || 'nothing'})\n\n${help}`,
    );
  }
  const format = values.format ?? '';
  if (!inList(EXPORT_FORMATS, format)) {
    throw usageError(`invalid --format: ${format || '(missing)'} (csv, parquet or arrow)`);
  }
  if (!values.out) throw usageError('missing --out FILE');
  const out = resolve(values.out);

  const db = await Database.open(databasePath(io.env), { readOnly: true });
  try {
    const index = new UnitIndex(await allUnits(db));
    let filters;
    try {
      filters = await resolveFilters(
        db,
        index,
        {
          ...values,
          from: values.from === undefined ? undefined : readPeriodOrDay(values.from, 'from'),
          to: values.to === undefined ? undefined : readPeriodOrDay(values.to, 'to'),
        },
        today({ env: io.env }),
      );
    } catch (error) {
      if (error instanceof LookupError) {
        throw error.code === 'INVALID_PERIOD'
          ? usageError(error.message)
          : inputError(error.message);
      }
      if (error instanceof HttpError) {
        throw error.statusCode === 404 ? inputError(error.message) : usageError(error.message);
      }
      throw error;
    }
    const rows = await write(db, kind as ExportKind, filters, format, out);
    io.out(`wrote ${rows} ${kind} row${rows === 1 ? '' : 's'} to ${out}`);
    return 0;
  } finally {
    db.close();
  }
}

async function write(
  db: Database,
  kind: ExportKind,
  filters: Awaited<ReturnType<typeof resolveFilters>>,
  format: ExportFormat,
  out: string,
): Promise<number> {
  if (format === 'parquet') return exportParquet(db, kind, filters, out);
  let rows = 0;
  await pipeline(
    Readable.from(exportStream(db, kind, filters, format, (n) => (rows += n))),
    createWriteStream(out),
  );
  return rows;
}
