// Warnings: what loads but is worth a look (an identical duplicate, a numerator above its
// denominator). They go to a temp table of findings in bulk, SQL to SQL, however many there are:
// the batch writer stores them all, the report carries the first ERROR_LIMIT and the count.
import { quoteIdent, type Database } from '../db/connect.ts';
import type { Plan } from './columns.ts';
import { readProblems } from './problem-rows.ts';
import type { Reference } from './reference.ts';
import type { Capped } from './report.ts';
import { sqlList, sqlString } from './sql.ts';
import type { CheckTables } from './validate.ts';

/** grain: one row per finding (a duplicated key once, a broken pair once), at its row. */
export async function createFindings(db: Database, findings: string): Promise<void> {
  await db.run(`create or replace temp table ${findings} (part integer, line bigint,
    column_name varchar, value varchar, rule varchar, message varchar, unit_id varchar,
    period varchar, metric varchar)`);
}

/** The count of the findings and the first ERROR_LIMIT, as the report gives them. */
export const readFindings = (db: Database, findings: string, plans: Plan[]): Promise<Capped> =>
  readProblems(db, findings, plans, 'warning', (value) => `invalid value "${value}"`);

export interface FindingTables extends CheckTables {
  findings: string;
  /** grain: one row per (unit, period), the values of the metrics ratios read side by side */
  pairs: string;
}

/**
 * After a clean check: drops the missing figures from `typed` (missing is not zero), keeps the
 * first of identical duplicates and records them, and records every numerator above its
 * denominator. Returns how many figures were missing, and the warnings.
 */
export async function generalFindings(
  db: Database,
  t: FindingTables,
  plans: Plan[],
  reference: Reference,
): Promise<{ missing: number; warnings: Capped }> {
  const missing = Number(
    await db.scalar<bigint>(`select count(*) from ${t.typed} where value is null`),
  );
  await db.run(`delete from ${t.typed} where value is null`);
  await createFindings(db, t.findings);
  await db.run(`insert into ${t.findings}
    select last(t.part order by t.part, t.line), last(t.line order by t.part, t.line),
        last(t.column_name order by t.part, t.line), any_value(t.value_raw), 'duplicate',
        'the same figure appears on rows ' || string_agg(p.label || t.line, ', ' order by t.part, t.line),
        t.unit_id, t.period, t.metric
      from ${t.typed} t semi join ${t.repeated} r using (unit_id, period, metric)
      join ${t.parts} p on p.part::integer = t.part
      group by t.unit_id, t.period, t.metric`);
  const duplicates = Number(await db.scalar<bigint>(`select count(*) from ${t.findings}`));
  if (duplicates > 0) {
    await db.run(`create or replace temp table ${t.typed} as
      select * from ${t.typed}
      qualify row_number() over (partition by unit_id, period, metric order by part, line) = 1`);
  }
  const used = await db.all<{ metric: string }>(`select distinct metric from ${t.typed}`);
  const ratios = await reference.ratiosAmong(used.map((m) => m.metric));
  if (ratios.length > 0) {
    // one aggregate per (unit, period) holds every metric side by side (no self-join of the
    // file); only the few pairs that break the rule go back to the rows for their line
    const metrics = [...new Set(ratios.flatMap((p) => [p.numerator, p.denominator]))];
    const v = (m: string) => quoteIdent(`v_${m}`);
    const pick = metrics
      .map((m) => `max(value) filter (where metric = ${sqlString(m)}) as ${v(m)}`)
      .join(', ');
    await db.run(`create or replace temp table ${t.pairs} as
      select unit_id, period, ${pick}
      from ${t.typed} where metric in (${sqlList(metrics)})
      group by unit_id, period`);
    await db.run(`insert into ${t.findings}
      with broken as (
        ${ratios
          .map(
            (p) => `select unit_id, period, ${sqlString(p.indicator_id)} as indicator_id,
              ${sqlString(p.numerator)} as numerator, ${sqlString(p.denominator)} as denominator,
              ${v(p.numerator)} as num, ${v(p.denominator)} as den
            from ${t.pairs} where ${v(p.numerator)} > ${v(p.denominator)}`,
          )
          .join('\nunion all\n')})
      select t.part, t.line, t.column_name, t.value_raw, 'numerator_above_denominator',
        b.numerator || ' ' || b.num::bigint || ' is above ' || b.denominator || ' ' ||
          b.den::bigint || ' for ' || t.unit_code || ' ' || b.period || ' (' || b.indicator_id || ')',
        b.unit_id, b.period, b.numerator
      from broken b join ${t.typed} t
        on t.unit_id = b.unit_id and t.period = b.period and t.metric = b.numerator`);
  }
  return { missing, warnings: await readFindings(db, t.findings, plans) };
}
