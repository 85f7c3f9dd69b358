// Computes actuals per indicator × unit × period from the observations (DESIGN.md §3), for every
// month with data or only for the months a batch touched (and the quarters and years around them).
import type { Database } from '../../pipelines/db/connect.ts';
import { block, sqlBlocks } from './sql.ts';
import { projectFile } from '../../pipelines/db/connect.ts';

const SQL = sqlBlocks(projectFile('indicators/compute/actuals.sql'));
const LEVELS = ['commune', 'district', 'province', 'national'] as const;

/**
 * Fills temp table scope_months with the given months (YYYY-MM), or every month with data, and
 * makes the view monthly_report_rows that the actuals and the checks read.
 */
export async function setScope(db: Database, months: string[] | null): Promise<number> {
  await db.run('create or replace temp table scope_list (month varchar)');
  if (months === null) {
    await db.run(`insert into scope_list
      with periods as (select distinct period from core.observation_revisions)
      select substr(period, 1, 7) from periods
      where regexp_full_match(period, '\\d{4}-\\d{2}(-\\d{2})?')
      union
      select substr(period, 1, 4) || '-' || lpad(((substr(period, 7, 1)::int - 1) * 3 + 1)::varchar, 2, '0')
      from periods where regexp_full_match(period, '\\d{4}-Q[1-4]')
      union
      select period || '-01' from periods where regexp_full_match(period, '\\d{4}')`);
  } else {
    for (const month of months) await db.run('insert into scope_list values ($m)', { m: month });
  }
  await db.run(`create or replace temp table scope_months as
    select distinct month, last_day(strptime(month || '-01', '%Y-%m-%d')::date) as month_end,
           substr(month, 1, 4) || '-Q' || (((substr(month, 6, 2)::int - 1) // 3) + 1) as quarter,
           substr(month, 1, 4) as year
    from scope_list`);
  await db.run(block(SQL, 'report_rows'));
  return Number(await db.scalar('select count(*) from scope_months'));
}

/** What setScope and computeActuals leave in the connection's temp schema. */
export const ACTUALS_SCRATCH = {
  tables: [
    'scope_list',
    'scope_months',
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
