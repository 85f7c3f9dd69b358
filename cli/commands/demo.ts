// `chitieu demo`: generate the synthetic demo dataset, write it as canonical long CSV files and
// load them through the ingest pipeline, like any unit's reports; label the database synthetic.
import { parseArgs } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import { ingestFile, type IngestReport } from '../../pipelines/load/ingest.ts';
import { formatProblem } from '../../pipelines/load/problems.ts';
import { initialise } from './init.ts';
import { refresh, type RefreshSummary } from '../../indicators/compute/refresh.ts';
import { isMonth, lastFullMonth, FIRST_MONTH } from '../../pipelines/demo/calendar.ts';
import { today as todayIn } from '../../pipelines/normalize/calendar.ts';
import {
  DEFAULT_SEED,
  demoFiles,
  figureKey,
  generateDemo,
  toCsv,
  type DemoDataset,
  type DemoInput,
  type DemoUnit,
} from '../../pipelines/demo/generate.ts';
import { demoProgress } from '../../pipelines/demo/progress.ts';
import { readHistory, recordChanges, workItems } from '../../indicators/work/history.ts';
import { planPlaces } from '../../indicators/work/scope.ts';
import { WORK_KINDS } from '../../indicators/work/status.ts';
import { inputError, usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.demo;

export interface DemoRun {
  data: DemoDataset;
  reports: IngestReport[];
  /** the engine's refresh after the load (null when nothing changed) */
  computed: RefreshSummary | null;
  /** synthetic status changes of tasks and procedures recorded now */
  progress: number;
  seconds: number;
  /** init had to run first (an empty database) */
  initialised: boolean;
}

/** Reads what the generator needs from the database: units, successions, due days, metrics. */
export async function demoInput(db: Database): Promise<DemoInput> {
  const units = await db.all<DemoUnit>(
    `select unit_id, code, name, level, parent_id, valid_from::varchar as valid_from,
       valid_to::varchar as valid_to
     from units order by unit_id`,
  );
  const successions = await db.all<{ from_unit_id: string; to_unit_id: string }>(
    'select from_unit_id, to_unit_id from unit_succession order by all',
  );
  const due = await db.all<{ unit_id: string; day: number }>(
    `select unit_id, min(report_due_day) as day from core.reporting_obligations
     where unit_id is not null group by unit_id`,
  );
  const metrics = await db.all<{ metric_id: string }>('select metric_id from metrics');
  return {
    units,
    successions,
    dueDays: Object.fromEntries(due.map((d) => [d.unit_id, Number(d.day)])),
    metrics: metrics.map((m) => m.metric_id),
  };
}

/** Corrections already in the database: their figures' latest value is the corrected one. */
async function correctionsLoaded(db: Database, data: DemoDataset): Promise<Set<string>> {
  const done = new Set<string>();
  for (const c of data.corrections) {
    const value = await db.scalar<number | null>(
      'select value from observations where unit_id = $u and period = $p and metric = $m',
      { u: c.unit_id, p: c.period, m: c.metric },
    );
    if (value === c.value) done.add(figureKey(c.unit_id, c.period, c.metric));
  }
  return done;
}

/** The whole demo on an open database; used by the command and the tests. */
export async function runDemo(
  db: Database,
  options: { seed: number; until: string; asOf: string | null; outDir?: string },
): Promise<DemoRun> {
  const started = performance.now();
  await migrate(db);
  const provinces = Number(await db.scalar("select count(*) from units where level = 'province'"));
  const initialised = provinces === 0;
  if (initialised) await initialise(db);
  const foreign = Number(
    await db.scalar(
      `select count(*) from core.batches
       where loaded_by is distinct from 'demo' and rows_new + rows_revised > 0`,
    ),
  );
  if (foreign > 0) {
    throw inputError(
      `the database ${db.path} holds figures from ${foreign} other file(s); the demo will not ` +
        'mix synthetic data into it (point CHITIEU_DB at a separate file)',
    );
  }
  const data = generateDemo(await demoInput(db), options);
  const files = demoFiles(data, await correctionsLoaded(db, data));
  const dir = options.outDir ?? mkdtempSync(join(tmpdir(), 'chitieu-demo-'));
  if (options.outDir) mkdirSync(dir, { recursive: true });
  const reports: IngestReport[] = [];
  try {
    await db.run("insert or replace into core.meta (key, value) values ('demo_data', 'synthetic')");
    for (const file of files) {
      const path = join(dir, file.name);
      writeFileSync(path, toCsv(file.rows));
      const report = await ingestFile(db, path, { loadedBy: 'demo' });
      reports.push(report);
      if (report.status === 'rejected') break;
    }
  } finally {
    if (!options.outDir) rmSync(dir, { recursive: true, force: true });
  }
  // the engine's results follow the data: recompute everything once the demo is in
  const changed = reports.some((r) => r.status === 'loaded');
  const computed = changed ? await refresh(db, { today: options.asOf ?? undefined }) : null;
  const progress = reports.some((r) => r.status === 'rejected')
    ? 0
    : await recordDemoProgress(db, options.seed, options.asOf ?? todayIn());
  return {
    data,
    reports,
    computed,
    progress,
    seconds: (performance.now() - started) / 1000,
    initialised,
  };
}

/**
 * The demo's task and procedure progress (pipelines/demo/progress.ts), recorded once by 'demo'
 * for items nobody recorded anything for; a second run records nothing.
 */
async function recordDemoProgress(db: Database, seed: number, asOf: string): Promise<number> {
  const before = Number(
    await db.scalar(
      `select (select count(*) from core.task_status_history where source = 'demo')
            + (select count(*) from core.procedure_status_history where source = 'demo')`,
    ),
  );
  if (before > 0) return 0;
  const places = await planPlaces(db);
  let recorded = 0;
  for (const kind of WORK_KINDS) {
    const kept = new Set((await readHistory(db, kind)).map((h) => `${h.plan_id} ${h.seq}`));
    const items = new Map(
      (await workItems(db, kind))
        .filter((i) => !kept.has(`${i.plan_id} ${i.seq}`))
        .map((i) => [`${i.plan_id} ${i.seq}`, i]),
    );
    const changes = demoProgress(
      [...items.values()].map((i) => ({
        kind,
        plan_id: i.plan_id,
        seq: i.seq,
        due_on: i.due_on,
        plan_date: places.get(i.plan_id)?.date ?? null,
      })),
      seed,
      asOf,
    );
    const stored = await recordChanges(
      db,
      kind,
      changes.map((c) => ({
        item: items.get(`${c.plan_id} ${c.seq}`)!,
        status: c.status,
        as_of: c.as_of,
        note: c.note,
        evidence_url: null,
      })),
      { source: 'demo', recorded_by: 'demo' },
    );
    recorded += stored.length;
  }
  return recorded;
}

const count = (n: number) => n.toLocaleString('en-US');

export function describeDemo(run: DemoRun): string[] {
  const { data, reports } = run;
  const o = data.options;
  const lines: string[] = [];
  if (run.initialised) lines.push('the database was empty: ran chitieu init first');
  lines.push(
    `synthetic demo data (dữ liệu mô phỏng), seed ${o.seed}, ${data.months[0]} … ${o.until}: ` +
      `${data.metrics.length} metrics, ${data.provincesBefore.length} provinces to 6/2025, ` +
      `${data.provincesAfter.length} from 7/2025`,
  );
  lines.push(
    data.districts.length + data.communes.length > 0
      ? `detail for the seed provinces: ${data.districts.length} districts, ${data.communes.length} communes`
      : 'no districts or communes in the database (chitieu units import FILE): province level only',
  );
  for (const r of reports) {
    const what =
      r.status === 'loaded'
        ? `loaded as batch ${r.batchId}`
        : r.status === 'unchanged'
          ? 'unchanged'
          : r.status;
    lines.push(
      `  ${r.file}: ${what} — ${count(r.rowsRead)} rows, ${count(r.rowsNew)} new, ` +
        `${count(r.rowsRevised)} revised, ${r.warnings.length} warning(s); ${r.seconds.toFixed(2)} s`,
    );
  }
  if (run.progress > 0) {
    lines.push(
      `recorded ${count(run.progress)} synthetic status changes of plan tasks and procedures`,
    );
  }
  if (run.computed) {
    const c = run.computed;
    lines.push(
      `computed ${count(c.actuals)} actuals, ${count(c.targetRows)} target evaluations, ` +
        `${count(c.reporting)} reporting rows, ${count(c.findings)} quality findings in ${c.seconds.toFixed(1)} s`,
    );
  }
  const rows = reports.reduce((a, r) => a + r.rowsRead, 0);
  const batches = reports.filter((r) => r.status === 'loaded').length;
  lines.push(
    `${reports.length} files, ${count(rows)} rows, ${batches} new batch(es)` +
      `${batches === 0 ? ' (nothing changed)' : ''}; ${run.seconds.toFixed(1)} s`,
  );
  return lines;
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      until: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const today = todayIn({ env: io.env });
  const latest = lastFullMonth(today);
  const until = values.until ?? latest;
  if (!isMonth(until) || until < FIRST_MONTH || until > latest) {
    throw usageError(
      `invalid --until: ${until} (a month YYYY-MM from ${FIRST_MONTH} to ${latest})`,
    );
  }
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!/^\d+$/.test(values.seed ?? '0') || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
    throw usageError(`invalid --seed: ${values.seed} (an integer from 0 to 4294967295)`);
  }
  const db = await Database.open(databasePath(io.env));
  let result: DemoRun;
  try {
    result = await runDemo(db, {
      seed,
      until,
      asOf: today,
      outDir: values.out ? resolve(values.out) : undefined,
    });
  } finally {
    db.close();
  }
  for (const r of result.reports) {
    for (const p of r.errors.slice(0, 20)) io.err(formatProblem(p));
    if (r.errorCount > 20) io.err(`… ${r.errorCount - 20} more error(s)`);
  }
  for (const line of describeDemo(result)) io.out(line);
  if (result.reports.some((r) => r.status === 'rejected')) {
    io.err('the demo data was rejected by the ingest pipeline: nothing more was loaded');
    return 1;
  }
  return 0;
}
