// Ingest: a file of reported figures in, validated whole, loaded all-or-nothing as one batch.
// DuckDB parses and checks in bulk (a staged all-text table, then SQL over it); JavaScript only
// sniffs, decodes and classifies the few distinct shapes of values, periods, metrics and units.
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Database } from '../db/connect.ts';
import { quoteIdent } from '../db/connect.ts';
import { sniff, SniffError, type Sniffed } from '../read/sniff.ts';
import { decode, type Encoding } from '../read/decode.ts';
import { detectConvention, parseNumber } from '../normalize/numbers.ts';
import { formatPeriod, parsePeriod, periodEnd } from '../normalize/periods.ts';
import { UnitIndex, type Unit } from '../normalize/units.ts';
import { matchKey } from '../normalize/text.ts';
import { allUnits } from './units.ts';
import type { Problem } from './problems.ts';

export type Layout = 'long' | 'wide';

export interface IngestOptions {
  dryRun?: boolean;
  layout?: Layout;
  /** the period of every row of a wide file without a period column */
  period?: string;
  encoding?: Encoding;
  /** the name to record (an upload's original file name) */
  fileName?: string;
  loadedBy?: string;
  /** when given, only rows for units under this unit may load (a reporter's scope) */
  scopeUnitId?: string;
}

export interface IngestReport {
  file: string;
  sha256: string;
  status: 'loaded' | 'unchanged' | 'rejected' | 'dry_run';
  batchId: string | null;
  layout: Layout | 'json';
  encoding: Encoding;
  rowsRead: number;
  rowsNew: number;
  rowsRevised: number;
  rowsUnchanged: number;
  rowsMissing: number;
  errors: Problem[];
  warnings: Problem[];
  /** how many errors there were in all (errors[] keeps the first ERROR_LIMIT) */
  errorCount: number;
  seconds: number;
}

const ERROR_LIMIT = 1000;
const LONG_REQUIRED = ['period', 'metric', 'value'];
const UNIT_COLUMNS = ['unit_code', 'unit_name'];
const OPTIONAL = ['reported_at', 'note'];

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const headerKey = (h: string) => h.normalize('NFC').trim().toLowerCase();

interface Plan {
  layout: Layout;
  /** staged column name → the metric it holds (wide) */
  metricColumns: Map<string, string>;
  problems: Problem[];
}

/** Decides the layout from the header, and for a wide file which columns are which metrics. */
function planColumns(
  header: string[],
  file: string,
  metrics: Array<{ metric_id: string; name_vi: string }>,
  options: IngestOptions,
): Plan {
  const keys = header.map(headerKey);
  const problems: Problem[] = [];
  const err = (column: string | null, value: string | null, rule: string, message: string) =>
    problems.push({ file, row: 1, column, value, rule, message, severity: 'error' });
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (k === '') err(null, header[i], 'header', `column ${i + 1} has no name`);
    else if (seen.has(k)) err(header[i], header[i], 'header', `column ${header[i]} appears twice`);
    seen.add(k);
  });
  const layout: Layout =
    options.layout ?? (keys.includes('metric') && keys.includes('value') ? 'long' : 'wide');
  if (!UNIT_COLUMNS.some((c) => keys.includes(c))) {
    err(null, null, 'header', 'the header needs a unit_code or a unit_name column');
  }
  const metricColumns = new Map<string, string>();
  if (layout === 'long') {
    for (const c of LONG_REQUIRED)
      if (!keys.includes(c)) err(c, null, 'header', `missing column ${c}`);
  } else {
    if (!keys.includes('period') && !options.period) {
      err(null, null, 'header', 'a wide file needs a period column or --period');
    }
    const byLabel = new Map<string, string>();
    for (const m of metrics) {
      byLabel.set(m.metric_id, m.metric_id);
      byLabel.set(matchKey(m.name_vi), m.metric_id);
    }
    header.forEach((h, i) => {
      const k = keys[i];
      if (['unit_code', 'unit_name', 'period', ...OPTIONAL].includes(k) || k === '') return;
      const metric = byLabel.get(k) ?? byLabel.get(matchKey(h));
      if (metric) metricColumns.set(h, metric);
      else err(h, h, 'unknown_metric', `column ${h} is neither a metric id nor a metric's label`);
    });
    if (metricColumns.size === 0 && problems.length === 0) {
      err(null, null, 'header', 'no column names a metric');
    }
  }
  return { layout, metricColumns, problems };
}

/**
 * Validates a file and, unless it is a dry run or anything is wrong, loads it as one batch in one
 * transaction. Never throws for bad input: the report says what was wrong, row by row.
 */
export async function ingestFile(
  db: Database,
  path: string,
  options: IngestOptions = {},
): Promise<IngestReport> {
  const started = performance.now();
  const file = options.fileName ?? basename(path);
  const workDir = mkdtempSync(join(tmpdir(), 'chitieu-ingest-'));
  const report: IngestReport = {
    file,
    sha256: await sha256(path),
    status: 'rejected',
    batchId: null,
    layout: 'long',
    encoding: options.encoding ?? 'utf-8',
    rowsRead: 0,
    rowsNew: 0,
    rowsRevised: 0,
    rowsUnchanged: 0,
    rowsMissing: 0,
    errors: [],
    warnings: [],
    errorCount: 0,
    seconds: 0,
  };
  const fail = (problems: Problem[]) => {
    report.errorCount = problems.length;
    report.errors = problems.slice(0, ERROR_LIMIT);
    report.status = 'rejected';
    return report;
  };
  try {
    let sniffed: Sniffed;
    if (extname(path).toLowerCase() === '.json') {
      const converted = jsonToCsv(path, file, workDir, options.encoding);
      if ('problems' in converted) return fail(converted.problems);
      sniffed = converted.sniffed;
      report.layout = 'json';
    } else {
      try {
        sniffed = sniff(path, workDir, options.encoding);
      } catch (error) {
        if (error instanceof SniffError) {
          return fail([
            {
              file,
              row: null,
              column: null,
              value: null,
              rule: error.rule,
              message: error.message,
              severity: 'error',
            },
          ]);
        }
        throw error;
      }
    }
    report.encoding = sniffed.encoding;
    const metrics = await db.all<{ metric_id: string; name_vi: string }>(
      'select metric_id, name_vi from core.metrics',
    );
    const plan = planColumns(sniffed.header, file, metrics, options);
    if (report.layout !== 'json') report.layout = plan.layout;
    if (plan.problems.length > 0) return fail(plan.problems);

    const staged = await stage(db, sniffed, file);
    if (staged.length > 0) return fail(staged);
    report.rowsRead = Number(await db.scalar('select count(*) from stage'));
    if (report.rowsRead === 0) {
      return fail([
        {
          file,
          row: null,
          column: null,
          value: null,
          rule: 'no_rows',
          message: 'the file has a header but no rows',
          severity: 'error',
        },
      ]);
    }
    await toLong(db, sniffed.header, plan, options);
    const problems = await validate(db, file, metrics, options);
    const errors = problems.filter((p) => p.severity === 'error');
    report.warnings = problems.filter((p) => p.severity === 'warning').slice(0, ERROR_LIMIT);
    if (errors.length > 0) return fail(errors);
    report.rowsMissing = Number(await db.scalar('select count(*) from typed where value is null'));
    await classifyRevisions(db);
    const counts = await db.values<{ kind: string; n: bigint }>(
      'select kind, count(*) n from revised group by kind',
    );
    const count = (k: string) => Number(counts.find((c) => c.kind === k)?.n ?? 0);
    report.rowsNew = count('new');
    report.rowsRevised = count('revised');
    report.rowsUnchanged = count('unchanged');
    if (options.dryRun) {
      report.status = 'dry_run';
    } else if (report.rowsNew + report.rowsRevised === 0) {
      report.status = 'unchanged';
    } else {
      report.batchId = await commitBatch(db, report, options);
      report.status = 'loaded';
    }
    return report;
  } finally {
    report.seconds = (performance.now() - started) / 1000;
    await db.run(
      'drop table if exists stage; drop table if exists long; drop table if exists typed; drop table if exists revised; drop table if exists shape_map; drop table if exists period_map; drop table if exists metric_map; drop table if exists unit_map; drop table if exists csv_rejects; drop table if exists csv_rejects_scan',
    );
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** JSON arrays of long records become a canonical long CSV, so one path validates them all. */
function jsonToCsv(
  path: string,
  file: string,
  workDir: string,
  encoding?: Encoding,
): { sniffed: Sniffed } | { problems: Problem[] } {
  const problem = (
    row: number | null,
    message: string,
    rule = 'json',
  ): { problems: Problem[] } => ({
    problems: [{ file, row, column: null, value: null, rule, message, severity: 'error' }],
  });
  let data: unknown;
  let text: string;
  try {
    text = decode(readFileSync(path), encoding).text;
    data = JSON.parse(text);
  } catch (error) {
    return problem(null, `not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) return problem(null, 'expected an array of records');
  const columns = ['unit_code', 'unit_name', 'period', 'metric', 'value', 'reported_at', 'note'];
  const quote = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.join(',')];
  for (const [i, record] of data.entries()) {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      return problem(i + 1, `record ${i + 1} is not an object`);
    }
    const extra = Object.keys(record).filter((k) => !columns.includes(k));
    if (extra.length > 0)
      return problem(i + 1, `record ${i + 1} has unknown field(s) ${extra.join(', ')}`, 'header');
    lines.push(columns.map((c) => quote((record as Record<string, unknown>)[c])).join(','));
  }
  const utf8Path = join(workDir, 'records.csv');
  writeFileSync(utf8Path, `${lines.join('\n')}\n`);
  return {
    sniffed: {
      encoding: encoding ?? 'utf-8',
      delimiter: ',',
      header: columns,
      utf8Path,
      text: null,
    },
  };
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Reads the file into temp table `stage` (all text, columns c1…cN, plus its line number). */
async function stage(db: Database, sniffed: Sniffed, file: string): Promise<Problem[]> {
  const columns = sniffed.header.map((_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ');
  await db.run(`drop table if exists csv_rejects; drop table if exists csv_rejects_scan`);
  await db.run(`
    create or replace temp table stage as
    select row_number() over () + 1 as line, *
    from read_csv(${sqlString(sniffed.utf8Path)}, header = true, auto_detect = false,
      columns = {${columns}}, delim = ${sqlString(sniffed.delimiter)}, quote = '"', escape = '"',
      store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_rejects_scan',
      max_line_size = 1048576)`);
  const rejects = await db.all<{
    line: string;
    column_idx: string | null;
    error_type: string;
    csv_line: string;
    error_message: string;
  }>(
    `select line, column_idx, error_type, csv_line, error_message from csv_rejects order by line limit ${ERROR_LIMIT}`,
  );
  return rejects.map((r) => {
    const idx = r.column_idx === null ? null : Number(r.column_idx) - 1;
    return {
      file,
      row: Number(r.line),
      column: idx !== null && idx >= 0 && idx < sniffed.header.length ? sniffed.header[idx] : null,
      value: r.csv_line.split(/\r?\n/)[0].slice(0, 200),
      rule: `csv_${r.error_type.toLowerCase().replace(/\s+/g, '_')}`,
      message: r.error_message,
      severity: 'error' as const,
    };
  });
}

/** Turns `stage` into temp table `long`: one row per (line, metric) with the raw texts. */
async function toLong(
  db: Database,
  header: string[],
  plan: Plan,
  options: IngestOptions,
): Promise<void> {
  const keys = header.map(headerKey);
  const col = (name: string) => {
    const i = keys.indexOf(name);
    return i < 0 ? 'null::varchar' : `c${i + 1}`;
  };
  const common = `line, ${col('unit_code')} as unit_code, ${col('unit_name')} as unit_name,
    ${col('reported_at')} as reported_at, ${col('note')} as note`;
  if (plan.layout === 'long') {
    await db.run(`create or replace temp table long as
      select ${common}, ${col('period')} as period_raw, ${col('metric')} as metric_raw,
             ${col('value')} as value_raw, 'value' as column_name
      from stage`);
    return;
  }
  const period = keys.includes('period')
    ? `coalesce(${col('period')}, ${options.period ? sqlString(options.period) : 'null'})`
    : sqlString(options.period ?? '');
  const metricCols = [...plan.metricColumns.entries()].map(
    ([h, metric]) => `c${header.indexOf(h) + 1} as ${quoteIdent(`${metric}\u0001${h}`)}`,
  );
  await db.run(`create or replace temp table long as
    select line, unit_code, unit_name, reported_at, note, period_raw,
      split_part(metric_col, chr(1), 1) as metric_raw, value_raw,
      split_part(metric_col, chr(1), 2) as column_name
    from (unpivot (select ${common}, ${period} as period_raw, ${metricCols.join(', ')} from stage)
          on columns(* exclude (line, unit_code, unit_name, reported_at, note, period_raw))
          into name metric_col value value_raw)`);
}

/** Loads JS-classified distinct values into a temp table through the appender. */
async function mapTable(
  db: Database,
  name: string,
  columns: string[],
  rows: Array<Array<string | null>>,
): Promise<void> {
  await db.run(
    `create or replace temp table ${name} (${columns.map((c) => `${c} varchar`).join(', ')})`,
  );
  const appender = await db.connection.createAppender(name, 'main', 'temp');
  for (const row of rows) {
    for (const v of row) {
      if (v === null) appender.appendNull();
      else appender.appendVarchar(v);
    }
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}

/**
 * Shape of a number as written: every digit becomes 9 ("1.234,5" → "9.999,9"), except a leading
 * zero, which decides readings such as "0,500". Files hold few shapes, so JavaScript classifies
 * each shape once and SQL converts the millions of values.
 */
const shapeSql = (v: string) => `(case
    when regexp_matches(trim(${v}), '^0[0-9]') then '0' || substr(regexp_replace(trim(${v}), '[0-9]', '9', 'g'), 2)
    when regexp_matches(trim(${v}), '^[-−]0[0-9]') then substr(trim(${v}), 1, 1) || '0' || substr(regexp_replace(trim(${v}), '[0-9]', '9', 'g'), 3)
    else regexp_replace(trim(coalesce(${v}, '')), '[0-9]', '9', 'g') end)`;

/**
 * Classifies the distinct periods, metrics, units and number shapes in JavaScript, then builds
 * temp table `typed` in SQL and returns every problem (errors and warnings), row by row.
 */
async function validate(
  db: Database,
  file: string,
  metrics: Array<{ metric_id: string; name_vi: string }>,
  options: IngestOptions,
): Promise<Problem[]> {
  // periods
  const periods = await db.all<{ raw: string | null }>(
    'select distinct period_raw as raw from long',
  );
  await mapTable(
    db,
    'period_map',
    ['raw', 'period', 'read_on', 'problem', 'rule'],
    periods.map(({ raw }) => {
      const p = raw === null ? null : parsePeriod(raw);
      if (p === null) {
        return [
          raw,
          null,
          null,
          raw === null || raw.trim() === '' ? 'period is empty' : `unreadable period "${raw}"`,
          'period',
        ];
      }
      return [raw, formatPeriod(p), periodEnd(p), null, null];
    }),
  );

  // metrics (by id or by the Vietnamese label as printed in the catalogue)
  const byLabel = new Map<string, string>();
  for (const m of metrics) {
    byLabel.set(m.metric_id, m.metric_id);
    byLabel.set(matchKey(m.name_vi), m.metric_id);
  }
  const metricRaws = await db.all<{ raw: string | null }>(
    'select distinct metric_raw as raw from long',
  );
  await mapTable(
    db,
    'metric_map',
    ['raw', 'metric', 'problem', 'rule'],
    metricRaws.map(({ raw }) => {
      const id = raw === null ? undefined : (byLabel.get(raw.trim()) ?? byLabel.get(matchKey(raw)));
      return id
        ? [raw, id, null, null]
        : [raw, null, raw ? `unknown metric: ${raw}` : 'metric is empty', 'unknown_metric'];
    }),
  );

  // number shapes, with the convention decided once for the whole file
  const shapes = (
    await db.all<{ shape: string }>(`select distinct ${shapeSql('value_raw')} as shape from long`)
  ).map((r) => r.shape);
  const convention = detectConvention(shapes);
  await mapTable(
    db,
    'shape_map',
    ['shape', 'outcome', 'percent', 'problem', 'rule'],
    shapes.map((shape) => {
      const parsed = parseNumber(shape, convention.convention);
      if (parsed.kind === 'missing') return [shape, 'missing', null, null, null];
      if (parsed.kind === 'error') return [shape, 'error', null, parsed.message, parsed.rule];
      return [shape, 'value', parsed.percent ? 'true' : 'false', null, null];
    }),
  );
  const [thousands, decimal] =
    convention.convention === 'dot-thousands'
      ? ['.', ',']
      : convention.convention === 'comma-thousands'
        ? [',', '.']
        : ['', '.'];
  // the same reading parseNumber made of the shape: spaces and % dropped, thousands marks
  // removed, the decimal mark made a point, the minus sign made a hyphen
  const cleaned = `replace(regexp_replace(trim(value_raw), '[\\s\u00a0\u202f\u2009\u2007%]', '', 'g'), '\u2212', '-')`;
  const unthousanded = thousands ? `replace(${cleaned}, ${sqlString(thousands)}, '')` : cleaned;
  const numberSql = `try_cast(replace(${unthousanded}, ${sqlString(decimal)}, '.') as double)`;

  // units: by code read at the period, or by name; both must agree when both are given
  const units = new UnitIndex(await allUnits(db));
  const pairs = await db.all<{
    unit_code: string | null;
    unit_name: string | null;
    read_on: string | null;
  }>(
    `select distinct l.unit_code, l.unit_name, p.read_on from long l join period_map p on p.raw is not distinct from l.period_raw`,
  );
  await mapTable(
    db,
    'unit_map',
    ['unit_code', 'unit_name', 'read_on', 'unit_id', 'code', 'problem', 'rule', 'column_name'],
    pairs.map(({ unit_code, unit_name, read_on }) => {
      const out = (
        unit: { unit_id: string; code: string } | null,
        problem: string | null,
        rule: string | null,
        column: string | null,
      ) => [
        unit_code,
        unit_name,
        read_on,
        unit?.unit_id ?? null,
        unit?.code ?? null,
        problem,
        rule,
        column,
      ];
      const code = unit_code?.trim() || null;
      const name = unit_name?.trim() || null;
      if (read_on === null) return out(null, null, null, null); // the period error is reported
      let unit: Unit | null = null;
      if (code !== null) {
        const found = units.byCodeAt(code, read_on);
        if (found.length !== 1) {
          const past = units
            .byCodeAt(code, null)
            .map((u) => `${u.full_name} (${u.valid_from ?? '…'} – ${u.valid_to ?? 'now'})`);
          const problem =
            found.length === 0
              ? `code ${code} names no unit on ${read_on}${past.length ? `; it named ${past.join(', ')}` : ''}`
              : `code ${code} names ${found.length} units on ${read_on}: ${found.map((u) => u.unit_id).join(', ')}`;
          return out(
            null,
            problem,
            found.length === 0 ? 'unknown_unit' : 'ambiguous_unit',
            'unit_code',
          );
        }
        unit = found[0];
      }
      if (name !== null) {
        const r = units.resolve({ name, date: read_on });
        if (unit === null) {
          if (!r.ok) {
            const list = r.candidates.map((c) => `${c.full_name} [${c.code}]`).join('; ');
            const problem =
              r.reason === 'ambiguous'
                ? `unit name "${name}" is ambiguous on ${read_on}: ${list}; give unit_code`
                : `no unit is named "${name}" on ${read_on}${list ? ` (did you mean ${list}?)` : ''}`;
            return out(
              null,
              problem,
              r.reason === 'ambiguous' ? 'ambiguous_unit' : 'unknown_unit',
              'unit_name',
            );
          }
          unit = r.unit;
        } else {
          // an ambiguous name is fine when the code picks one of its candidates
          const codedId = unit.unit_id;
          const agrees = r.ok
            ? r.unit.unit_id === codedId
            : r.candidates.some((c) => c.unit_id === codedId) && r.reason === 'ambiguous';
          if (!agrees) {
            return out(
              null,
              `unit_code ${code} is ${unit.full_name} on ${read_on}, but unit_name says "${name}"`,
              'unit_mismatch',
              'unit_name',
            );
          }
        }
      }
      if (unit === null) return out(null, 'no unit_code or unit_name', 'unit', 'unit_code');
      if (options.scopeUnitId && !units.isUnder(unit.unit_id, options.scopeUnitId)) {
        return out(
          null,
          `${unit.full_name} is outside the units this token may report for`,
          'out_of_scope',
          code ? 'unit_code' : 'unit_name',
        );
      }
      return out(unit, null, null, null);
    }),
  );

  await db.run(`create or replace temp table typed as
    select l.line, l.column_name, l.value_raw, l.period_raw, l.metric_raw, l.unit_code as code_raw,
      l.unit_name as name_raw, l.reported_at as reported_raw,
      u.unit_id, u.code as unit_code, p.period, m.metric,
      case when s.outcome = 'value' then ${numberSql} end as value,
      s.outcome, s.percent::boolean as percent, try_cast(l.reported_at as timestamp) as reported_at,
      l.note, p.problem as period_problem, m.problem as metric_problem, u.problem as unit_problem,
      u.rule as unit_rule, u.column_name as unit_column, s.problem as value_problem, s.rule as value_rule
    from long l
    left join period_map p on p.raw is not distinct from l.period_raw
    left join metric_map m on m.raw is not distinct from l.metric_raw
    left join shape_map s on s.shape = ${shapeSql('l.value_raw')}
    left join unit_map u on u.unit_code is not distinct from l.unit_code
      and u.unit_name is not distinct from l.unit_name and u.read_on is not distinct from p.read_on`);

  const problemSql = `
    select line, 'period' as column_name, period_raw as value, 'period' as rule, period_problem as message, 'error' as severity
      from typed where period_problem is not null
    union all
    select line, case when column_name = 'value' then 'metric' else column_name end, metric_raw, 'unknown_metric', metric_problem, 'error'
      from typed where metric_problem is not null
    union all
    select line, unit_column, case when unit_column = 'unit_name' then name_raw else code_raw end, unit_rule, unit_problem, 'error'
      from typed where unit_problem is not null
    union all
    select line, column_name, value_raw, value_rule, value_problem, 'error'
      from typed where value_problem is not null
    union all
    select line, column_name, value_raw, 'not_a_number', 'unreadable number', 'error'
      from typed where outcome = 'value' and value is null
    union all
    select line, column_name, value_raw, 'count',
      case when percent then 'a count cannot be a percentage'
           when value < 0 then 'a count cannot be negative'
           else 'a count must be a whole number' end, 'error'
      from typed where outcome = 'value' and (percent or value < 0 or value <> floor(value))
    union all
    select line, 'reported_at', reported_raw, 'reported_at', 'unreadable reported_at (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)', 'error'
      from typed where reported_raw is not null and trim(reported_raw) <> '' and reported_at is null
    union all
    select max(line), any_value(column_name), string_agg(distinct value_raw, ' / '), 'conflicting_duplicate',
      'the same unit, period and metric appear on lines ' || string_agg(line::varchar, ', ' order by line) || ' with different values', 'error'
      from typed where unit_id is not null and period is not null and metric is not null and value is not null
      group by unit_id, period, metric having count(distinct value) > 1
    union all
    select max(line), any_value(column_name), any_value(value_raw), 'duplicate',
      'the same figure appears on lines ' || string_agg(line::varchar, ', ' order by line), 'warning'
      from typed where unit_id is not null and period is not null and metric is not null and value is not null
      group by unit_id, period, metric having count(*) > 1 and count(distinct value) = 1`;
  const problems = await db.all<{
    line: string | null;
    column_name: string | null;
    value: string | null;
    rule: string;
    message: string;
    severity: 'error' | 'warning';
  }>(`select * from (${problemSql}) order by severity, line limit ${ERROR_LIMIT * 2}`);
  const out: Problem[] = problems.map((p) => ({
    file,
    row: p.line === null ? null : Number(p.line),
    column: p.column_name,
    value: p.value,
    rule: p.rule,
    message: p.message,
    severity: p.severity,
  }));
  if (out.some((p) => p.severity === 'error')) return out;
  await db.run('delete from typed where value is null'); // missing is not zero: nothing to load
  out.push(...(await ratioWarnings(db, file)));
  return out;
}

/** A numerator above its denominator loads, and is kept as a data-quality finding. */
async function ratioWarnings(db: Database, file: string): Promise<Problem[]> {
  const rows = await db.all<{
    line: string;
    indicator_id: string;
    num: number;
    den: number;
    unit_code: string;
    period: string;
    numerator: string;
    denominator: string;
  }>(`
    select n.line, i.indicator_id, n.value num, d.value den, n.unit_code, n.period, i.numerator, i.denominator
    from core.indicators i
    join typed n on n.metric = i.numerator
    join typed d on d.metric = i.denominator and d.unit_id = n.unit_id and d.period = n.period
    where n.value > d.value
    order by n.line limit ${ERROR_LIMIT}`);
  return rows.map((r) => ({
    file,
    row: Number(r.line),
    column: r.numerator,
    value: String(r.num),
    rule: 'numerator_above_denominator',
    message: `${r.numerator} ${r.num} is above ${r.denominator} ${r.den} for ${r.unit_code} ${r.period} (${r.indicator_id})`,
    severity: 'warning' as const,
  }));
}

/** Compares each figure with the latest stored revision: new, unchanged, or a new revision. */
async function classifyRevisions(db: Database): Promise<void> {
  await db.run(`create or replace temp table revised as
    with keys as (select distinct unit_id, period, metric from typed),
    cur as (
      select o.unit_id, o.period, o.metric, max(o.revision) as revision, arg_max(o.value, o.revision) as value
      from core.observation_revisions o semi join keys k using (unit_id, period, metric)
      group by all)
    select t.line, t.unit_id, t.unit_code, t.period, t.metric, t.value, t.reported_at, t.note,
      case when c.revision is null then 'new' when c.value = t.value then 'unchanged' else 'revised' end as kind,
      coalesce(c.revision, 0) + 1 as revision
    from typed t left join cur c using (unit_id, period, metric)`);
}

/** Writes the batch, its new revisions and its warnings in one transaction. */
async function commitBatch(
  db: Database,
  report: IngestReport,
  options: IngestOptions,
): Promise<string> {
  const batchId = `b${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 17)}-${report.sha256.slice(0, 8)}`;
  await db.transaction(async () => {
    await db.run(
      `insert into core.batches values ($id, $file, $sha, current_timestamp, $read, $new, $revised,
         $unchanged, $warnings, $layout, $encoding, $by)`,
      {
        id: batchId,
        file: report.file,
        sha: report.sha256,
        read: report.rowsRead,
        new: report.rowsNew,
        revised: report.rowsRevised,
        unchanged: report.rowsUnchanged,
        warnings: report.warnings.length,
        layout: report.layout,
        encoding: report.encoding,
        by: options.loadedBy ?? 'cli',
      },
    );
    await db.run(
      `insert into core.observation_revisions
       select unit_id, unit_code, period, metric, value, revision, $id, current_timestamp, reported_at, note, line
       from revised where kind <> 'unchanged'`,
      { id: batchId },
    );
    for (const w of report.warnings) {
      await db.run(
        `insert into core.quality_findings values ($id, null, null, $column, $rule, 'warning', $message, $value, $line, current_timestamp)`,
        {
          id: batchId,
          column: w.column,
          rule: w.rule,
          message: w.message,
          value: w.value,
          line: w.row,
        },
      );
    }
  });
  return batchId;
}
