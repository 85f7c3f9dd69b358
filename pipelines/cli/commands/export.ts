// `chitieu export observations|progress`: the same exports as GET /api/export/…, written to a
// file from a read-only database (api/services/export.ts does the work for both).
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Database, databasePath } from '../../db/connect.ts';
import { allUnits } from '../../load/units.ts';
import { UnitIndex } from '../../normalize/units.ts';
import { LookupError } from '../../../indicators/scorecard.ts';
import { HttpError } from '../../../api/errors.ts';
import {
  EXPORT_FORMATS,
  EXPORT_KINDS,
  exportParquet,
  exportStream,
  resolveFilters,
  type ExportFormat,
  type ExportKind,
} from '../../../api/services/export.ts';
import { inputError, usageError } from '../errors.ts';
import type { Io } from '../io.ts';

export const help = `chitieu export — a view as CSV, Parquet or an Arrow IPC stream

Usage: chitieu export observations|progress --format csv|parquet|arrow --out FILE
                      [--unit U] [--from P] [--to P] [--indicator I]

  --unit U       the unit and every unit under it: a GSO code (read as the unit it named at the
                 end of --to, else of --from, else today), a unit id (p91@2025-07-01) or VN
  --from P       rows whose period starts on or after P starts (2024, 2024-Q3, 2024-07)
  --to P         rows whose period starts on or before P ends
  --indicator I  one indicator: its progress rows, or the observations it is computed from

Columns in the view's order; CSV is RFC 4180, UTF-8, with a header row. The database is opened
read-only. While \`chitieu serve\` runs it holds the database file: download the same export
from the server instead (GET /api/export/observations.csv?unit=…).`;

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
      filters = await resolveFilters(db, index, values);
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
