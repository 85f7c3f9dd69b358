// Computes actuals per indicator × unit × period from the observations (DESIGN.md §3), for every
// month with data or only for the months a batch touched (and the quarters and years around them).
import type { Database } from '../../pipelines/db/connect.ts';
import { block, sqlBlocks, tempTable } from './sql.ts';
import {
  addMonths,
  monthEnd,
  monthOfDate,
  monthsBetween,
  monthStart,
  quarterOfMonth,
} from '../../pipelines/normalize/calendar.ts';
import { formatPeriod, parsePeriod, periodStart } from '../../pipelines/normalize/periods.ts';
import { projectFile } from '../../pipelines/db/connect.ts';

const SQL = sqlBlocks(projectFile('indicators/compute/actuals.sql'));
const LEVELS = ['commune', 'district', 'province', 'national'] as const;

/** The month (YYYY-MM) a stored period starts in; null for text that is not a canonical period. */
function startMonth(period: string): string | null {
  const p = parsePeriod(period);
  return p && formatPeriod(p) === period ? monthOfDate(periodStart(p)) : null;
}

/**
 * Fills temp table scope_months with the given months (YYYY-MM), or every month with data (a
 * quarter's or a year's figure counts in its first month), each with its calendar (its end, its
 * quarter and year, the next month's first and last day); and scope_year_months with every
 * month of the years they touch. Makes the view monthly_report_rows that the actuals and the
 * checks read. Returns the months, in order.
 */
export async function setScope(db: Database, months: string[] | null): Promise<string[]> {
  const given =
    months ??
    (await db.all<{ period: string }>('select distinct period from core.observation_revisions'))
      .map((r) => startMonth(r.period))
      .filter((m): m is string => m !== null);
  const scope = [...new Set(given)].sort();
  await tempTable(
    db,
    'scope_months',
    [
      ['month', 'varchar'],
      ['month_end', 'date'],
      ['quarter', 'varchar'],
      ['year', 'varchar'],
      ['next_month_start', 'date'],
      ['next_month_end', 'date'],
    ],
    scope.map((m) => [
      m,
      monthEnd(m),
      quarterOfMonth(m),
      m.slice(0, 4),
      monthStart(addMonths(m, 1)),
      monthEnd(addMonths(m, 1)),
    ]),
  );
  const years = [...new Set(scope.map((m) => m.slice(0, 4)))];
  await tempTable(
    db,
    'scope_year_months',
    [
      ['month', 'varchar'],
      ['month_end', 'date'],
      ['quarter', 'varchar'],
      ['year', 'varchar'],
    ],
    years.flatMap((y) =>
      monthsBetween(`${y}-01`, `${y}-12`).map((m) => [m, monthEnd(m), quarterOfMonth(m), y]),
    ),
  );
  await db.run(block(SQL, 'report_rows'));
  return scope;
}

/** What setScope and computeActuals leave in the connection's temp schema. */
export const ACTUALS_SCRATCH = {
  tables: [
    'scope_months',
    'scope_year_months',
    'own_month',
    'own_pairs',
    'child_counts',
    'month_fig',
    'rolled',
    'own_periods',
  ],
  views: ['monthly_report_rows'],
};

/** Recomputes the actuals of the months in scope_months (see setScope). */
export async function computeActuals(db: Database): Promise<void> {
  for (const name of ['own_month', 'own_pairs', 'child_counts', 'month_fig']) {
    await db.run(block(SQL, name));
  }
  for (const level of LEVELS) await db.run(block(SQL, 'level'), { level });
  for (const name of ['reconstruct', 'write_months', 'rollup', 'own_periods', 'write_periods']) {
    await db.run(block(SQL, name));
  }
}
