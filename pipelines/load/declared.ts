// The date a file declares for its figures (`reported_at`), checked before it is kept: a figure
// cannot have been reported after today (in Vietnam), nor before the period it measures began
// (a month's figure on the 1st of that month at the earliest; a snapshot on its own day). Such a
// date is refused, with its row, column and value, in both languages (issue 16, item 10). The
// date is kept as declared, beside the arrival time; which of the two the on-time rule reads is
// the engine's decision (indicators/compute/checks.sql, `reporting`).
import type { Database } from '../db/connect.ts';
import { today as todayInVietnam } from '../normalize/calendar.ts';
import { sqlString } from './sql.ts';

/**
 * The first day of a canonical period (YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD) as a SQL date; null
 * for anything else. Pure text to date: the calendar's arithmetic is only the quarter's month.
 */
export function periodStartSql(period: string): string {
  return `case
    when regexp_full_match(${period}, '\\d{4}') then make_date(${period}::integer, 1, 1)
    when regexp_full_match(${period}, '\\d{4}-Q[1-4]')
      then make_date(left(${period}, 4)::integer, (right(${period}, 1)::integer - 1) * 3 + 1, 1)
    when regexp_full_match(${period}, '\\d{4}-\\d{2}') then try_cast(${period} || '-01' as date)
    when regexp_full_match(${period}, '\\d{4}-\\d{2}-\\d{2}') then try_cast(${period} as date)
  end`;
}

/**
 * A SQL expression: the English problem with a declared date `reported` (a timestamp) for a
 * figure of canonical period `period`, or null when the date is possible (or absent).
 */
export function declaredProblemSql(reported: string, period: string, today = todayInVietnam()) {
  const start = periodStartSql(period);
  return `case
    when ${reported} is null then null
    when ${reported}::date > date ${sqlString(today)}
      then 'reported_at ' || strftime(${reported}, '%Y-%m-%d') || ' is after today (' || ${sqlString(today)} || ', Vietnam time)'
    when ${reported}::date < ${start}
      then 'reported_at ' || strftime(${reported}, '%Y-%m-%d') || ' is before the period ' || ${period} || ' began (' || strftime(${start}, '%Y-%m-%d') || ')'
  end`;
}

/** The Vietnamese of a refused declared date, from the English above (undefined: not one). */
export function declaredProblemVi(en: string): string | undefined {
  const after = /^reported_at (\S+) is after today \((\S+), Vietnam time\)$/.exec(en);
  if (after) return `ngày báo cáo ${after[1]} sau ngày hôm nay (${after[2]}, giờ Việt Nam)`;
  const before = /^reported_at (\S+) is before the period (\S+) began \((\S+)\)$/.exec(en);
  if (before) return `ngày báo cáo ${before[1]} trước khi kỳ ${before[2]} bắt đầu (${before[3]})`;
  return undefined;
}

/**
 * Whether any row of the fast path (`rows`: h, reported_at; `key`: h, period) declares a date
 * that would be refused: the general path then reports each one with its row.
 */
export async function anyImpossibleDeclared(
  db: Database,
  rows: string,
  key: string,
): Promise<boolean> {
  const n = await db.scalar<bigint>(
    `select count(*) from ${rows} f join ${key} k using (h)
     where ${declaredProblemSql('f.reported_at', 'k.period')} is not null`,
  );
  return Number(n) > 0;
}
