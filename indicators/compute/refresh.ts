// Materialises everything the views serve: actuals, target statuses, reporting timeliness and
// data-quality findings, then stamps "data as of". A full refresh covers every month with data;
// after a batch, only the months it touched (and the quarters and years around them).
import type { Database } from '../../pipelines/db/connect.ts';
import { ACTUALS_SCRATCH, computeActuals, setScope } from './actuals.ts';
import { computeTargets, TARGETS_SCRATCH } from './targets.ts';
import { block, sqlBlocks } from './sql.ts';
import { projectFile } from '../../pipelines/db/connect.ts';

const CHECKS = sqlBlocks(projectFile('indicators/compute/checks.sql'));
const CHECKS_SCRATCH = ['context_months', 'all_month', 'history'];

export interface RefreshSummary {
  months: number;
  actuals: number;
  targetRows: number;
  reporting: number;
  findings: number;
  seconds: number;
  dataAsOf: string | null;
}

export interface RefreshOptions {
  /** months (YYYY-MM) to recompute; all months with data when absent */
  months?: string[] | null;
  /** the day statuses are computed on (reporting: missing vs pending); default today */
  today?: string;
}

/** The months a batch touched (its monthly, dated, quarterly and yearly periods). */
export async function batchMonths(db: Database, batchId: string): Promise<string[]> {
  const rows = await db.all<{ month: string }>(
    `select distinct m as month from (
       select substr(period, 1, 7) as m from core.observation_revisions
       where batch_id = $b and regexp_full_match(period, '\\d{4}-\\d{2}(-\\d{2})?')
       union
       select strftime(d, '%Y-%m') from (
         select unnest(generate_series(
           make_date(substr(period, 1, 4)::int, (substr(period, 7, 1)::int - 1) * 3 + 1, 1),
           make_date(substr(period, 1, 4)::int, substr(period, 7, 1)::int * 3, 1), interval 1 month)) d
         from core.observation_revisions where batch_id = $b and regexp_full_match(period, '\\d{4}-Q[1-4]'))
       union
       select period || '-12' from core.observation_revisions
       where batch_id = $b and regexp_full_match(period, '\\d{4}'))
     order by month`,
    { b: batchId },
  );
  return rows.map((r) => r.month);
}

export async function refresh(db: Database, options: RefreshOptions = {}): Promise<RefreshSummary> {
  const started = performance.now();
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  // the engine's joins over every month need more room than a load: a budget of its own
  const limit = await db.scalar<string>("select current_setting('memory_limit')");
  await db.run(`set memory_limit = '${process.env.CHITIEU_ENGINE_MEMORY_LIMIT ?? '4GB'}'`);
  try {
    return await refreshWithin(db, options, started, today);
  } finally {
    await db.run(`set memory_limit = '${limit}'`);
  }
}

async function refreshWithin(
  db: Database,
  options: RefreshOptions,
  started: number,
  today: string,
): Promise<RefreshSummary> {
  try {
    // The checks' scratch (the months around the scope and each series' history) is made before
    // the transaction, from the same committed observations (the writer is this connection
    // alone): DuckDB plans its joins over temp tables a transaction has just filled without their
    // statistics, and the checks over 10.4 million figures took 99 s inside one, 4 s outside.
    const months = await setScope(db, options.months ?? null);
    for (const name of ['all_month', 'history']) await db.run(block(CHECKS, name));
    return await db.transaction(async () => {
      await computeActuals(db);
      const targetRows = await computeTargets(db);
      await db.run(block(CHECKS, 'reporting'), { today });
      await db.run(block(CHECKS, 'quality'));
      const dataAsOf = await db.scalar<string | null>(
        "select strftime(max(loaded_at), '%Y-%m-%dT%H:%M:%S') from core.batches",
      );
      await db.run(
        `insert or replace into core.meta values
           ('data_as_of', coalesce($asof, '')),
           ('computed_at', strftime(now(), '%Y-%m-%dT%H:%M:%S'))`,
        { asof: dataAsOf },
      );
      const count = async (sql: string) => Number(await db.scalar(sql));
      return {
        months,
        actuals: await count('select count(*) from core.actuals'),
        targetRows,
        reporting: await count('select count(*) from core.reporting_status'),
        findings: await count('select count(*) from core.quality_findings where batch_id is null'),
        seconds: (performance.now() - started) / 1000,
        dataAsOf,
      };
    });
  } finally {
    // a server keeps its connection: ten million rows of history must not outlive the refresh
    await db.dropTemp(
      [...ACTUALS_SCRATCH.tables, ...TARGETS_SCRATCH, ...CHECKS_SCRATCH],
      ACTUALS_SCRATCH.views,
    );
  }
}
