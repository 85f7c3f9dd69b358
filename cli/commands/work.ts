// What `chitieu tasks` and `chitieu procedures` share: `update FILE…` records a planner's file of
// status changes (every row checked, every problem reported, all recorded in one transaction or
// none), `list` shows the items with their status, overdue ones first.
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import { ENCODINGS, type Encoding } from '../../pipelines/read/decode.ts';
import { formatProblem, type Problem } from '../../pipelines/load/problems.ts';
import { allUnits } from '../../pipelines/load/units.ts';
import { today as todayIn } from '../../pipelines/normalize/calendar.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import {
  bulkReference,
  checkStatusRows,
  readStatusFile,
  type Table,
} from '../../indicators/work/bulk.ts';
import { recordChanges } from '../../indicators/work/history.ts';
import { STATUSES, type WorkKind } from '../../indicators/work/status.ts';
import { listTasks } from '../../api/services/tasks.ts';
import { listProcedures } from '../../api/services/procedures.ts';
import { inputError, usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { formatTable } from './sql.ts';

const LABEL = /^[^\p{Cc}]{1,200}$/u;

/** Overdue items now: due before today and neither done nor cancelled. */
async function overdueCount(db: Database, kind: WorkKind, today: string): Promise<number> {
  const view = kind === 'task' ? 'tasks' : 'procedures';
  return Number(
    await db.scalar(
      `select count(*) from ${view}
       where due_on < $today::date and status in ('planned', 'in_progress')`,
      { today },
    ),
  );
}

async function update(kind: WorkKind, args: string[], io: Io, help: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      encoding: { type: 'string' },
      sheet: { type: 'string' },
      by: { type: 'string' },
      show: { type: 'string', default: '50' },
    },
  });
  if (positionals.length === 0) throw usageError(`${kind}s update needs a FILE\n\n${help}`);
  if (values.encoding && !ENCODINGS.includes(values.encoding as Encoding)) {
    throw usageError(`invalid --encoding: ${values.encoding} (${ENCODINGS.join(', ')})`);
  }
  const show = Number(values.show);
  if (!Number.isInteger(show) || show < 0) throw usageError(`invalid --show: ${values.show}`);
  const by = values.by?.trim() ?? `cli (${userInfo().username})`;
  if (!LABEL.test(by)) throw usageError('invalid --by: 1 to 200 characters on one line');
  for (const file of positionals) {
    if (!existsSync(file)) throw usageError(`no such file: ${file}`);
  }
  const today = todayIn({ env: io.env });

  const tables: Table[] = [];
  const problems: Problem[] = [];
  for (const path of positionals) {
    const read = await readStatusFile(path, {
      name: basename(path),
      encoding: values.encoding as Encoding | undefined,
      sheet: values.sheet,
    });
    tables.push(...read.tables);
    problems.push(...read.problems);
  }
  const db = await Database.open(databasePath(io.env));
  try {
    await migrate(db);
    const check = checkStatusRows(tables, await bulkReference(db, kind, today, null));
    problems.push(...check.problems);
    const files = positionals.map((p) => basename(p)).join(', ');
    if (problems.length > 0) {
      for (const p of problems.slice(0, show)) io.err(formatProblem(p));
      if (problems.length > show) io.err(`… ${problems.length - show} more problem(s)`);
      io.err(`${files}: ${problems.length} problem(s); nothing recorded`);
      return 1;
    }
    const counts = STATUSES.map(
      (s) => `${check.changes.filter((c) => c.status === s).length} ${s}`,
    ).join(', ');
    if (values['dry-run']) {
      io.out(
        `${files}: dry run, ${check.changes.length} ${kind} change(s) valid (${counts}); nothing recorded`,
      );
      return 0;
    }
    const before = await overdueCount(db, kind, today);
    await recordChanges(db, kind, check.changes, { source: 'cli', recorded_by: by });
    const after = await overdueCount(db, kind, today);
    io.out(`${files}: recorded ${check.changes.length} ${kind} change(s) (${counts}) as "${by}"`);
    io.out(`overdue ${kind}s today (${today}): ${before} before, ${after} now`);
    return 0;
  } finally {
    db.close();
  }
}

async function list(kind: WorkKind, args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      plan: { type: 'string' },
      status: { type: 'string' },
      overdue: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'as-of': { type: 'string' },
    },
  });
  if (values.status && !(STATUSES as readonly string[]).includes(values.status)) {
    throw usageError(`invalid --status: ${values.status} (${STATUSES.join(', ')})`);
  }
  if (values['as-of'] && !/^\d{4}-\d{2}-\d{2}$/.test(values['as-of'])) {
    throw usageError(`invalid --as-of: ${values['as-of']} (YYYY-MM-DD)`);
  }
  const asOf = values['as-of'] ?? todayIn({ env: io.env });
  const db = await Database.open(databasePath(io.env), { readOnly: true });
  try {
    const plan = values.plan;
    if (plan) {
      const n = Number(
        await db.scalar('select count(*) from plans where plan_id = $p', { p: plan }),
      );
      if (n === 0) throw inputError(`unknown plan: ${plan}`);
    }
    const units = new UnitIndex(await allUnits(db));
    const rows =
      kind === 'task'
        ? (
            await listTasks(db, units, {
              plan,
              as_of: asOf,
              status: values.status as (typeof STATUSES)[number] | undefined,
              overdue: values.overdue || undefined,
            })
          ).tasks.map((t) => ({ ...t, name: t.title }))
        : (await listProcedures(db, units, { plan, as_of: asOf, status: values.status })).procedures
            .filter((p) => !values.overdue || p.overdue)
            .sort((a, b) => Number(b.overdue) - Number(a.overdue))
            .map((p) => ({ ...p, name: p.name }));
    if (values.json) {
      io.out(JSON.stringify({ as_of: asOf, [`${kind}s`]: rows }, null, 2));
      return 0;
    }
    const columns = [
      'plan_id',
      'seq',
      'number',
      'due_on',
      'status',
      'status_as_of',
      'overdue',
      kind === 'task' ? 'title' : 'name',
    ];
    const cells = rows.map((r) => [
      r.plan_id,
      r.seq,
      r.number,
      r.due_on,
      r.status,
      r.status_as_of,
      r.overdue ? 'overdue' : '',
      r.name,
    ]);
    for (const line of formatTable(columns, cells, Number.MAX_SAFE_INTEGER)) io.out(line);
    io.out(`read against ${asOf}; ${rows.filter((r) => r.overdue).length} overdue`);
    return 0;
  } finally {
    db.close();
  }
}

export async function runWork(
  kind: WorkKind,
  args: string[],
  io: Io,
  help: string,
): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'update':
      return update(kind, rest, io, help);
    case 'list':
      return list(kind, rest, io);
    default:
      throw usageError(
        `${sub ? `unknown subcommand: ${kind}s ${sub}` : `${kind}s needs a subcommand`}\n\n${help}`,
      );
  }
}
