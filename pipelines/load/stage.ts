// The general path's reading: every part (a file or a sheet) read with DuckDB's read_csv, all
// text, into one long table of (part, line, unit, period, metric, value) with each row numbered
// by its line in the file (or by the row the converter wrote), and every line DuckDB could not
// read reported with its number.
import type { Database } from '../db/connect.ts';
import type { Sniffed } from '../read/sniff.ts';
import { printedColumn, type Plan } from './columns.ts';
import { errorAt, type Problem } from './problems.ts';
import { capped, ERROR_LIMIT, NONE, type Capped } from './report.ts';
import { fillTable } from './scratch.ts';
import { shapeSql, sqlString } from './sql.ts';

/** The tables the reading fills: `long` (grain: one row per part, line and metric) and `parts`. */
export interface StageTables {
  long: string;
  parts: string;
  lineShifts: string;
  rejects: string;
  rejectsScan: string;
}

/**
 * DuckDB's reader of a staged or original CSV, every column text, bad lines set aside in
 * `rejects` (or, without them, an error at the first one: the fast path then leaves the file to
 * the general path).
 */
export const readerSql = (s: Sniffed, spec: string, rejects?: { table: string; scan: string }) =>
  `read_csv(${sqlString(s.utf8Path)}, header = true, auto_detect = false,
      columns = {${spec}}, delim = ${sqlString(s.delimiter)}, quote = '"', escape = '"',
      ${rejects ? `store_rejects = true, rejects_table = '${rejects.table}', rejects_scan = '${rejects.scan}',` : ''}
      max_line_size = 1048576)`;

/** Creates the long table, and the parts' names and sheets that problems and rows carry. */
export async function createLong(db: Database, t: StageTables, plans: Plan[]): Promise<void> {
  await db.run(`create or replace temp table ${t.long} (
      part integer, line bigint, unit_code varchar, unit_name varchar, reported_at varchar,
      note varchar, period_raw varchar, metric_raw varchar, value_raw varchar, column_name varchar,
      shape varchar)`);
  await fillTable(
    db,
    t.parts,
    { part: 'varchar', file: 'varchar', label: 'varchar', sheet: 'varchar' },
    plans.map((p) => ({
      part: String(p.part),
      file: p.sniffed.file,
      label: plans.length > 1 ? `${p.sniffed.file} row ` : '',
      sheet: p.sniffed.sheet ?? null,
    })),
  );
}

/**
 * Reads one part into the long table, each row numbered by its line in the file (header = 1) or
 * by the row number the converter wrote. Rows of nothing but blank fields (Excel writes them as
 * ",,,") are not records.
 */
export async function stagePart(
  db: Database,
  t: StageTables,
  plan: Plan,
  period: string | undefined,
): Promise<{ rows: number; problems: Capped }> {
  const s = plan.sniffed;
  const n = s.header.length;
  const cols = Array.from({ length: n }, (_, i) => `c${i + 1}`);
  const spec = [...(s.rowColumn ? ['c0'] : []), ...cols].map((c) => `'${c}': 'VARCHAR'`).join(', ');
  await db.dropTemp([t.rejects, t.rejectsScan]);
  const reader = readerSql(s, spec, { table: t.rejects, scan: t.rejectsScan });
  let line: string;
  let from: string;
  if (s.rowColumn) {
    line = 'c0::bigint';
    from = reader;
  } else if (s.lineShifts.length === 0) {
    line = 'rec + 1';
    from = `(select row_number() over () as rec, * from ${reader})`;
  } else {
    await fillTable(
      db,
      t.lineShifts,
      { rec: 'varchar', shift: 'varchar' },
      s.lineShifts.map(([rec, shift]) => ({ rec: String(rec), shift: String(shift) })),
    );
    line = 'r.rec + 1 + coalesce(ls.shift::bigint, 0)';
    from = `(select row_number() over () as rec, * from ${reader}) r
      asof left join ${t.lineShifts} ls on r.rec >= ls.rec::bigint`;
  }
  const staged = `(select ${line} as line, ${cols.join(', ')} from ${from}
      where coalesce(${cols.join(', ')}) is not null)`;
  const col = (key: string) => {
    const i = plan.columns.get(key);
    return i === undefined ? 'null::varchar' : `c${i + 1}`;
  };
  const periodRaw = plan.columns.has('period')
    ? period
      ? `coalesce(${col('period')}, ${sqlString(period)})`
      : col('period')
    : sqlString(period ?? '');
  const common = `line, ${col('unit_code')} as unit_code, ${col('unit_name')} as unit_name,
      ${col('reported_at')} as reported_at, nfc_normalize(${col('note')}) as note,
      ${periodRaw} as period_raw`;
  let sql: string;
  if (plan.layout === 'long') {
    const valueColumn = s.header[plan.columns.get('value') ?? 0];
    sql = `insert into ${t.long} select ${plan.part}, ${common}, ${col('metric')}, ${col('value')},
        ${sqlString(valueColumn)}, ${shapeSql(col('value'))} from ${staged}`;
  } else {
    const metricCase = plan.metricColumns
      .map((m) => `when 'c${m.index + 1}' then ${sqlString(m.metric)}`)
      .join(' ');
    const columnCase = plan.metricColumns
      .map((m) => `when 'c${m.index + 1}' then ${sqlString(s.header[m.index])}`)
      .join(' ');
    const valueCols = plan.metricColumns.map((m) => `c${m.index + 1}`).join(', ');
    sql = `insert into ${t.long}
      select ${plan.part}, line, unit_code, unit_name, reported_at, note, period_raw,
        case metric_col ${metricCase} end, value_raw, case metric_col ${columnCase} end,
        ${shapeSql('value_raw')}
      from (select ${common}, ${valueCols} from ${staged})
        unpivot include nulls (value_raw for metric_col in (${valueCols}))`;
  }
  let inserted: number;
  try {
    inserted = Number(await db.scalar<bigint>(sql));
  } catch (error) {
    // DuckDB gives up on some files instead of rejecting rows (mixed line endings, …); running
    // out of memory is not the file's fault, and is not reported as if it were
    const message = (error as Error).message.split('\n')[0];
    if (/out of memory|failed to (pin|allocate)/i.test(message)) throw error;
    const problem = errorAt(
      s.file,
      null,
      null,
      null,
      'csv',
      `${message} (mixed line endings or stray quotes are the usual cause)`,
    );
    return { rows: 0, problems: capped([problem]) };
  }
  const rows = plan.layout === 'long' ? inserted : inserted / plan.metricColumns.length;
  const rejected = await rejectedLines(db, t.rejects, s);
  if (rejected.count > 0) return { rows, problems: rejected };
  if (rows === 0) {
    const problem = errorAt(
      s.file,
      null,
      null,
      null,
      'no_rows',
      'the file has a header but no rows',
    );
    return { rows, problems: capped([problem]) };
  }
  return { rows, problems: NONE };
}

/** The lines DuckDB's reader set aside, each once (a line two fields too long is two rejects). */
async function rejectedLines(db: Database, rejects: string, s: Sniffed): Promise<Capped> {
  const count = Number(
    await db.scalar<bigint>(`select count(distinct (line, error_type)) from ${rejects}`),
  );
  if (count === 0) return NONE;
  const rows = await db.all<{
    line: string;
    column_name: string | null;
    error_type: string;
    csv_line: string;
    error_message: string;
  }>(
    `select line, column_name, error_type, csv_line, error_message from ${rejects}
     qualify row_number() over (partition by line, error_type order by column_idx) = 1
     order by line, column_idx limit ${ERROR_LIMIT}`,
  );
  const n = s.header.length;
  const problems = rows.map((r): Problem => {
    // the reader names our columns c1…cN (c0 is a converter's row number)
    const idx = r.column_name === null ? null : Number(r.column_name.slice(1)) - 1;
    return errorAt(
      s.file,
      Number(r.line),
      idx !== null && idx >= 0 && idx < n ? printedColumn(s, idx) : null,
      r.csv_line.split(/\r\n|\n|\r/)[0].slice(0, 200),
      `csv_${r.error_type.toLowerCase().replace(/\s+/g, '_')}`,
      r.error_message,
    );
  });
  return { first: problems, count };
}
