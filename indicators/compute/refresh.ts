// Materialises everything the views serve: actuals, target statuses, reporting timeliness and
// data-quality findings, then stamps "data as of". A full refresh covers every month with data;
// after a batch, only the months it touched (and the quarters and years around them).
import { listValue } from '@duckdb/node-api';
import type { Database } from '../../pipelines/db/connect.ts';
import {
  addMonths,
  lastFullMonth,
  monthEnd,
  monthOfDate,
  monthsBetween,
  monthStart,
  today,
} from '../../pipelines/normalize/calendar.ts';
import {
  formatPeriod,
  parsePeriod,
  periodEnd,
  periodsIn,
  type Period,
} from '../../pipelines/normalize/periods.ts';
import { ACTUALS_SCRATCH, computeActuals, setScope } from './actuals.ts';
import { computeTargets, TARGETS_SCRATCH } from './targets.ts';
import { block, sqlBlocks, tempTable } from './sql.ts';
import { projectFile } from '../../pipelines/db/connect.ts';
import { asStorageError, StorageError } from '../../pipelines/db/storage.ts';

const CHECKS = sqlBlocks(projectFile('indicators/compute/checks.sql'));
const CHECKS_SCRATCH = ['context_months', 'all_month', 'history', 'reporting_months'];

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
  /** the day statuses are computed on (reporting: missing vs pending); default today in Vietnam */
  today?: string;
  /**
   * the batches whose refresh this one completes (their core.refresh_pending rows are deleted in
   * the transaction that stores the results); a full refresh (no months) completes every batch
   */
  settles?: string[];
  /**
   * The months whose reporting is recomputed: 'all' — every month a plan's reporting duty covers,
   * up to the last full month (a full refresh; and after a plan import, which may move duties);
   * 'scope' — the months in scope, the months still pending, and the months that came due since
   * the last refresh. Default: 'all' for a full refresh, 'scope' when months are given.
   */
  reporting?: 'all' | 'scope';
}

/** A core.refresh_pending row that is not a batch: a migration owes a full refresh. */
export const FULL_REFRESH_MARKER = 'refresh:';

/** The meta key a plan import sets, and a refresh that re-reads every duty clears. */
export const PLANS_REFRESH_KEY = 'plans_refresh_needed';

/** What a batch still owes: the refresh of its months, recorded with its figures (migration 010). */
export async function pendingBatches(db: Database): Promise<string[]> {
  const rows = await db.all<{ batch_id: string }>(
    'select batch_id from core.refresh_pending order by recorded_at, batch_id',
  );
  return rows.map((r) => r.batch_id);
}

/**
 * Completes every refresh still owed: the months of each batch whose figures were committed and
 * whose refresh was not (a process killed between the two). Null when nothing is owed. Called
 * before a server serves and after every ingest, so results are never older than the figures.
 */
export async function refreshPending(
  db: Database,
  options: Omit<RefreshOptions, 'months' | 'settles'> = {},
): Promise<RefreshSummary | null> {
  const batches = await pendingBatches(db);
  if (batches.length === 0) return null;
  const months = new Set<string>();
  for (const b of batches) for (const m of await batchMonths(db, b)) months.add(m);
  // a migration that changed what the engine computes owes a full refresh ('refresh:' markers)
  const full = batches.some((b) => b.startsWith(FULL_REFRESH_MARKER));
  try {
    return await refresh(
      db,
      full ? options : { ...options, months: [...months].sort(), settles: batches },
    );
  } catch (error) {
    // the figures are committed and their refresh is still recorded as owed (its transaction
    // did not commit): said as such, so that nobody reads "nothing was loaded", nor retries
    // the upload; the next request or start completes it (api/plugins/warehouse.ts)
    const fault = asStorageError(error, db.path);
    if (!fault) throw error;
    const owed = RESULTS_OWED(batches);
    throw new StorageError(fault.kind, fault.path, fault.detail, owed.en, owed.vi);
  }
}

/** What a storage fault in the refresh of committed batches leaves: the figures, results owed. */
const RESULTS_OWED = (batches: string[]) => ({
  en:
    `the figures were stored (${batches.join(', ')}) but their results could not be ` +
    'computed; they are computed at the next request, or when the server starts, once the disk ' +
    'can be written',
  vi:
    `số liệu đã được lưu (${batches.join(', ')}) nhưng chưa tính được kết quả; kết quả sẽ được ` +
    'tính ở lần truy cập sau, hoặc khi máy chủ khởi động, khi ổ đĩa ghi được trở lại',
});

/**
 * The months a stored period touches: a month or a day its month, a quarter its three months, a
 * year its last month (which brings its quarter and the year into the scope); none for text that
 * is not a canonical period.
 */
export function touchedMonths(period: string): string[] {
  const p = parsePeriod(period);
  if (!p || formatPeriod(p) !== period) return [];
  const month = (q: Period) => monthOfDate(periodEnd(q));
  if (p.grain === 'quarter') return periodsIn(p, 'month').map(month);
  return [month(p)];
}

/** The months a batch touched (its monthly, dated, quarterly and yearly periods). */
export async function batchMonths(db: Database, batchId: string): Promise<string[]> {
  const rows = await db.all<{ period: string }>(
    'select distinct period from core.observation_revisions where batch_id = $b',
    { b: batchId },
  );
  return [...new Set(rows.flatMap((r) => touchedMonths(r.period)))].sort();
}

/**
 * The months (YYYY-MM) whose reporting a refresh recomputes (RefreshOptions.reporting), from the
 * first month any duty covers to the last full month.
 */
async function reportingMonths(
  db: Database,
  mode: 'all' | 'scope',
  scope: string[],
  lastMonth: string,
): Promise<string[]> {
  const first = await db.scalar<string | null>(
    'select min(first_month) from core.reporting_obligations where unit_id is not null',
  );
  if (!first) return [];
  if (mode === 'all') return monthsBetween(first, lastMonth);
  const stored = await db.all<{ period: string; pending: boolean }>(
    `select period, bool_or(status = 'pending') pending from core.reporting_status group by period`,
  );
  const latest = stored
    .map((r) => r.period)
    .sort()
    .at(-1);
  const out = new Set([
    ...scope,
    ...stored.filter((r) => r.pending).map((r) => r.period),
    // months that came due since the last refresh
    ...monthsBetween(latest ? addMonths(latest, 1) : first, lastMonth),
  ]);
  return [...out].filter((m) => m >= first && m <= lastMonth).sort();
}

/**
 * The months the quality checks of the scope read: six months either side of each, and the same
 * calendar month of the thirty years before (a series' history).
 */
function contextMonths(scope: string[]): string[] {
  const out = new Set<string>();
  for (const month of scope) {
    for (let k = -6; k <= 6; k++) out.add(addMonths(month, k));
    for (let years = 1; years <= 30; years++) out.add(addMonths(month, -12 * years));
  }
  return [...out].sort();
}

export async function refresh(db: Database, options: RefreshOptions = {}): Promise<RefreshSummary> {
  const started = performance.now();
  const day = options.today ?? today();
  // the engine's joins over every month need more room than a load: a budget of its own
  const limit = await db.scalar<string>("select current_setting('memory_limit')");
  await db.run(`set memory_limit = '${process.env.CHITIEU_ENGINE_MEMORY_LIMIT ?? '4GB'}'`);
  try {
    return await refreshWithin(db, options, started, day);
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
    await tempTable(
      db,
      'context_months',
      [['month', 'varchar']],
      contextMonths(months).map((m) => [m]),
    );
    for (const name of ['all_month', 'history']) await db.run(block(CHECKS, name));
    return await db.transaction(async () => {
      await computeActuals(db);
      const targetRows = await computeTargets(db);
      const mode = options.reporting ?? (options.months ? 'scope' : 'all');
      const lastMonth = lastFullMonth(today);
      await tempTable(
        db,
        'reporting_months',
        [
          ['month', 'varchar'],
          ['month_end', 'date'],
          ['next_month_start', 'date'],
          ['next_month_end', 'date'],
        ],
        (await reportingMonths(db, mode, months, lastMonth)).map((m) => [
          m,
          monthEnd(m),
          monthStart(addMonths(m, 1)),
          monthEnd(addMonths(m, 1)),
        ]),
      );
      // every duty read again: the rows of months no duty covers any more go too
      if (mode === 'all') {
        await db.run('delete from core.reporting_status');
        await db.run('delete from core.meta where key = $k', { k: PLANS_REFRESH_KEY });
      }
      await db.run(block(CHECKS, 'reporting'), { today, last_month: lastMonth });
      await db.run(block(CHECKS, 'quality'));
      if (options.months == null) {
        await db.run('delete from core.refresh_pending');
      } else if (options.settles?.length) {
        await db.run('delete from core.refresh_pending where list_contains($ids, batch_id)', {
          ids: listValue(options.settles),
        });
      }
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
        months: months.length,
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
