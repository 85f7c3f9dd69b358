// `chitieu ingest FILE…`: validate and load reported figures, each file all-or-nothing.
import { parseArgs } from 'node:util';
import { statSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import type { IngestReport, Layout } from '../../pipelines/load/ingest.ts';
import { ingestAndRefresh } from '../../indicators/ingest.ts';
import { ENCODINGS, type Encoding } from '../../pipelines/read/decode.ts';
import { parsePeriod } from '../../pipelines/normalize/periods.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import { allUnits } from '../../pipelines/load/units.ts';
import { findUnit, LookupError } from '../../pipelines/normalize/lookup.ts';
import { today } from '../../pipelines/normalize/calendar.ts';
import { formatProblem } from '../../pipelines/load/problems.ts';
import { usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { progress } from '../progress.ts';
import type { RefreshSummary } from '../../indicators/compute/refresh.ts';
import { COMMAND_HELP } from '../help.ts';
import { MappingError, parseRowList, readMapping } from '../../pipelines/load/mapping.ts';

export const help = COMMAND_HELP.ingest;

function summary(r: IngestReport): string {
  const what =
    r.status === 'loaded'
      ? `loaded as batch ${r.batchId}`
      : r.status === 'unchanged'
        ? 'already loaded: nothing changed'
        : r.status === 'dry_run'
          ? 'dry run: valid, nothing written'
          : `rejected: ${r.errorCount} error(s), nothing loaded`;
  const warnings = r.warningCount;
  return (
    `${r.file}: ${what} — ${r.rowsRead} rows read, ${r.rowsNew} new, ${r.rowsRevised} revised, ` +
    `${r.rowsUnchanged} unchanged, ${r.rowsMissing} missing, ${warnings} warning(s); ` +
    `${r.layout}, ${r.encoding}; ${r.seconds.toFixed(2)} s`
  );
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      layout: { type: 'string' },
      period: { type: 'string' },
      encoding: { type: 'string' },
      sheet: { type: 'string', multiple: true },
      'header-row': { type: 'string' },
      'skip-rows': { type: 'string' },
      mapping: { type: 'string' },
      'record-path': { type: 'string' },
      parent: { type: 'string' },
      thousands: { type: 'string' },
      level: { type: 'string' },
      report: { type: 'string' },
      show: { type: 'string', default: '20' },
    },
  });
  if (positionals.length === 0) throw usageError(`ingest needs a FILE\n\n${help}`);
  if (values.layout && !['long', 'wide'].includes(values.layout)) {
    throw usageError(`invalid --layout: ${values.layout} (long or wide)`);
  }
  if (values.encoding && !ENCODINGS.includes(values.encoding as Encoding)) {
    throw usageError(`invalid --encoding: ${values.encoding} (${ENCODINGS.join(', ')})`);
  }
  if (values.thousands !== undefined && !['.', ','].includes(values.thousands)) {
    throw usageError(`invalid --thousands: ${values.thousands} ("." or ",")`);
  }
  if (values.level !== undefined && !['province', 'district', 'commune'].includes(values.level)) {
    throw usageError(`invalid --level: ${values.level} (province, district or commune)`);
  }
  const show = Number(values.show);
  if (!Number.isInteger(show) || show < 0) throw usageError(`invalid --show: ${values.show}`);
  if (values.period !== undefined && parsePeriod(values.period) === null) {
    throw usageError(
      `invalid --period: ${values.period} (2024, 2024-Q3, 2024-07, 2024-07-19, Tháng 7/2024 …)`,
    );
  }
  if (
    values.sheet !== undefined &&
    !positionals.some((f) => extname(f).toLowerCase() === '.xlsx')
  ) {
    throw usageError('--sheet applies to .xlsx workbooks only');
  }
  const form = formOptions(values);
  for (const file of positionals) {
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch {
      throw usageError(`no such file: ${file}`);
    }
    if (!isFile) throw usageError(`not a file: ${file}`);
  }

  const db = await Database.open(databasePath(io.env));
  const reports: IngestReport[] = [];
  try {
    await migrate(db);
    let parentUnitId: string | undefined;
    if (values.parent !== undefined) {
      try {
        const index = new UnitIndex(await allUnits(db));
        parentUnitId = findUnit(index, values.parent, today({ env: io.env })).unit_id;
      } catch (error) {
        if (error instanceof LookupError) throw usageError(`invalid --parent: ${error.message}`);
        throw error;
      }
    }
    for (const file of positionals) {
      const shown = progress(basename(file), io.env);
      let r: IngestReport;
      let c: RefreshSummary | null;
      try {
        const outcome = await ingestAndRefresh(db, file, {
          dryRun: values['dry-run'],
          layout: values.layout as Layout | undefined,
          period: values.period,
          encoding: values.encoding as Encoding | undefined,
          ...form,
          thousands: values.thousands as '.' | ',' | undefined,
          level: values.level as 'province' | 'district' | 'commune' | undefined,
          parentUnitId,
          onStage: (stage) => shown.stage(stage),
          // the engine follows the data: what this batch touched, and anything still owed
          onComputing: () => shown.stage('computing indicators'),
          today: today({ env: io.env }),
        });
        r = outcome.report;
        c = outcome.computed;
      } finally {
        shown.done();
      }
      reports.push(r);
      for (const p of r.errors.slice(0, show)) io.err(formatProblem(p));
      if (r.errorCount > show)
        io.err(`… ${r.errorCount - show} more error(s); --report FILE lists them all`);
      for (const p of r.warnings.slice(0, show)) io.err(`warning: ${formatProblem(p)}`);
      if (r.warningCount > show)
        io.err(`… ${r.warningCount - show} more warning(s); --report FILE lists them all`);
      for (const n of r.notes ?? []) io.err(`note: ${n.file}: ${n.message}`);
      io.out(summary(r));
      if (c) {
        io.out(
          `  indicators recomputed for ${c.months} month(s): ${c.targetRows} target evaluations, ` +
            `${c.findings} quality findings; ${c.seconds.toFixed(2)} s`,
        );
      }
    }
  } finally {
    db.close();
  }
  if (values.report) writeFileSync(values.report, `${JSON.stringify(reports, null, 2)}\n`);
  return reports.some((r) => r.status === 'rejected') ? 1 : 0;
}

/** --sheet (repeated or a comma list), --header-row, --skip-rows, --mapping, --record-path. */
function formOptions(values: {
  sheet?: string[];
  'header-row'?: string;
  'skip-rows'?: string;
  mapping?: string;
  'record-path'?: string;
}) {
  const sheets = (values.sheet ?? []).flatMap((s) => s.split(',')).map((s) => s.trim());
  const headerRow = values['header-row'] === undefined ? undefined : Number(values['header-row']);
  if (headerRow !== undefined && (!Number.isInteger(headerRow) || headerRow < 1)) {
    throw usageError(`invalid --header-row: ${values['header-row']} (a row number, 1 or more)`);
  }
  try {
    const named = sheets.filter((s) => s !== '');
    return {
      // one sheet names the file as book.xlsx[Sheet], as before
      sheet: named.length === 1 ? named[0] : undefined,
      sheets: named.length > 1 ? named : undefined,
      headerRow,
      skipRows: values['skip-rows'] === undefined ? undefined : parseRowList(values['skip-rows']),
      mapping: values.mapping === undefined ? undefined : readMapping(values.mapping),
      recordPath: values['record-path'],
    };
  } catch (error) {
    if (error instanceof MappingError) throw usageError(error.message);
    throw error;
  }
}
