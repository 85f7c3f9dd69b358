// The `chitieu` command line: dispatches to one module per command; exit 0 on success, 1 on
// rejected input (nothing loaded), 2 on usage errors.
import { CliError } from './errors.ts';
import { processIo, type Io } from './io.ts';
import { COMMAND_HELP } from './help.ts';

interface Command {
  run(args: string[], io: Io): Promise<number>;
}

// Each command is imported when it runs, so that `chitieu status` does not load exceljs,
// Plot, linkedom or Chromium's driver, and `--help` loads none of them.
const COMMANDS: Record<keyof typeof COMMAND_HELP, () => Promise<Command>> = {
  init: () => import('./commands/init.ts'),
  units: () => import('./commands/units.ts'),
  plans: () => import('./commands/plans.ts'),
  ingest: () => import('./commands/ingest.ts'),
  start: () => import('./commands/start.ts'),
  demo: () => import('./commands/demo.ts'),
  status: () => import('./commands/status.ts'),
  sql: () => import('./commands/sql.ts'),
  export: () => import('./commands/export.ts'),
  refresh: () => import('./commands/refresh.ts'),
  serve: () => import('./commands/serve.ts'),
  report: () => import('./commands/report.ts'),
  token: () => import('./commands/token.ts'),
  user: () => import('./commands/user.ts'),
  tasks: () => import('./commands/tasks.ts'),
  procedures: () => import('./commands/procedures.ts'),
  template: () => import('./commands/template.ts'),
  approve: () => import('./commands/approve.ts'),
};

const isCommand = (name: string): name is keyof typeof COMMAND_HELP =>
  Object.hasOwn(COMMANDS, name);

export const HELP = `chitieu — Đề án 06 targets, plans and reported figures in DuckDB

Usage: chitieu <command> [options]

Commands:
  init            create or migrate the database; load units, catalogue and plans
  units import    load full lists of administrative units (CSV or the public JSON)
  plans           plan files (YAML): import FILE… as versions, check FILE…, list
  ingest FILE…    validate and load reported figures (CSV long or wide, JSON), all-or-nothing
  start           init, load the demo into an empty database, summarise, serve (npm start)
  demo            load a deterministic synthetic demo dataset through the ingest pipeline
  refresh         recompute actuals, target statuses, reporting and quality findings
  status          the scorecard of a unit for a period (--unit U --period P [--json])
  sql [QUERY]     read-only SQL over the database, one-shot or interactive
  export VIEW     observations or progress as CSV, Parquet or Arrow (--format, --out, filters)
  serve           the HTTP API and dashboards (--port 3000, --host 127.0.0.1)
  report          the quarterly pack as an A4 PDF (--unit U --quarter Q --pdf FILE)
  token           API access tokens: create --role R [--unit U] [--label T], list, revoke ID
  user            browser accounts: add --login L --role R [--unit U] [--password-stdin], list, disable L
  tasks           plan tasks' progress: update FILE… (status changes, all-or-nothing), list
  procedures      essential procedures' progress: update FILE…, list (as tasks)
  template        a template to fill in: --unit U --period P [--format xlsx|csv] [--out FILE]
  approve         approve a period for a unit subtree (--unit U --period P): later revisions locked

Every command takes --help. Database: env CHITIEU_DB, default data/chitieu.duckdb.
Today is the date in Vietnam (Asia/Ho_Chi_Minh); env CHITIEU_TODAY=YYYY-MM-DD fixes it.
Exit codes: 0 success, 1 rejected input (nothing loaded), 2 usage error.`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? 2 : 0;
  }
  if (!isCommand(name)) {
    io.err(`unknown command: ${name}\n\n${HELP}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(COMMAND_HELP[name]);
    return 0;
  }
  try {
    const command = await COMMANDS[name]();
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(error.message);
      return error.exitCode;
    }
    // loaded only now: the command has loaded them already, and --help should not
    const { DatabaseBusyError, DatabaseMissingError, StorageError } =
      await import('../pipelines/db/connect.ts');
    const { DefinitionError } = await import('../indicators/definitions.ts');
    const { CalendarError } = await import('../pipelines/normalize/calendar.ts');
    if (error instanceof DatabaseBusyError || error instanceof DatabaseMissingError) {
      io.err(error.message);
      return 1;
    }
    if (error instanceof StorageError) {
      // a full disk, a read-only or missing folder: one line in both languages, no stack trace
      io.err(error.line);
      return 1;
    }
    if (error instanceof DefinitionError) {
      io.err(error.message);
      return 1;
    }
    if (error instanceof CalendarError) {
      // a bad CHITIEU_TODAY: the command was called wrongly
      io.err(error.message);
      return 2;
    }
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      io.err(`${error.message}\n\nRun chitieu ${name} --help`);
      return 2;
    }
    throw error;
  }
}
