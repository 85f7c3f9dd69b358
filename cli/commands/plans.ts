// `chitieu plans import|check|list`: plan files (the YAML of indicators/plans/) checked, stored
// as versions, and listed with the version each is at.
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import {
  Database,
  DatabaseBusyError,
  DatabaseMissingError,
  databasePath,
} from '../../pipelines/db/connect.ts';
import { loadCatalogue } from '../../indicators/catalogue/load.ts';
import { planFiles } from '../../indicators/plans/load.ts';
import {
  checkPlans,
  formatFileProblem,
  importPlans,
  shippedContext,
  storedPlans,
  type ImportReport,
  type PlanFile,
  type PlanOutcome,
} from '../../indicators/plans/import.ts';
import { PLANS_REFRESH_KEY } from '../../indicators/compute/refresh.ts';
import { describeInit, initialise } from './init.ts';
import { inputError, usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.plans;

function readFiles(paths: string[]): PlanFile[] {
  for (const path of paths) if (!existsSync(path)) throw usageError(`no such file: ${path}`);
  return paths.map((path) => ({ name: path, bytes: readFileSync(path) }));
}

function changes(o: PlanOutcome): string {
  const t = o.targets;
  const parts = [
    t.added.length ? `${t.added.length} target(s) added` : '',
    t.changed.length ? `${t.changed.length} changed (${t.changed.join(', ')})` : '',
    t.removed.length ? `${t.removed.length} removed (${t.removed.join(', ')})` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'targets as before';
}

const counts = (o: PlanOutcome) =>
  `${o.counts.targets} targets, ${o.counts.tasks} tasks, ${o.counts.procedures} procedures, ` +
  `${o.counts.notes} notes`;

/** One line per file: what it became (or would), with its version. */
export function describeOutcome(o: PlanOutcome, check: boolean): string {
  const sha = o.sha256.slice(0, 12);
  switch (o.status) {
    case 'new':
      return check
        ? `${o.file}: ${o.plan_id} valid — a new plan (${counts(o)})`
        : `${o.file}: ${o.plan_id} imported as version 1 (${counts(o)}); sha256 ${sha}`;
    case 'updated':
      return check
        ? `${o.file}: ${o.plan_id} valid — would be version ${o.version} (now ${o.previous_version}): ${changes(o)}`
        : `${o.file}: ${o.plan_id} imported as version ${o.version} (was ${o.previous_version}): ${changes(o)}; sha256 ${sha}`;
    case 'unchanged':
      return `${o.file}: ${o.plan_id} unchanged — version ${o.version} has the same content (sha256 ${sha}); nothing ${check ? 'to write' : 'written'}`;
    case 'kept':
      return `${o.file}: ${o.plan_id} kept at version ${o.version} (imported by a user)`;
  }
}

function printRejected(report: ImportReport, io: Io, show: number): void {
  const problems = report.problems;
  for (const p of problems.slice(0, show)) io.err(formatFileProblem(p));
  if (problems.length > show) io.err(`… và ${problems.length - show} lỗi khác (and more)`);
}

async function runImport(paths: string[], io: Io, json: boolean, show: number): Promise<number> {
  const files = readFiles(paths);
  const catalogue = loadCatalogue();
  const db = await Database.open(databasePath(io.env));
  try {
    // the shipped plans (the parents of most files) and the schema first, as `chitieu init`
    const init = await initialise(db);
    if (init.migrations.length > 0 || init.plans.status === 'imported') {
      for (const line of describeInit(init)) io.err(`init: ${line}`);
    }
    const report = await importPlans(db, files, {
      catalogue,
      origin: 'cli',
      importedBy: `cli:${userInfo().username}`,
    });
    if (json) io.out(JSON.stringify(report, null, 2));
    if (report.status === 'rejected') {
      if (!json) printRejected(report, io, show);
      throw inputError(
        `${report.problems.length} problem(s); nothing was imported (không nhập gì)`,
      );
    }
    if (!json) {
      for (const o of report.plans) io.out(describeOutcome(o, false));
      if (report.refresh) {
        io.out(
          `engine: ${report.refresh.targets} target statuses, ${report.refresh.reporting} ` +
            `reporting rows recomputed in ${report.refresh.seconds.toFixed(2)} s`,
        );
      }
    }
    return 0;
  } finally {
    db.close();
  }
}

/** The plans a check is read against: the database's, else the shipped ones (and says which). */
async function checkContext(io: Io) {
  const catalogue = loadCatalogue();
  try {
    const db = await Database.open(databasePath(io.env), { readOnly: true });
    try {
      const { plans, unversioned } = await storedPlans(db);
      if (unversioned.length === 0) return { catalogue, stored: plans, against: db.path };
    } finally {
      db.close();
    }
  } catch (error) {
    if (!(error instanceof DatabaseMissingError || error instanceof DatabaseBusyError)) throw error;
  }
  return {
    catalogue,
    stored: shippedContext(catalogue, planFiles()),
    against: 'the shipped plans in indicators/plans/ (no database could be read)',
  };
}

async function runCheck(paths: string[], io: Io, json: boolean, show: number): Promise<number> {
  const files = readFiles(paths);
  const { catalogue, stored, against } = await checkContext(io);
  const report = checkPlans(files, catalogue, stored);
  if (json) io.out(JSON.stringify(report, null, 2));
  if (report.status === 'rejected') {
    if (!json) printRejected(report, io, show);
    throw inputError(`${report.problems.length} problem(s) (lỗi) in ${paths.length} file(s)`);
  }
  if (!json) {
    io.out(`checked against ${against}`);
    for (const o of report.plans) io.out(describeOutcome(o, true));
  }
  return 0;
}

interface ListedPlan {
  plan_id: string;
  version: number | null;
  versions: number;
  unit_code: string;
  document_no: string | null;
  issued_on: string | null;
  report_due_day: number | null;
  targets: number;
  tasks: number;
  imported_at: string | null;
  imported_by: string | null;
  source_file: string | null;
}

async function runList(io: Io, json: boolean): Promise<number> {
  const db = await Database.open(databasePath(io.env), { readOnly: true });
  try {
    const rows = await db.all<ListedPlan>(
      `select p.plan_id, p.version, (select count(*) from plan_versions v
               where v.plan_id = p.plan_id)::integer versions,
              p.unit_code, p.document_no, strftime(p.issued_on, '%Y-%m-%d') issued_on,
              p.report_due_day,
              (select count(*) from targets t where t.plan_id = p.plan_id)::integer targets,
              (select count(*) from tasks t where t.plan_id = p.plan_id)::integer tasks,
              strftime(v.imported_at, '%Y-%m-%d %H:%M') imported_at, v.imported_by, v.source_file
       from plans p
       left join plan_versions v on v.plan_id = p.plan_id and v.version = p.version
       order by p.plan_id`,
    );
    const pending = await db.scalar<string | undefined>(
      'select value from core.meta where key = $k',
      { k: PLANS_REFRESH_KEY },
    );
    if (json) {
      io.out(JSON.stringify({ plans: rows, refresh_needed: pending ?? null }, null, 2));
      return 0;
    }
    const table = [
      ['plan', 'version', 'unit', 'document', 'targets', 'tasks', 'report by', 'imported'],
      ...rows.map((r) => [
        r.plan_id,
        r.version === null ? '—' : `${r.version}${r.versions > 1 ? ` of ${r.versions}` : ''}`,
        r.unit_code,
        r.document_no ?? '—',
        String(r.targets),
        String(r.tasks),
        r.report_due_day === null ? '—' : `day ${r.report_due_day}`,
        r.imported_at ? `${r.imported_at} ${r.imported_by}` : '—',
      ]),
    ];
    const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
    for (const row of table)
      io.out(
        row
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      );
    if (pending) {
      io.err(
        `the engine has not re-evaluated the targets since plans were imported (${pending}): ` +
          'run chitieu refresh',
      );
    }
    return 0;
  } finally {
    db.close();
  }
}

export async function run(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, show: { type: 'string', default: '50' } },
  });
  const show = Number(values.show);
  if (!Number.isInteger(show) || show < 1) throw usageError(`invalid --show: ${values.show}`);
  switch (sub) {
    case 'import':
    case 'check':
      if (positionals.length === 0) throw usageError(`plans ${sub} needs a FILE\n\n${help}`);
      return sub === 'import'
        ? runImport(positionals, io, values.json, show)
        : runCheck(positionals, io, values.json, show);
    case 'list':
      if (positionals.length > 0) throw usageError(`plans list takes no FILE\n\n${help}`);
      return runList(io, values.json);
    default:
      throw usageError(`unknown plans command: ${sub ?? '(none)'}\n\n${help}`);
  }
}
