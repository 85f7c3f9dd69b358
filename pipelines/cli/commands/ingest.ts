// `chitieu ingest FILE…`: validate and load reported figures, each file all-or-nothing.
import { parseArgs } from 'node:util';
import { statSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Database, databasePath } from '../../db/connect.ts';
import { migrate } from '../../db/migrate.ts';
import { ingestFile, type IngestReport, type Layout } from '../../load/ingest.ts';
import { ENCODINGS, type Encoding } from '../../read/decode.ts';
import { parsePeriod } from '../../normalize/periods.ts';
import { UnitIndex } from '../../normalize/units.ts';
import { allUnits } from '../../load/units.ts';
import { findUnit, LookupError } from '../../../indicators/scorecard.ts';
import { formatProblem } from '../../load/problems.ts';
import { usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { progress } from '../progress.ts';
import { batchMonths, refresh, type RefreshSummary } from '../../../indicators/compute/refresh.ts';

export const help = `chitieu ingest — validate and load reported figures

Usage: chitieu ingest FILE [FILE…] [options]

FILE is a CSV (comma, semicolon or tab; UTF-8 with or without BOM, UTF-16 with BOM,
Windows-1258), an XLSX workbook (every sheet, or --sheet) or a JSON array of long records.
  long layout:  unit_code,period,metric,value [,unit_name,reported_at,note]
  wide layout:  unit_code and/or unit_name, a period column (or --period), one column per
                metric (its id, or its Vietnamese label as in the catalogue)
Periods: 2024, 2024-Q3, 2024-07, 2024-07-19 (a snapshot), and "Tháng 7/2024", "Quý III/2024",
"Năm 2024". Numbers: "1.234.567", "1,234,567", "85,5"; blank, "-" or "—" is missing (not zero).
Units: a GSO code, read as the unit it named at the row's period, or a name.

Every problem is reported (file, row, column, value, rule); a file with any error loads nothing.
Loading the same figures again changes nothing; a changed figure becomes a new revision.

Options:
  --dry-run            validate and report; write nothing
  --layout long|wide   force the layout (default: long when there are metric and value columns)
  --period P           the period of every row of a wide file without a period column
  --encoding E         utf-8 | utf-16le | utf-16be | windows-1258 (default: detected)
  --sheet NAME         read only this sheet of an XLSX workbook (default: every sheet)
  --parent U           the unit the file is about (a unit id such as p89, or a code read
                       today): unit names are looked for among it and the units under it
  --report FILE        write the full report (every problem) as JSON
  --show N             how many problems to print per file (default 20)`;

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
      sheet: { type: 'string' },
      parent: { type: 'string' },
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
  const computed: RefreshSummary[] = [];
  try {
    await migrate(db);
    let parentUnitId: string | undefined;
    if (values.parent !== undefined) {
      try {
        const index = new UnitIndex(await allUnits(db));
        parentUnitId = findUnit(
          index,
          values.parent,
          new Date().toISOString().slice(0, 10),
        ).unit_id;
      } catch (error) {
        if (error instanceof LookupError) throw usageError(`invalid --parent: ${error.message}`);
        throw error;
      }
    }
    for (const file of positionals) {
      const shown = progress(basename(file), io.env);
      let r: IngestReport;
      try {
        r = await ingestFile(db, file, {
          dryRun: values['dry-run'],
          layout: values.layout as Layout | undefined,
          period: values.period,
          encoding: values.encoding as Encoding | undefined,
          sheet: values.sheet,
          parentUnitId,
          onStage: (stage) => shown.stage(stage),
        });
        // the engine follows the data: recompute what this batch touched
        if (r.status === 'loaded' && r.batchId) {
          shown.stage('computing indicators');
          computed.push(await refresh(db, { months: await batchMonths(db, r.batchId) }));
        }
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
      io.out(summary(r));
      const c = r.status === 'loaded' ? computed.at(-1) : undefined;
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
