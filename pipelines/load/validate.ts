// The general path's checks: the distinct periods, metrics, units and number shapes of the long
// table are classified once (pipelines/load/classify*.ts) and joined back into `typed`, one row
// per figure with its keys, its value and every problem it has; then every error is counted and
// the first ERROR_LIMIT read, row by row, in set-based SQL whatever the number of rows.
import type { Database } from '../db/connect.ts';
import type { Convention } from '../normalize/numbers.ts';
import {
  classifyMetrics,
  classifyPeriods,
  classifyShapes,
  marksOf,
  numberMessage,
  type ShapeOptions,
} from './classify.ts';
import { declaredProblemSql, declaredProblemVi } from './declared.ts';
import { today } from '../normalize/calendar.ts';
import { classifyUnits } from './classify-units.ts';
import type { Plan } from './columns.ts';
import { bothWords, readProblems } from './problem-rows.ts';
import type { Reference } from './reference.ts';
import { NONE, type Capped } from './report.ts';
import { fillTable } from './scratch.ts';
import { sqlString } from './sql.ts';
import type { StageTables } from './stage.ts';

/** Rows (and values) a conflicting duplicate lists before "and N more". */
const LISTED = 5;

/** The rules of number problems whose message depends on the file's convention. */
const NUMBER_RULES = new Set([
  'formula',
  'not_a_number',
  'ambiguous_number',
  'convention_mismatch',
  'mixed_convention',
]);

/** The tables classification and the checks fill, after the long table of the reading. */
export interface CheckTables extends StageTables {
  periodMap: string;
  metricMap: string;
  shapeMap: string;
  unitMap: string;
  /** grain: one row per figure of the file (part, line, metric), with its keys and problems */
  typed: string;
  /** grain: one row per (unit, period, metric) the file gives more than once */
  repeated: string;
  problems: string;
}

/** How the file's numbers were read: the messages of number problems depend on it. */
export interface NumberReading {
  convention: Convention;
  options: ShapeOptions;
}

/**
 * Classifies the long table's distinct values and builds `typed`. Returns how the file's
 * numbers read (its convention, or the one `--thousands` declared).
 */
export async function classifyRows(
  db: Database,
  t: CheckTables,
  reference: Reference,
  numbers: ShapeOptions = {},
): Promise<NumberReading> {
  const distinct = async (column: string) =>
    (await db.all<{ raw: string | null }>(`select distinct ${column} as raw from ${t.long}`)).map(
      (r) => r.raw,
    );
  await fillTable(
    db,
    t.periodMap,
    { raw: 'varchar', period: 'varchar', read_on: 'varchar', problem: 'varchar' },
    classifyPeriods(await distinct('period_raw')).map((p) => ({
      raw: p.raw,
      period: p.period,
      read_on: p.readOn,
      problem: p.problem,
    })),
  );
  await fillTable(
    db,
    t.metricMap,
    { raw: 'varchar', metric: 'varchar', problem: 'varchar' },
    classifyMetrics(await distinct('metric_raw'), reference.metrics),
  );
  const { convention, shapes } = classifyShapes((await distinct('shape')) as string[], numbers);
  await fillTable(
    db,
    t.shapeMap,
    {
      shape: 'varchar',
      outcome: 'varchar',
      percent: 'boolean',
      plain: 'varchar',
      big: 'boolean',
      rule: 'varchar',
    },
    shapes.map((s) => ({
      shape: s.shape,
      outcome: s.outcome,
      percent: s.outcome === 'value' ? s.percent : null,
      plain: s.outcome === 'value' ? s.plain : null,
      big: s.outcome === 'value' ? s.big : null,
      rule: s.outcome === 'error' ? s.rule : null,
    })),
  );
  // units: by code read at the period, or by name; both must agree when both are given
  const queries = await db.all<{
    unit_code: string | null;
    unit_name: string | null;
    read_on: string | null;
  }>(
    `select distinct l.unit_code, l.unit_name, p.read_on from ${t.long} l
     join ${t.periodMap} p on p.raw is not distinct from l.period_raw`,
  );
  const rules = await reference.unitRules();
  await fillTable(
    db,
    t.unitMap,
    {
      unit_code: 'varchar',
      unit_name: 'varchar',
      read_on: 'varchar',
      unit_id: 'varchar',
      code: 'varchar',
      problem: 'varchar',
      rule: 'varchar',
      column_name: 'varchar',
    },
    classifyUnits(
      queries.map((q) => ({ unitCode: q.unit_code, unitName: q.unit_name, readOn: q.read_on })),
      rules,
    ).map((u) => ({
      unit_code: u.unitCode,
      unit_name: u.unitName,
      read_on: u.readOn,
      unit_id: u.unitId,
      code: u.code,
      problem:
        u.problem === null ? null : bothWords({ en: u.problem, vi: u.problemVi ?? u.problem }),
      rule: u.rule,
      column_name: u.column,
    })),
  );

  const [thousands, decimal] = marksOf(convention);
  // the same reading parseNumber made of the shape: spaces and % dropped, thousands marks
  // removed, the decimal mark made a point, the minus sign made a hyphen
  const cleaned = `replace(regexp_replace(trim(l.value_raw), '[\\s\u00a0\u202f\u2009\u2007%]', '', 'g'), '\u2212', '-')`;
  const unthousanded = thousands ? `replace(${cleaned}, ${sqlString(thousands)}, '')` : cleaned;
  const canonical = `replace(${unthousanded}, ${sqlString(decimal)}, '.')`;
  const bare = thousands
    ? `replace(trim(l.value_raw), ${sqlString(thousands)}, '')`
    : 'trim(l.value_raw)';
  const simple = `replace(${bare}, ${sqlString(decimal)}, '.')`;
  await db.run(`create or replace temp table ${t.typed} as
    select l.part, l.line, l.column_name, l.value_raw, l.period_raw, l.metric_raw,
      l.unit_code as code_raw, l.unit_name as name_raw, l.reported_at as reported_raw,
      u.unit_id, u.code as unit_code, p.period, m.metric,
      case when s.outcome = 'value' then
        case s.plain when 'plain' then try_cast(trim(l.value_raw) as double)
             when 'simple' then try_cast(${simple} as double)
             else try_cast(${canonical} as double) end
      end as value,
      case when s.big then ${canonical} end as big_text,
      s.outcome, s.percent, try_cast(l.reported_at as timestamp) as reported_at,
      l.note, p.problem as period_problem, m.problem as metric_problem, u.problem as unit_problem,
      u.rule as unit_rule, u.column_name as unit_column, s.rule as value_rule
    from ${t.long} l
    left join ${t.periodMap} p on p.raw is not distinct from l.period_raw
    left join ${t.metricMap} m on m.raw is not distinct from l.metric_raw
    left join ${t.shapeMap} s on s.shape = l.shape
    left join ${t.unitMap} u on u.unit_code is not distinct from l.unit_code
      and u.unit_name is not distinct from l.unit_name and u.read_on is not distinct from p.read_on`);
  return { convention, options: numbers };
}

/**
 * Every error of `typed` (and every conflicting duplicate, with its rows): counted in full, the
 * first ERROR_LIMIT read. Fills `repeated` with the keys the file gives more than once.
 */
export async function rowErrors(
  db: Database,
  t: CheckTables,
  plans: Plan[],
  reading: NumberReading,
): Promise<Capped> {
  // a declared date is checked against today in Vietnam (declared.ts)
  const asOf = today();
  // the integer digits of a value too long for its shape to say whether a double holds it
  const bigDigits = `ltrim(regexp_extract(big_text, '^-?([0-9]*)', 1), '0')`;
  const keyed =
    'unit_id is not null and period is not null and metric is not null and value is not null';
  // the happy path scans once: build the row-by-row problem list only when something is wrong
  const wrong = Number(
    await db.scalar<bigint>(`select count(*) from ${t.typed} where
      period_problem is not null or metric_problem is not null or unit_problem is not null
      or value_rule is not null or big_text is not null
      or (outcome = 'value' and (value is null or percent or value < 0 or value <> floor(value)))
      or (reported_raw is not null and trim(reported_raw) <> '' and reported_at is null)
      or ${declaredProblemSql('reported_at', 'period', asOf)} is not null`),
  );
  // repeated keys, found by hashing the key (one cheap aggregate), then checked exactly
  await db.run(`create or replace temp table ${t.repeated} as
    with candidates as (
      select hash(unit_id, period, metric) as h from ${t.typed} where ${keyed}
      group by h having count(*) > 1)
    select unit_id, period, metric, count(distinct value) as distinct_values
    from ${t.typed} where ${keyed} and hash(unit_id, period, metric) in (select h from candidates)
    group by all having count(*) > 1`);
  const conflicts = Number(
    await db.scalar<bigint>(`select count(*) from ${t.repeated} where distinct_values > 1`),
  );
  if (wrong === 0 && conflicts === 0) return NONE;
  await db.run(`create or replace temp table ${t.problems} as
    select distinct part, line, 'period' as column_name, period_raw as value, 'period' as rule,
        period_problem as message
      from ${t.typed} where period_problem is not null
    union all
    select part, line, 'metric', metric_raw, 'unknown_metric', metric_problem
      from ${t.typed} where metric_problem is not null
    union all
    -- one error per cell: a wide row holds its unit once, whatever its number of metric columns
    select distinct part, line, unit_column,
        case when unit_column = 'unit_name' then name_raw else code_raw end, unit_rule, unit_problem
      from ${t.typed} where unit_problem is not null
    union all
    select part, line, column_name, value_raw, value_rule, null
      from ${t.typed} where value_rule is not null
    union all
    select part, line, column_name, value_raw, 'out_of_range',
        'number too large to hold exactly "' || trim(value_raw) || '"'
      from ${t.typed} where big_text is not null
        and (length(${bigDigits}) > 16 or (length(${bigDigits}) = 16 and ${bigDigits} > '9007199254740992'))
    union all
    select part, line, column_name, value_raw, 'not_a_number', null
      from ${t.typed} where outcome = 'value' and value is null
    union all
    select part, line, column_name, value_raw, 'count',
      case when percent then 'a count cannot be a percentage'
           when value < 0 then 'a count cannot be negative'
           else 'a count must be a whole number' end
      from ${t.typed} where outcome = 'value' and (percent or value < 0 or value <> floor(value))
    union all
    select part, line, 'reported_at', reported_raw, 'reported_at',
        'unreadable reported_at (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)'
      from ${t.typed}
      where reported_raw is not null and trim(reported_raw) <> '' and reported_at is null
    union all
    select part, line, 'reported_at', reported_raw, 'reported_at',
        ${declaredProblemSql('reported_at', 'period', asOf)}
      from ${t.typed} where ${declaredProblemSql('reported_at', 'period', asOf)} is not null
    union all
    (with conflicts as (
      select unit_id, period, metric from ${t.repeated} where distinct_values > 1)
    select last(t.part order by t.part, t.line), last(t.line order by t.part, t.line),
        last(t.column_name order by t.part, t.line),
        -- the first rows only: a file may repeat one figure 30,000 times
        array_to_string(list_slice(list(t.value_raw order by t.part, t.line), 1, ${LISTED}), ' / ')
          || case when count(*) > ${LISTED} then ' / …' else '' end,
        'conflicting_duplicate',
        'the same unit, period and metric appear on rows '
          || array_to_string(
               list_slice(list(p.label || t.line order by t.part, t.line), 1, ${LISTED}), ', ')
          || case when count(*) > ${LISTED} then ' and ' || (count(*) - ${LISTED}) || ' more' else '' end
          || ' with different values'
      from ${t.typed} t semi join conflicts c using (unit_id, period, metric)
      join ${t.parts} p on p.part::integer = t.part
      where t.value is not null
      group by t.unit_id, t.period, t.metric)`);
  const found = await readProblems(db, t.problems, plans, 'error', (value, rule) =>
    NUMBER_RULES.has(rule)
      ? numberMessage(value, rule, reading.convention, reading.options)
      : `invalid value "${value}"`,
  );
  // an impossible declared date says why in Vietnamese too (declared.ts)
  for (const p of found.first) {
    const vi = p.rule === 'reported_at' ? declaredProblemVi(p.message) : undefined;
    if (vi) p.vi = vi;
  }
  return found;
}
