// Ingest: a file of reported figures in, validated whole, loaded all-or-nothing as one batch.
// DuckDB parses and checks in bulk (read_csv into an all-text long table, then SQL over it);
// JavaScript only sniffs, decodes, converts JSON and XLSX to the same staged CSV, and classifies
// the few distinct periods, metrics, units and number shapes.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { quoteIdent, type Database } from '../db/connect.ts';
import { sniff, SniffError, type Sniffed } from '../read/sniff.ts';
import type { Encoding } from '../read/decode.ts';
import { readJson, type ReadResult } from '../read/json.ts';
import { columnLetter, readXlsx } from '../read/xlsx.ts';
import { detectConvention, parseNumber, type Convention } from '../normalize/numbers.ts';
import { formatPeriod, parsePeriod, periodEnd } from '../normalize/periods.ts';
import { UnitIndex, type Resolution, type Unit } from '../normalize/units.ts';
import { matchKey } from '../normalize/text.ts';
import { allUnits } from './units.ts';
import { errorAt, type Problem } from './problems.ts';
import { anyStored, appendRevisions, ensureKeys } from './store.ts';

export type IngestStage = 'reading' | 'validating' | 'comparing' | 'writing';

export type Layout = 'long' | 'wide';

export interface IngestOptions {
  dryRun?: boolean;
  layout?: Layout;
  /** the period of every row of a wide file without a period column */
  period?: string;
  encoding?: Encoding;
  /** only this sheet of a workbook (default: every sheet) */
  sheet?: string;
  /** the name to record (an upload's original file name) */
  fileName?: string;
  loadedBy?: string;
  /** when given, only rows for units under this unit may load (a reporter's scope) */
  scopeUnitId?: string;
  /**
   * the unit the file is about: unit names are looked for among it and the units under it, so a
   * district's file can name its communes without codes ("Xã Mỹ An" names many communes)
   */
  parentUnitId?: string;
  /** told as the pipeline moves on: reading, validating, comparing, writing (progress display) */
  onStage?: (stage: IngestStage) => void;
  /**
   * false: skip the fast path for clean long CSVs and check every row the general way (the
   * tests load every fixture both ways and compare what is stored)
   */
  fast?: boolean;
}

export interface IngestReport {
  file: string;
  sha256: string;
  status: 'loaded' | 'unchanged' | 'rejected' | 'dry_run';
  batchId: string | null;
  layout: Layout | 'json';
  encoding: Encoding | 'xlsx';
  /** data rows read (a wide row counts once, whatever its number of metric columns) */
  rowsRead: number;
  rowsNew: number;
  rowsRevised: number;
  rowsUnchanged: number;
  /** figures left blank or "-": missing, not zero, and not loaded */
  rowsMissing: number;
  errors: Problem[];
  warnings: Problem[];
  /** how many errors there were in all (errors[] keeps the first ERROR_LIMIT) */
  errorCount: number;
  /** how many warnings there were in all (warnings[] keeps the first ERROR_LIMIT) */
  warningCount: number;
  seconds: number;
}

export const ERROR_LIMIT = 1000;
const LONG_REQUIRED = ['period', 'metric', 'value'];
const UNIT_COLUMNS = ['unit_code', 'unit_name'];
const OPTIONAL = ['reported_at', 'note'];
const LONG_COLUMNS = ['unit_code', 'unit_name', 'period', 'metric', 'value', ...OPTIONAL];
const TEMP_TABLES = [
  'long',
  'typed',
  'revised',
  'problems',
  'findings',
  'repeated',
  'pairs',
  'parts',
  'shape_map',
  'period_map',
  'metric_map',
  'unit_map',
  'line_shifts',
  'csv_rejects',
  'csv_rejects_scan',
  'to_store',
];

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const headerKey = (h: string) => h.normalize('NFC').trim().toLowerCase();
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

type Format = 'csv' | 'json' | 'xlsx' | 'xls';

/** By the name's extension, or by the bytes when they are a zip (xlsx) or an OLE file (xls). */
function formatOf(path: string, name: string): Format {
  const ext = extname(name).toLowerCase() || extname(path).toLowerCase();
  const fd = openSync(path, 'r');
  const magic = Buffer.alloc(4);
  try {
    readSync(fd, magic, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (ext === '.xlsx' || ext === '.xlsm' || magic.equals(Buffer.from('PK\x03\x04', 'latin1')))
    return 'xlsx';
  if (ext === '.xls' || magic.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) return 'xls';
  return ext === '.json' ? 'json' : 'csv';
}

/** How one part (a file or a sheet) maps onto the long table. */
interface Plan {
  part: number;
  sniffed: Sniffed;
  layout: Layout;
  /** canonical column key (unit_code, period, …) → index in the header */
  columns: Map<string, number>;
  /** wide: the metric columns, with the metric each holds */
  metricColumns: Array<{ index: number; metric: string }>;
}

const printedColumn = (s: Sniffed, i: number) =>
  s.header[i] || (s.columnLetters ? columnLetter(i + 1) : `#${i + 1}`);

/** Decides the layout from the header, and for a wide file which columns are which metrics. */
function planColumns(
  sniffed: Sniffed,
  part: number,
  metrics: Array<{ metric_id: string; name_vi: string }>,
  options: IngestOptions,
  forceLong: boolean,
): { plan: Plan; problems: Problem[] } {
  const { header, file, headerRow } = sniffed;
  const keys = header.map(headerKey);
  const problems: Problem[] = [];
  const err = (column: string | null, value: string | null, message: string, rule = 'header') =>
    problems.push(errorAt(file, headerRow, column, value, rule, message));
  const columns = new Map<string, number>();
  keys.forEach((k, i) => {
    if (k === '') {
      err(printedColumn(sniffed, i), null, `column ${printedColumn(sniffed, i)} has no name`);
    } else if (columns.has(k)) {
      err(header[i], header[i], `column ${header[i]} appears twice`);
    } else columns.set(k, i);
  });
  const layout: Layout = forceLong
    ? 'long'
    : (options.layout ?? (columns.has('metric') || columns.has('value') ? 'long' : 'wide'));
  if (!UNIT_COLUMNS.some((c) => columns.has(c))) {
    err(null, null, 'the header needs a unit_code or a unit_name column');
  }
  const metricColumns: Plan['metricColumns'] = [];
  if (layout === 'long') {
    for (const c of LONG_REQUIRED) if (!columns.has(c)) err(c, null, `missing column ${c}`);
    // a column nobody reads is a figure or a unit silently lost (a typo such as "unit_cod")
    header.forEach((h, i) => {
      if (keys[i] !== '' && !LONG_COLUMNS.includes(keys[i])) {
        err(h, h, `column ${h} is not one of ${LONG_COLUMNS.join(', ')}`);
      }
    });
  } else {
    if (!columns.has('period') && !options.period) {
      err(null, null, 'a wide file needs a period column or --period');
    }
    const byLabel = new Map<string, string>();
    for (const m of metrics) {
      byLabel.set(m.metric_id, m.metric_id);
      byLabel.set(matchKey(m.name_vi), m.metric_id);
    }
    const seen = new Map<string, string>();
    header.forEach((h, i) => {
      const k = keys[i];
      if (k === '' || [...UNIT_COLUMNS, 'period', ...OPTIONAL].includes(k)) return;
      const metric = byLabel.get(k) ?? byLabel.get(matchKey(h));
      if (!metric) {
        err(h, h, `column ${h} is neither a metric id nor a metric's label`, 'unknown_metric');
      } else if (seen.has(metric)) {
        err(h, h, `columns ${seen.get(metric)} and ${h} both hold ${metric}`);
      } else {
        seen.set(metric, h);
        metricColumns.push({ index: i, metric });
      }
    });
    if (metricColumns.length === 0 && problems.length === 0) {
      err(null, null, 'no column names a metric');
    }
  }
  return { plan: { part, sniffed, layout, columns, metricColumns }, problems };
}

const wholeFile = (file: string, rule: string, message: string, value: string | null = null) =>
  errorAt(file, null, null, value, rule, message);

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
  const baseName = options.fileName ?? basename(path);
  const format = formatOf(path, baseName);
  const file = format === 'xlsx' && options.sheet ? `${baseName}[${options.sheet}]` : baseName;
  // the file's hash is read while DuckDB works (another core); it is awaited before it is needed
  const hashing = sha256(path);
  hashing.catch(() => undefined);
  const workDir = mkdtempSync(join(tmpdir(), 'chitieu-ingest-'));
  const report: IngestReport = {
    file,
    sha256: '',
    status: 'rejected',
    batchId: null,
    layout: format === 'json' ? 'json' : 'long',
    encoding: format === 'xlsx' ? 'xlsx' : (options.encoding ?? 'utf-8'),
    rowsRead: 0,
    rowsNew: 0,
    rowsRevised: 0,
    rowsUnchanged: 0,
    rowsMissing: 0,
    errors: [],
    warnings: [],
    errorCount: 0,
    warningCount: 0,
    seconds: 0,
  };
  const fail = (problems: Problem[], count = problems.length) => {
    report.errorCount = count;
    report.errors = problems.slice(0, ERROR_LIMIT);
    report.status = 'rejected';
    return report;
  };
  try {
    if (options.period !== undefined && parsePeriod(options.period) === null) {
      return fail([
        wholeFile(file, 'period', `unreadable --period "${options.period}"`, options.period),
      ]);
    }
    let read: ReadResult;
    if (format === 'xls') {
      return fail([
        wholeFile(
          file,
          'format',
          'an Excel 97–2003 workbook (.xls) cannot be read: save it as .xlsx or CSV',
        ),
      ]);
    } else if (format === 'xlsx') {
      read = await readXlsx(path, baseName, workDir, options.sheet);
    } else if (format === 'json') {
      read = readJson(path, file, workDir, options.encoding);
      report.encoding = read.encoding;
    } else {
      try {
        const sniffed = sniff(path, workDir, file, options.encoding);
        read = { parts: [sniffed], problems: [], encoding: sniffed.encoding };
        report.encoding = sniffed.encoding;
      } catch (error) {
        if (!(error instanceof SniffError)) throw error;
        return fail([wholeFile(file, error.rule, error.message)]);
      }
    }
    if (read.problems.length > 0) return fail(read.problems);

    const metrics = await db.all<{ metric_id: string; name_vi: string }>(
      'select metric_id, name_vi from core.metrics',
    );
    const planned = read.parts.map((s, i) =>
      planColumns(s, i, metrics, options, format === 'json'),
    );
    const plans = planned.map((p) => p.plan);
    if (format !== 'json' && plans.length > 0) report.layout = plans[0].layout;
    const headerProblems = planned.flatMap((p) => p.problems);
    if (headerProblems.length > 0) return fail(headerProblems);

    options.onStage?.('reading');
    const fast =
      options.fast === false ? null : await fastPath(db, plans, metrics, options, hashing);
    if (fast !== null) {
      report.rowsRead = fast.rowsRead;
      report.rowsMissing = fast.rowsMissing;
      report.rowsNew = fast.rowsNew;
      report.rowsRevised = fast.rowsRevised;
      report.rowsUnchanged = fast.rowsUnchanged;
      report.warnings = fast.warnings;
      report.warningCount = fast.warningCount;
      if (options.dryRun) {
        report.status = 'dry_run';
        return report;
      } else if (report.rowsNew + report.rowsRevised === 0) {
        report.status = 'unchanged';
        return report;
      }
      report.sha256 = await hashing;
      report.batchId =
        fast.batchId === undefined
          ? await commitBatch(db, report, options, fast.observations)
          : await finishBatch(db, report, options, fast.batchId);
      report.status = 'loaded';
      return report;
    }
    await db.dropTemp(FAST_TABLES);
    await createLong(db, plans);
    const staged: Problem[] = [];
    let stagedCount = 0;
    for (const plan of plans) {
      const r = await stage(db, plan, options);
      staged.push(...r.problems);
      stagedCount += r.problemCount;
      report.rowsRead += r.rows;
    }
    if (staged.length > 0) return fail(staged, stagedCount);

    options.onStage?.('validating');
    const v = await validate(db, plans, metrics, options);
    report.warnings = v.warnings;
    report.warningCount = v.warningCount;
    if (v.errorCount > 0) return fail(v.errors, v.errorCount);
    report.rowsMissing = v.missing;
    options.onStage?.('comparing');
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
      report.sha256 = await hashing;
      report.batchId = await commitBatch(db, report, options);
      report.status = 'loaded';
    }
    return report;
  } finally {
    report.sha256 = await hashing;
    report.seconds = (performance.now() - started) / 1000;
    await db.dropTemp([...TEMP_TABLES, ...FAST_TABLES]);
    rmSync(workDir, { recursive: true, force: true });
  }
}

const FAST_TABLES = [
  'fast_agg',
  'fast_rows',
  'fast_combos',
  'fast_map',
  'fast_named',
  'fast_key',
  'fast_broken',
  'fast_cur',
  'fast_ids',
  'fast_keyed',
  'fast_metric_keys',
];

/** What the fast path found and would load. */
interface FastResult {
  rowsRead: number;
  rowsMissing: number;
  rowsNew: number;
  rowsRevised: number;
  rowsUnchanged: number;
  warnings: Problem[];
  warningCount: number;
  /** the select of the rows to insert into core.observation_revisions ($id is the batch) */
  observations: string;
  /**
   * set when the rows are already inserted as this batch in the open transaction (the batch's
   * row and its findings remain to write, then commit)
   */
  batchId?: string;
}

/**
 * The way of a clean canonical long CSV, the usual large file. DuckDB parses a file far faster
 * than it stores one, so the file is read twice and never stored as text:
 *  1. one aggregate over the file gives its distinct (unit, name, period), values and metrics,
 *     which JavaScript classifies exactly as the full pipeline does;
 *  2. a second read keeps each row as three numbers (its key's hash, its metric's index and its
 *     figure), in file order so that a row's line is its rowid: a tenth of the text's memory;
 *  3. one aggregate over those numbers proves that no key repeats and finds the numerators above
 *     their denominators, and the rows go into the batch joined with the small maps.
 * Null as soon as anything is doubtful (any problem, a duplicate, a layout it does not cover):
 * nothing has been written then, and the full pipeline validates the file from the start and
 * reports every problem row by row.
 */
async function fastPath(
  db: Database,
  plans: Plan[],
  metrics: Array<{ metric_id: string; name_vi: string }>,
  options: IngestOptions,
  hashing: Promise<string>,
): Promise<FastResult | null> {
  if (plans.length !== 1) return null;
  const plan = plans[0];
  const s = plan.sniffed;
  if (plan.layout !== 'long' || s.rowColumn || s.lineShifts.length > 0) return null;
  const keys = LONG_COLUMNS.filter((k) => plan.columns.has(k));
  const has = (k: string) => plan.columns.has(k);
  const spec = s.header.map((_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ');
  const col = (k: string) => (has(k) ? `l.${k}` : 'null::varchar');
  const period = has('period')
    ? options.period
      ? `coalesce(l.period, ${sqlString(options.period)})`
      : 'l.period'
    : sqlString(options.period ?? '');
  // the file as written, its columns named by their role
  const file = () =>
    `(select ${keys
      .map((k) => `c${(plan.columns.get(k) as number) + 1} as ${k}`)
      .join(', ')} from ${readerSql(s, spec, true)}) l`;
  const combo = `hash(${col('unit_code')}, ${col('unit_name')}, ${period})`;
  const badReported = has('reported_at')
    ? `l.reported_at is not null and trim(l.reported_at) <> ''
       and try_cast(l.reported_at as timestamp) is null`
    : 'false';
  try {
    // 1. the distinct (unit, name, period) with their rows (and unreadable reported_at); the
    // distinct values; the distinct metrics. A blank row (",,,") has no metric: the metrics
    // below send it the full way
    await db.run(`create or replace temp table fast_agg as
      select grouping(${col('unit_code')}) = 0 as is_combo, grouping(l.value) = 0 as is_value,
        ${col('unit_code')} as unit_code, ${col('unit_name')} as unit_name,
        ${period} as period_raw, l.value, l.metric, count(*) as n,
        ${has('reported_at') ? `count(*) filter (where ${badReported})` : '0'} as bad_reported
      from ${file()}
      group by grouping sets ((${col('unit_code')}, ${col('unit_name')}, ${period}), (l.value),
        (l.metric))`);
  } catch {
    return null; // the full pipeline says why DuckDB gave up
  }
  const [scan] = await db.values<{ rows: bigint; n: bigint; h: bigint; bad: bigint }>(
    `select coalesce(sum(n), 0)::bigint as rows, count(*) as n,
       count(distinct hash(unit_code, unit_name, period_raw)) as h,
       coalesce(sum(bad_reported), 0)::bigint as bad
     from fast_agg where is_combo`,
  );
  const rowsRead = Number(scan.rows);
  if (rowsRead === 0 || scan.bad > 0n || scan.n !== scan.h) return null;

  // metrics and number shapes: classified exactly as the full pipeline does
  const raws = (
    await db.all<{ raw: string | null }>(
      'select metric as raw from fast_agg where not is_combo and not is_value order by metric',
    )
  ).map((r) => r.raw);
  const metricMap = metricRows(raws, metrics);
  if (metricMap.some((m) => m[2] !== null)) return null;
  const metricIds = [...new Set(metricMap.map((m) => m[1] as string))].sort();
  if (metricIds.length === 0 || metricIds.length > 63) return null;
  await mapTable(
    db,
    'fast_ids',
    ['idx', 'metric'],
    metricIds.map((m, i) => [String(i), m]),
  );
  await db.run(`create or replace temp table fast_ids as
    select idx::utinyint as idx, metric from fast_ids`);
  const shapeCounts = await db.values<{ shape: string; n: bigint }>(
    `select ${shapeSql('value')} as shape, sum(n)::bigint as n
     from fast_agg where is_value group by all`,
  );
  const { convention, rows: shapeMap } = classifyShapes(shapeCounts.map((r) => r.shape));
  const missingShapes: string[] = [];
  let rowsMissing = 0;
  for (const [i, [shape, outcome, percent, plain, big]] of shapeMap.entries()) {
    if (outcome === 'missing') {
      missingShapes.push(shape as string);
      rowsMissing += Number(shapeCounts[i].n);
      continue;
    }
    // only whole, non-negative figures written with digits and marks: they read by a cast
    const parsed = parseNumber(shape as string, convention);
    const whole =
      parsed.kind === 'value' &&
      !parsed.percent &&
      Number.isInteger(parsed.value) &&
      parsed.value >= 0;
    if (outcome !== 'value' || percent !== 'false' || big !== 'false' || !whole) return null;
    if (plain !== 'true' && plain !== 'simple') return null;
  }
  const [thousands, decimal] = marksOf(convention);
  // the cast reads around blanks itself, and a decimal mark no shape holds needs no replace
  const bare = thousands ? `replace(l.value, ${sqlString(thousands)}, '')` : 'l.value';
  const marked = shapeMap.some((r) => r[1] !== 'missing' && (r[0] as string).includes(decimal));
  const value = decimal === '.' || !marked ? bare : `replace(${bare}, ${sqlString(decimal)}, '.')`;
  const given =
    missingShapes.length === 0
      ? 'true'
      : `coalesce(trim(l.value), '') not in (${missingShapes.map(sqlString).join(', ')})`;

  // 2. every row as numbers, in file order: a row's line is its rowid + 2 (a value the shapes
  // promised would read and that does not fails the cast: the full pipeline says which)
  const metricIdx = `list_extract([${metricMap
    .map((m) => metricIds.indexOf(m[1] as string))
    .join(', ')}]::utinyint[], list_position([${raws
    .map((r) => sqlString(r as string))
    .join(', ')}], l.metric))`;
  options.onStage?.('validating');
  try {
    await db.run(`create or replace temp table fast_rows as
      select ${combo} as h, ${metricIdx} as idx,
        case when ${given} then cast(${value} as double) end as x
        ${has('reported_at') ? ', try_cast(l.reported_at as timestamp) as reported_at' : ''}
        ${has('note') ? ', nfc_normalize(l.note) as note' : ''}
      from ${file()}`);
  } catch {
    return null;
  }
  if (Number(await db.scalar<bigint>('select count(*) from fast_rows')) !== rowsRead) return null;

  // periods: classified exactly as the full pipeline does
  const periods = periodRows(
    (
      await db.all<{ raw: string | null }>(
        'select distinct period_raw as raw from fast_agg where is_combo',
      )
    ).map((r) => r.raw),
  );
  if (periods.some((p) => p[3] !== null)) return null;
  await mapTable(db, 'period_map', ['raw', 'period', 'read_on', 'problem'], periods);

  // units: a code alone is read at the period in SQL; names go through the resolver
  await db.run(`create or replace temp table fast_map as
    with c as (
      select hash(c.unit_code, c.unit_name, c.period_raw) as h, c.unit_code, c.unit_name,
        p.period, p.read_on, p.read_on::date as day,
        case when c.unit_name is null then
          case when trim(c.unit_code) = 'vn' then 'VN' else trim(c.unit_code) end end as wanted
      from fast_agg c join period_map p on p.raw is not distinct from c.period_raw
      where c.is_combo),
    hit as (
      select c.h, u.unit_id, u.code from c join core.units u on u.code = c.wanted
      where (u.valid_from is null or u.valid_from <= c.day)
        and (u.valid_to is null or c.day <= u.valid_to))
    select c.h, c.unit_code, c.unit_name, c.period, c.read_on, hit.unit_id, hit.code,
      count(hit.unit_id) over (partition by c.h) as matches
    from c left join hit using (h)`);
  const unresolved = Number(
    await db.scalar<bigint>(
      'select count(*) from fast_map where unit_name is null and matches <> 1',
    ),
  );
  if (unresolved > 0) return null;
  const named = await db.all<{
    h: string;
    unit_code: string | null;
    unit_name: string;
    read_on: string;
  }>(
    'select h::varchar as h, unit_code, unit_name, read_on from fast_map where unit_name is not null',
  );
  if (named.length > 0) {
    const classifyUnit = await unitClassifier(db, options);
    const resolved: Array<Array<string | null>> = [];
    for (const n of named) {
      const r = classifyUnit(n.unit_code, n.unit_name, n.read_on);
      if (r[5] !== null || r[3] === null) return null;
      resolved.push([n.h, r[3], r[4]]);
    }
    await mapTable(db, 'fast_named', ['h', 'unit_id', 'code'], resolved);
  } else {
    await db.run(
      'create or replace temp table fast_named (h varchar, unit_id varchar, code varchar)',
    );
  }
  await db.run(`create or replace temp table fast_key as
    select h, unit_id, code, period from fast_map where unit_name is null
    union all
    select m.h, n.unit_id, n.code, m.period
    from fast_map m join fast_named n on n.h::ubigint = m.h where m.unit_name is not null`);
  const inScope = await scopeOf(db, options);
  if (inScope) {
    const ids = await db.all<{ unit_id: string }>('select distinct unit_id from fast_key');
    if (ids.some((u) => !inScope(u.unit_id))) return null;
  }
  // a key repeated across spellings: one (unit, period) written two ways goes the full way
  const [keyed] = await db.values<{ n: bigint; distinct: bigint }>(
    'select count(*) as n, count(distinct (unit_id, period)) as distinct from fast_key',
  );
  if (keyed.n !== keyed.distinct) return null;

  // 3. per (unit, name, period), from the rows as numbers: a metric twice is a repeated key;
  // for every numerator/denominator pair, the numerator less the denominator (exact: whole
  // figures below 2^53)
  const ratios = await db.all<{ indicator_id: string; numerator: string; denominator: string }>(
    `select indicator_id, numerator, denominator from core.indicators
     where denominator is not null and numerator in (select metric from fast_ids)
       and denominator in (select metric from fast_ids)`,
  );
  const idx = (m: string) => metricIds.indexOf(m);
  const bits = (p: { numerator: string; denominator: string }) =>
    `${(1n << BigInt(idx(p.numerator))) | (1n << BigInt(idx(p.denominator)))}::ubigint`;
  await db.run(`create or replace temp table fast_combos as
    select h, count(*) as n, bit_or(1::ubigint << idx) as metrics,
      bit_or(1::ubigint << idx) filter (where x is not null) as mask
      ${ratios
        .map(
          (p, j) => `, sum(case idx when ${idx(p.numerator)} then x
              when ${idx(p.denominator)} then -x end) as d${j}`,
        )
        .join('')}
    from fast_rows group by h`);
  const repeated = Number(
    await db.scalar<bigint>('select count(*) from fast_combos where n <> bit_count(metrics)'),
  );
  if (repeated > 0) return null;
  await db.run(`create or replace temp table findings (part integer, line bigint,
    column_name varchar, value varchar, rule varchar, message varchar, unit_id varchar,
    period varchar, metric varchar)`);
  if (ratios.length > 0) {
    await db.run(`create or replace temp table fast_broken as
      ${ratios
        .map(
          (p, j) => `select h, ${sqlString(p.indicator_id)} as indicator_id,
            ${sqlString(p.numerator)} as numerator, ${sqlString(p.denominator)} as denominator,
            ${idx(p.numerator)}::utinyint as idx, ${idx(p.denominator)}::utinyint as den_idx
          from fast_combos where d${j} > 0 and (mask & ${bits(p)}) = ${bits(p)}`,
        )
        .join('\nunion all\n')}`);
    if (Number(await db.scalar<bigint>('select count(*) from fast_broken')) > 0) {
      // only the few pairs that break the rule go back to the file for their value as written
      const valueColumn = s.header[plan.columns.get('value') ?? 0];
      await db.run(`insert into findings
        with f as (
          select h, idx, rowid + 2 as line, x from fast_rows
          where x is not null and h in (select h from fast_broken)),
        written as (
          select * from (select row_number() over () + 1 as line, l.value from ${file()})
          where line in (select line from f))
        select 0, f.line, ${sqlString(valueColumn)}, w.value, 'numerator_above_denominator',
          b.numerator || ' ' || f.x::bigint || ' is above ' || b.denominator || ' ' ||
            g.x::bigint || ' for ' || k.code || ' ' || k.period || ' (' || b.indicator_id || ')',
          k.unit_id, k.period, b.numerator
        from fast_broken b join fast_key k using (h)
        join f on f.h = b.h and f.idx = b.idx join f g on g.h = b.h and g.idx = b.den_idx
        join written w on w.line = f.line`);
    }
  }
  const findings = await readFindings(db, plans);
  await db.dropTemp(['fast_agg', 'fast_combos', 'fast_map', 'fast_broken']);

  // new, unchanged or a new revision, against the latest stored revision of each key
  options.onStage?.('comparing');
  const loadable = rowsRead - rowsMissing;
  const stored = await anyStored(db, 'select period from fast_key');
  const counts = { rowsRead, rowsMissing, ...findings };
  const columns = (revision: string) => `select k.unit_id, k.code, k.period, i.metric, f.x,
      ${revision}, $id, current_timestamp, ${has('reported_at') ? 'f.reported_at' : 'null'},
      ${has('note') ? 'f.note' : 'null'}, f.rowid + 2, null`;
  const joined = 'fast_rows f join fast_key k using (h) join fast_ids i using (idx)';
  if (!stored) {
    // nothing stored for these periods: every figure is new
    if (options.dryRun || loadable === 0) {
      return { ...counts, rowsNew: loadable, rowsRevised: 0, rowsUnchanged: 0, observations: '' };
    }
    const batchId = await insertDirect(db, {
      // the keys of the file's units, periods and metrics, given to those that have none
      keys: async () => {
        await ensureKeys(db, {
          units: 'select unit_id, code as unit_code from fast_key',
          periods: 'select period from fast_key',
          metrics: 'select metric from fast_ids',
        });
        await db.run(`create or replace temp table fast_keyed as
          select k.h, u.unit_key, p.period_key from fast_key k
          join core.unit_keys u on u.unit_id = k.unit_id
          join core.period_keys p on p.period = k.period`);
        await db.run(`create or replace temp table fast_metric_keys as
          select i.idx, m.metric_key from fast_ids i join core.metric_keys m using (metric)`);
      },
      select: `select k.unit_key, k.period_key, i.metric_key, f.x, 1, $id, current_timestamp,
          ${has('reported_at') ? 'f.reported_at' : 'null'}, ${has('note') ? 'f.note' : 'null'},
          f.rowid + 2, null
        from fast_rows f join fast_keyed k using (h) join fast_metric_keys i using (idx)
        where f.x is not null`,
      rows: loadable,
      hashing,
      options,
    });
    if (batchId === null) return null;
    return {
      ...counts,
      rowsNew: loadable,
      rowsRevised: 0,
      rowsUnchanged: 0,
      observations: '',
      batchId,
    };
  }
  await db.run(`create or replace temp table fast_cur as
    select unit_id, period, metric, max(revision) as revision, arg_max(value, revision) as value
    from core.observation_revisions where period in (select distinct period from fast_key)
    group by all`);
  const compared = `${joined} left join fast_cur c
    on c.unit_id = k.unit_id and c.period = k.period and c.metric = i.metric`;
  const [kinds] = await db.values<{ new: bigint; unchanged: bigint }>(
    `select count(*) filter (where c.revision is null) as new,
       count(*) filter (where c.value = f.x) as unchanged
     from ${compared} where f.x is not null`,
  );
  return {
    ...counts,
    rowsNew: Number(kinds.new),
    rowsRevised: loadable - Number(kinds.new) - Number(kinds.unchanged),
    rowsUnchanged: Number(kinds.unchanged),
    observations: `${columns('coalesce(c.revision, 0) + 1')} from ${compared}
      where f.x is not null and (c.revision is null or c.value <> f.x)`,
  };
}

/**
 * Inserts a fast batch's rows (all new) straight from the numbers of the file, by key, in a
 * transaction it leaves open for the batch's row and findings: its id, or null (rolled back)
 * when a row finds no key (the full pipeline then reports row by row).
 */
async function insertDirect(
  db: Database,
  d: {
    keys: () => Promise<void>;
    select: string;
    rows: number;
    hashing: Promise<string>;
    options: IngestOptions;
  },
): Promise<string | null> {
  const batchId = newBatchId(await d.hashing);
  await db.run('begin transaction');
  try {
    d.options.onStage?.('writing');
    await d.keys();
    let inserted: number | null;
    // FSST's training on the text columns left (one batch id per batch, the notes) is wasted on
    // them: they compress as constants or dictionaries. The setting is the instance's: put back
    const disabled = String(
      await db.scalar(`select current_setting('disabled_compression_methods')`),
    );
    const methods = new Set(disabled.split(',').filter((m) => m.trim() !== ''));
    for (const m of ['fsst', 'dict_fsst']) methods.add(m);
    await db.run(`set disabled_compression_methods = ${sqlString([...methods].join(','))}`);
    try {
      inserted = Number(
        await db.scalar<bigint>(`insert into core.observation_facts ${d.select}`, {
          id: batchId,
        }),
      );
    } catch {
      inserted = null;
    } finally {
      await db.run(`set disabled_compression_methods = ${sqlString(disabled)}`);
    }
    if (inserted !== d.rows) {
      await db.run('rollback');
      return null;
    }
  } catch (error) {
    await db.run('rollback');
    throw error;
  }
  return batchId;
}

/** Temp table `long`: one row per (part, line, metric) with the raw texts; `parts` names them. */
async function createLong(db: Database, plans: Plan[]): Promise<void> {
  await db.run(`create or replace temp table long (
      part integer, line bigint, unit_code varchar, unit_name varchar, reported_at varchar,
      note varchar, period_raw varchar, metric_raw varchar, value_raw varchar, column_name varchar,
      shape varchar)`);
  await mapTable(
    db,
    'parts',
    ['part', 'file', 'label', 'sheet'],
    plans.map((p) => [
      String(p.part),
      p.sniffed.file,
      plans.length > 1 ? `${p.sniffed.file} row ` : '',
      p.sniffed.sheet ?? null,
    ]),
  );
}

/**
 * Reads one part with DuckDB's read_csv (all text) straight into `long`, each row numbered by its
 * line in the file (header = 1) or by the row number the converter wrote. Rows of nothing but
 * blank fields (Excel writes them as ",,,") are not records.
 */
async function stage(
  db: Database,
  plan: Plan,
  options: IngestOptions,
): Promise<{ rows: number; problems: Problem[]; problemCount: number }> {
  const s = plan.sniffed;
  const n = s.header.length;
  const cols = Array.from({ length: n }, (_, i) => `c${i + 1}`);
  const spec = [...(s.rowColumn ? ['c0'] : []), ...cols].map((c) => `'${c}': 'VARCHAR'`).join(', ');
  await db.dropTemp(['csv_rejects', 'csv_rejects_scan']);
  const reader = readerSql(s, spec);
  let line: string;
  let from: string;
  if (s.rowColumn) {
    line = 'c0::bigint';
    from = reader;
  } else if (s.lineShifts.length === 0) {
    line = 'rec + 1';
    from = `(select row_number() over () as rec, * from ${reader})`;
  } else {
    await mapTable(
      db,
      'line_shifts',
      ['rec', 'shift'],
      s.lineShifts.map(([r, k]) => [String(r), String(k)]),
    );
    line = 'r.rec + 1 + coalesce(ls.shift::bigint, 0)';
    from = `(select row_number() over () as rec, * from ${reader}) r
      asof left join line_shifts ls on r.rec >= ls.rec::bigint`;
  }
  const staged = `(select ${line} as line, ${cols.join(', ')} from ${from}
      where coalesce(${cols.join(', ')}) is not null)`;
  const col = (key: string) => {
    const i = plan.columns.get(key);
    return i === undefined ? 'null::varchar' : `c${i + 1}`;
  };
  const period = plan.columns.has('period')
    ? options.period
      ? `coalesce(${col('period')}, ${sqlString(options.period)})`
      : col('period')
    : sqlString(options.period ?? '');
  const common = `line, ${col('unit_code')} as unit_code, ${col('unit_name')} as unit_name,
      ${col('reported_at')} as reported_at, nfc_normalize(${col('note')}) as note,
      ${period} as period_raw`;
  let sql: string;
  if (plan.layout === 'long') {
    const valueColumn = s.header[plan.columns.get('value') ?? 0];
    sql = `insert into long select ${plan.part}, ${common}, ${col('metric')}, ${col('value')},
        ${sqlString(valueColumn)}, ${shapeSql(col('value'))} from ${staged}`;
  } else {
    const metricCase = plan.metricColumns
      .map((m) => `when 'c${m.index + 1}' then ${sqlString(m.metric)}`)
      .join(' ');
    const columnCase = plan.metricColumns
      .map((m) => `when 'c${m.index + 1}' then ${sqlString(s.header[m.index])}`)
      .join(' ');
    const valueCols = plan.metricColumns.map((m) => `c${m.index + 1}`).join(', ');
    sql = `insert into long
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
    // DuckDB gives up on some files instead of rejecting rows (mixed line endings, …)
    const message = `${(error as Error).message.split('\n')[0]} (mixed line endings or stray quotes are the usual cause)`;
    return { rows: 0, problems: [wholeFile(s.file, 'csv', message)], problemCount: 1 };
  }
  const rows = plan.layout === 'long' ? inserted : inserted / plan.metricColumns.length;
  const rejectCount = Number(
    await db.scalar<bigint>('select count(distinct (line, error_type)) from csv_rejects'),
  );
  if (rejectCount > 0) {
    // a line with two fields too many is rejected twice: once is enough
    const rejects = await db.all<{
      line: string;
      column_name: string | null;
      error_type: string;
      csv_line: string;
      error_message: string;
    }>(
      `select line, column_name, error_type, csv_line, error_message from csv_rejects
       qualify row_number() over (partition by line, error_type order by column_idx) = 1
       order by line, column_idx limit ${ERROR_LIMIT}`,
    );
    return {
      rows,
      problemCount: rejectCount,
      problems: rejects.map((r) => {
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
      }),
    };
  }
  if (rows === 0) {
    return {
      rows,
      problemCount: 1,
      problems: [wholeFile(s.file, 'no_rows', 'the file has a header but no rows')],
    };
  }
  return { rows, problems: [], problemCount: 0 };
}

/**
 * DuckDB's reader of a staged or original CSV, every column text, bad lines set aside (or, when
 * `strict`, an error at the first one: the fast path then leaves the file to the full pipeline).
 */
const readerSql = (s: Sniffed, spec: string, strict = false) =>
  `read_csv(${sqlString(s.utf8Path)}, header = true, auto_detect = false,
      columns = {${spec}}, delim = ${sqlString(s.delimiter)}, quote = '"', escape = '"',
      ${strict ? '' : "store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_rejects_scan',"}
      max_line_size = 1048576)`;

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

/** The thousands mark and the decimal mark of a convention (none: no thousands mark). */
const marksOf = (convention: Convention): [string, string] =>
  convention === 'dot-thousands'
    ? ['.', ',']
    : convention === 'comma-thousands'
      ? [',', '.']
      : ['', '.'];

/**
 * Shape of a number as written: every digit but 0 becomes 9 ("1.234,05" → "9.999,09"). Zeros
 * stay because they decide readings ("0.500" is not a grouped 500). Files hold few shapes, so
 * JavaScript classifies each shape once and SQL converts the millions of values.
 */
const shapeSql = (v: string) => `translate(trim(coalesce(${v}, '')), '12345678', '99999999')`;

const NUMBER_RULES = new Set([
  'formula',
  'not_a_number',
  'ambiguous_number',
  'convention_mismatch',
  'mixed_convention',
]);

interface ProblemRow {
  part: number;
  line: string | null;
  column_name: string | null;
  value: string | null;
  rule: string;
  message: string | null;
}

interface Validation {
  errors: Problem[];
  errorCount: number;
  warnings: Problem[];
  warningCount: number;
  missing: number;
}

// Building the index of ~11,000 units costs half a second; the last one built is kept and
// rebuilt only when the units differ (an import, another database), which the fingerprint of
// their content notices.
let lastIndex: { fingerprint: string; index: UnitIndex } | null = null;

/**
 * Which units a reporter's token may send figures for (null: any): its unit and the units under
 * it, and the units it continues (merged or renamed into it, at any remove) with theirs, since
 * their history is now its own. A unit split among several is nobody's alone: not included.
 */
async function scopeOf(
  db: Database,
  options: IngestOptions,
): Promise<((unitId: string) => boolean) | null> {
  if (!options.scopeUnitId) return null;
  const units = await unitIndex(db);
  const roots = (
    await db.values<{ unit_id: string }>(
      `with recursive before(unit_id) as (
         select $scope
         union
         select s.from_unit_id from core.unit_succession s join before b on s.to_unit_id = b.unit_id
         where s.kind <> 'split')
       select unit_id from before`,
      { scope: options.scopeUnitId },
    )
  ).map((r) => r.unit_id);
  return (unitId) => roots.some((root) => units.isUnder(unitId, root));
}

async function unitIndex(db: Database): Promise<UnitIndex> {
  const fingerprint = String(
    await db.scalar(`select count(*) || ':' || coalesce(sum(hash(unit_id, code, name, full_name,
        level, parent_id, valid_from, valid_to)), 0) from core.units`),
  );
  if (lastIndex?.fingerprint === fingerprint) return lastIndex.index;
  const index = new UnitIndex(await allUnits(db));
  lastIndex = { fingerprint, index };
  return index;
}

/** What a retired or not-yet-valid code named, and what became of it. */
function codeHistory(
  units: Unit[],
  successors: Map<string, Array<{ kind: string; on: string; name: string; code: string }>>,
): string {
  return units
    .map((u) => {
      if (u.valid_to !== null) {
        const next = (successors.get(u.unit_id) ?? []).map((s) => {
          const verb =
            s.kind === 'merge'
              ? 'merged into'
              : s.kind === 'split'
                ? 'split into'
                : s.kind === 'rename'
                  ? 'renamed'
                  : 'continued as';
          return `${verb} ${s.name} (code ${s.code}) on ${s.on}`;
        });
        return `${u.full_name} until ${u.valid_to}${next.length ? `, ${next.join(', ')}` : ''}`;
      }
      return `${u.full_name} from ${u.valid_from}`;
    })
    .join('; ');
}

/** The distinct periods of a file, each read once: [raw, period, read_on, problem]. */
function periodRows(raws: Array<string | null>): Array<Array<string | null>> {
  return raws.map((raw) => {
    const p = raw === null ? null : parsePeriod(raw);
    if (p === null) {
      const blank = raw === null || raw.trim() === '';
      return [raw, null, null, blank ? 'period is empty' : `unreadable period "${raw}"`];
    }
    return [raw, formatPeriod(p), periodEnd(p), null];
  });
}

/** The distinct metric texts, by id or by the Vietnamese label: [raw, metric, problem]. */
function metricRows(
  raws: Array<string | null>,
  metrics: Array<{ metric_id: string; name_vi: string }>,
): Array<Array<string | null>> {
  const byLabel = new Map<string, string>();
  for (const m of metrics) {
    byLabel.set(m.metric_id, m.metric_id);
    byLabel.set(matchKey(m.name_vi), m.metric_id);
  }
  return raws.map((raw) => {
    const id = raw === null ? undefined : (byLabel.get(raw.trim()) ?? byLabel.get(matchKey(raw)));
    if (id) return [raw, id, null];
    return [raw, null, raw?.trim() ? `unknown metric: ${raw.trim()}` : 'metric is empty'];
  });
}

/**
 * The number shapes of a file, with the convention decided once for the whole file:
 * [shape, outcome, percent, plain, big, rule].
 */
function classifyShapes(shapes: string[]): {
  convention: Convention;
  rows: Array<Array<string | null>>;
} {
  const detected = detectConvention(shapes);
  const convention: Convention = detected.convention;
  // as many values read one way as the other: the file's convention cannot be told
  const undecided = new Set(convention === 'none' ? detected.conflicts : []);
  const rows = shapes.map((shape) => {
    if (undecided.has(shape)) return [shape, 'error', null, null, null, 'mixed_convention'];
    const parsed = parseNumber(shape, convention);
    if (parsed.kind === 'missing') return [shape, 'missing', null, null, null, null];
    const percent = /%$/.test(shape) ? 'true' : 'false';
    // digits may decide the range, not the shape: SQL checks those values one by one
    if (parsed.kind === 'error' && parsed.rule === 'out_of_range')
      return [shape, 'value', percent, 'false', 'true', null];
    if (parsed.kind === 'error') return [shape, 'error', null, null, null, parsed.rule];
    // plain digits cast as they are; a shape with no blanks, % or minus sign only needs its
    // marks replaced; anything else goes through the full clean-up
    const plain = /^[09]+$/.test(shape) ? 'true' : /^[09.,]+$/.test(shape) ? 'simple' : 'false';
    return [shape, 'value', parsed.percent ? 'true' : 'false', plain, 'false', null];
  });
  return { convention, rows };
}

/** A unit by name at a date: among the parent and the units under it, when a parent is given. */
function resolveName(
  units: UnitIndex,
  name: string,
  date: string | null,
  parentId: string | undefined,
): Resolution {
  if (!parentId) return units.resolve({ name, date });
  const below = units.resolve({ name, date, parentId });
  if (below.ok || below.reason === 'ambiguous') return below;
  // the parent's own row, by its own name
  const any = units.resolve({ name, date });
  const self = (any.ok ? [any.unit] : any.candidates).filter((u) => u.unit_id === parentId);
  return self.length === 1 ? { ok: true, unit: self[0] } : below;
}

/**
 * Reads units by code at the period, or by name; both must agree when both are given. Returns
 * [unit_code, unit_name, read_on, unit_id, code, problem, rule, column_name] for one triple.
 */
async function unitClassifier(
  db: Database,
  options: IngestOptions,
): Promise<
  (
    unit_code: string | null,
    unit_name: string | null,
    read_on: string | null,
  ) => Array<string | null>
> {
  const units = await unitIndex(db);
  const inScope = await scopeOf(db, options);
  const successors = new Map<
    string,
    Array<{ kind: string; on: string; name: string; code: string }>
  >();
  for (const s of await db.all<{
    from_unit_id: string;
    kind: string;
    on: string;
    name: string;
    code: string;
  }>(`select s.from_unit_id, s.kind, strftime(s.effective_on, '%Y-%m-%d') as on, u.full_name as name, u.code
      from core.unit_succession s join core.units u on u.unit_id = s.to_unit_id
      order by s.from_unit_id, u.code`)) {
    successors.set(s.from_unit_id, [...(successors.get(s.from_unit_id) ?? []), s]);
  }
  return (unit_code, unit_name, read_on) => {
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
      if (found.length > 1) {
        const list = found.map((u) => `${u.full_name} [${u.unit_id}]`).join(', ');
        return out(
          null,
          `code ${code} names ${found.length} units on ${read_on}: ${list}`,
          'ambiguous_unit',
          'unit_code',
        );
      }
      if (found.length === 0) {
        const other = units.byCodeAt(code, null);
        if (other.length === 0) {
          // spreadsheets drop leading zeros ("01" → 1): say which code was likely meant
          const padded = /^\d+$/.test(code)
            ? [2, 3, 5]
                .filter((w) => w > code.length)
                .flatMap((w) => units.byCodeAt(code.padStart(w, '0'), read_on))
            : [];
          const hint = padded.length
            ? ` (a leading zero lost? ${padded.map((u) => `${u.code} is ${u.full_name}`).join('; ')})`
            : '';
          return out(null, `no unit has code ${code}${hint}`, 'unknown_unit', 'unit_code');
        }
        return out(
          null,
          `code ${code} names no unit on ${read_on}; it named ${codeHistory(other, successors)}`,
          'dead_code',
          'unit_code',
        );
      }
      unit = found[0];
    }
    if (name !== null) {
      const r = resolveName(units, name, read_on, options.parentUnitId);
      const within = options.parentUnitId ? ` under ${options.parentUnitId}` : '';
      if (unit === null) {
        if (!r.ok) {
          const list = r.candidates.map((c) => `${c.full_name} [${c.code}]`).join('; ');
          const problem =
            r.reason === 'ambiguous'
              ? `unit name "${name}" is ambiguous on ${read_on}${within}: ${list}; give unit_code`
              : `no unit is named "${name}" on ${read_on}${within}${list ? ` (did you mean ${list}?)` : ''}`;
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
    if (inScope && !inScope(unit.unit_id)) {
      return out(
        null,
        `${unit.full_name} is outside the units this token may report for`,
        'out_of_scope',
        code ? 'unit_code' : 'unit_name',
      );
    }
    return out(unit, null, null, null);
  };
}

/**
 * Classifies the distinct periods, metrics, units and number shapes in JavaScript, builds temp
 * table `typed` in SQL, and returns every problem (errors and warnings), row by row.
 */
async function validate(
  db: Database,
  plans: Plan[],
  metrics: Array<{ metric_id: string; name_vi: string }>,
  options: IngestOptions,
): Promise<Validation> {
  // periods
  const periods = await db.all<{ raw: string | null }>(
    'select distinct period_raw as raw from long',
  );
  await mapTable(
    db,
    'period_map',
    ['raw', 'period', 'read_on', 'problem'],
    periodRows(periods.map((r) => r.raw)),
  );

  const metricRaws = await db.all<{ raw: string | null }>(
    'select distinct metric_raw as raw from long',
  );
  await mapTable(
    db,
    'metric_map',
    ['raw', 'metric', 'problem'],
    metricRows(
      metricRaws.map((r) => r.raw),
      metrics,
    ),
  );

  // number shapes, with the convention decided once for the whole file
  const shapes = (await db.all<{ shape: string }>('select distinct shape from long')).map(
    (r) => r.shape,
  );
  const { convention, rows: shapeMap } = classifyShapes(shapes);
  await mapTable(
    db,
    'shape_map',
    ['shape', 'outcome', 'percent', 'plain', 'big', 'rule'],
    shapeMap,
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

  // units: by code read at the period, or by name; both must agree when both are given
  const classifyUnit = await unitClassifier(db, options);
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
    pairs.map(({ unit_code, unit_name, read_on }) => classifyUnit(unit_code, unit_name, read_on)),
  );

  await db.run(`create or replace temp table typed as
    select l.part, l.line, l.column_name, l.value_raw, l.period_raw, l.metric_raw,
      l.unit_code as code_raw, l.unit_name as name_raw, l.reported_at as reported_raw,
      u.unit_id, u.code as unit_code, p.period, m.metric,
      case when s.outcome = 'value' then
        case s.plain when 'true' then try_cast(trim(l.value_raw) as double)
             when 'simple' then try_cast(${simple} as double)
             else try_cast(${canonical} as double) end
      end as value,
      case when s.big::boolean then ${canonical} end as big_text,
      s.outcome, s.percent::boolean as percent, try_cast(l.reported_at as timestamp) as reported_at,
      l.note, p.problem as period_problem, m.problem as metric_problem, u.problem as unit_problem,
      u.rule as unit_rule, u.column_name as unit_column, s.rule as value_rule
    from long l
    left join period_map p on p.raw is not distinct from l.period_raw
    left join metric_map m on m.raw is not distinct from l.metric_raw
    left join shape_map s on s.shape = l.shape
    left join unit_map u on u.unit_code is not distinct from l.unit_code
      and u.unit_name is not distinct from l.unit_name and u.read_on is not distinct from p.read_on`);

  // the integer digits of a value too long for its shape to say whether a double holds it
  const bigDigits = `ltrim(regexp_extract(big_text, '^-?([0-9]*)', 1), '0')`;
  const keyed =
    'unit_id is not null and period is not null and metric is not null and value is not null';
  // the happy path scans once: build the row-by-row problem list only when something is wrong
  const rowErrors = Number(
    await db.scalar<bigint>(`select count(*) from typed where
      period_problem is not null or metric_problem is not null or unit_problem is not null
      or value_rule is not null or big_text is not null
      or (outcome = 'value' and (value is null or percent or value < 0 or value <> floor(value)))
      or (reported_raw is not null and trim(reported_raw) <> '' and reported_at is null)`),
  );
  // repeated keys, found by hashing the key (one cheap aggregate), then checked exactly
  await db.run(`create or replace temp table repeated as
    with candidates as (
      select hash(unit_id, period, metric) as h from typed where ${keyed}
      group by h having count(*) > 1)
    select unit_id, period, metric, count(distinct value) as distinct_values
    from typed where ${keyed} and hash(unit_id, period, metric) in (select h from candidates)
    group by all having count(*) > 1`);
  const conflicts = Number(
    await db.scalar<bigint>('select count(*) from repeated where distinct_values > 1'),
  );
  if (rowErrors === 0 && conflicts === 0) {
    await db.run('create or replace temp table problems as select 1 where false');
  } else
    await db.run(`create or replace temp table problems as
    select part, line, 'period' as column_name, period_raw as value, 'period' as rule,
        period_problem as message, 'error' as severity
      from typed where period_problem is not null
    union all
    select part, line, 'metric', metric_raw, 'unknown_metric', metric_problem, 'error'
      from typed where metric_problem is not null
    union all
    select part, line, unit_column, case when unit_column = 'unit_name' then name_raw else code_raw end,
        unit_rule, unit_problem, 'error'
      from typed where unit_problem is not null
    union all
    select part, line, column_name, value_raw, value_rule, null, 'error'
      from typed where value_rule is not null
    union all
    select part, line, column_name, value_raw, 'out_of_range',
        'number too large to hold exactly "' || trim(value_raw) || '"', 'error'
      from typed where big_text is not null
        and (length(${bigDigits}) > 16 or (length(${bigDigits}) = 16 and ${bigDigits} > '9007199254740992'))
    union all
    select part, line, column_name, value_raw, 'not_a_number', null, 'error'
      from typed where outcome = 'value' and value is null
    union all
    select part, line, column_name, value_raw, 'count',
      case when percent then 'a count cannot be a percentage'
           when value < 0 then 'a count cannot be negative'
           else 'a count must be a whole number' end, 'error'
      from typed where outcome = 'value' and (percent or value < 0 or value <> floor(value))
    union all
    select part, line, 'reported_at', reported_raw, 'reported_at',
        'unreadable reported_at (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)', 'error'
      from typed where reported_raw is not null and trim(reported_raw) <> '' and reported_at is null
    union all
    (with conflicts as (select unit_id, period, metric from repeated where distinct_values > 1)
    select last(t.part order by t.part, t.line), last(t.line order by t.part, t.line),
        last(t.column_name order by t.part, t.line),
        string_agg(t.value_raw, ' / ' order by t.part, t.line), 'conflicting_duplicate',
        'the same unit, period and metric appear on rows '
          || string_agg(p.label || t.line, ', ' order by t.part, t.line) || ' with different values',
        'error'
      from typed t semi join conflicts c using (unit_id, period, metric)
      join parts p on p.part::integer = t.part
      where t.value is not null
      group by t.unit_id, t.period, t.metric)`);

  const errorCount =
    rowErrors === 0 && conflicts === 0
      ? 0
      : Number(await db.scalar<bigint>('select count(*) from problems'));
  const number = (value: string | null, rule: string) => {
    const text = (value ?? '').trim();
    if (rule === 'mixed_convention') {
      const way = (['dot-thousands', 'comma-thousands'] as const).find(
        (c) => parseNumber(text, c).kind === 'value',
      );
      const read = way ? parseNumber(text, way) : null;
      const [g, d] = way === 'dot-thousands' ? ['.', ','] : [',', '.'];
      return read?.kind === 'value'
        ? `cannot tell how this file writes numbers: "${text}" reads only as ${read.value} (thousands "${g}", decimals "${d}"), but as many values read only the other way`
        : `cannot tell how this file writes numbers: "${text}"`;
    }
    const parsed = parseNumber(value ?? '', convention);
    return parsed.kind === 'error' ? parsed.message : `unreadable number "${text}"`;
  };
  const byPart = (rows: ProblemRow[], severity: 'error' | 'warning'): Problem[] =>
    problemsOf(plans, rows, severity, number);
  if (errorCount > 0) {
    const rows = await db.all<ProblemRow>(
      `select * exclude (severity) from problems
       order by part, line nulls first, column_name, rule, value limit ${ERROR_LIMIT}`,
    );
    return { errors: byPart(rows, 'error'), errorCount, warnings: [], warningCount: 0, missing: 0 };
  }

  // nothing wrong: what loads is every figure given, each (unit, period, metric) once
  const missing = Number(await db.scalar<bigint>('select count(*) from typed where value is null'));
  await db.run('delete from typed where value is null'); // missing is not zero: nothing to load
  await db.run(`create or replace temp table findings as
    select last(t.part order by t.part, t.line) as part, last(t.line order by t.part, t.line) as line,
        last(t.column_name order by t.part, t.line) as column_name, any_value(t.value_raw) as value,
        'duplicate' as rule,
        'the same figure appears on rows ' || string_agg(p.label || t.line, ', ' order by t.part, t.line) as message,
        t.unit_id, t.period, t.metric
      from typed t semi join repeated r using (unit_id, period, metric)
      join parts p on p.part::integer = t.part
      group by t.unit_id, t.period, t.metric`);
  const duplicates = Number(await db.scalar<bigint>('select count(*) from findings'));
  if (duplicates > 0) {
    await db.run(`create or replace temp table typed as
      select * from typed
      qualify row_number() over (partition by unit_id, period, metric order by part, line) = 1`);
  }
  // a numerator above its denominator loads, and is kept as a data-quality finding; one
  // aggregate per (unit, period) holds every metric side by side (no self-join of the file)
  const ratios = await db.all<{ indicator_id: string; numerator: string; denominator: string }>(
    `select indicator_id, numerator, denominator from core.indicators
     where denominator is not null and numerator in (select distinct metric from typed)
       and denominator in (select distinct metric from typed)`,
  );
  if (ratios.length > 0) {
    const metricsUsed = [...new Set(ratios.flatMap((p) => [p.numerator, p.denominator]))];
    const pick = metricsUsed
      .map((m) => `max(value) filter (where metric = ${sqlString(m)}) as ${quoteIdent(`v_${m}`)}`)
      .join(', ');
    await db.run(`create or replace temp table pairs as
      select unit_id, period, ${pick}
      from typed where metric in (${metricsUsed.map(sqlString).join(', ')})
      group by unit_id, period`);
    const v = (m: string) => quoteIdent(`v_${m}`);
    // only the few pairs that break the rule go back to the file for their row and column
    await db.run(`insert into findings
      with broken as (
        ${ratios
          .map(
            (p) => `select unit_id, period, ${sqlString(p.indicator_id)} as indicator_id,
              ${sqlString(p.numerator)} as numerator, ${sqlString(p.denominator)} as denominator,
              ${v(p.numerator)} as num, ${v(p.denominator)} as den
            from pairs where ${v(p.numerator)} > ${v(p.denominator)}`,
          )
          .join('\nunion all\n')})
      select t.part, t.line, t.column_name, t.value_raw, 'numerator_above_denominator',
        b.numerator || ' ' || b.num::bigint || ' is above ' || b.denominator || ' ' ||
          b.den::bigint || ' for ' || t.unit_code || ' ' || b.period || ' (' || b.indicator_id || ')',
        b.unit_id, b.period, b.numerator
      from broken b join typed t
        on t.unit_id = b.unit_id and t.period = b.period and t.metric = b.numerator`);
  }
  return { errors: [], errorCount: 0, ...(await readFindings(db, plans)), missing };
}

/** Problem rows (part, line, canonical column) as reported: the file, row and printed column. */
function problemsOf(
  plans: Plan[],
  rows: ProblemRow[],
  severity: 'error' | 'warning',
  number: (value: string | null, rule: string) => string,
): Problem[] {
  return rows.map((p) => {
    const plan = plans[p.part];
    // canonical keys become the column as printed in this part's header
    const index = p.column_name === null ? undefined : plan.columns.get(p.column_name);
    return {
      file: plan.sniffed.file,
      row: p.line === null ? null : Number(p.line),
      column: index === undefined ? p.column_name : plan.sniffed.header[index],
      value: p.value,
      rule: p.rule,
      message:
        p.message ??
        (NUMBER_RULES.has(p.rule) ? number(p.value, p.rule) : `invalid value "${p.value}"`),
      severity,
    };
  });
}

/** The warnings in temp table `findings` (every one has its message). */
async function readFindings(
  db: Database,
  plans: Plan[],
): Promise<{ warnings: Problem[]; warningCount: number }> {
  const warningCount = Number(await db.scalar<bigint>('select count(*) from findings'));
  const warningRows = await db.all<ProblemRow>(
    `select part, line, column_name, value, rule, message from findings
     order by part, line, column_name, rule, message limit ${ERROR_LIMIT}`,
  );
  const number = (value: string | null) => `invalid value "${value}"`;
  return { warnings: problemsOf(plans, warningRows, 'warning', number), warningCount };
}

/** Compares each figure with the latest stored revision: new, unchanged, or a new revision. */
async function classifyRevisions(db: Database): Promise<void> {
  // a file of new periods (the usual monthly report) has nothing to compare with
  if (!(await anyStored(db, 'select period from typed'))) {
    await db.run(`create or replace temp table revised as
      select part, line, unit_id, unit_code, period, metric, value, reported_at, note,
        'new' as kind, 1 as revision
      from typed`);
    return;
  }
  await db.run(`create or replace temp table revised as
    with keys as (select distinct unit_id, period, metric from typed),
    cur as (
      select o.unit_id, o.period, o.metric, max(o.revision) as revision, arg_max(o.value, o.revision) as value
      from core.observation_revisions o semi join keys k using (unit_id, period, metric)
      group by all)
    select t.part, t.line, t.unit_id, t.unit_code, t.period, t.metric, t.value, t.reported_at, t.note,
      case when c.revision is null then 'new' when c.value = t.value then 'unchanged' else 'revised' end as kind,
      coalesce(c.revision, 0) + 1 as revision
    from typed t left join cur c using (unit_id, period, metric)`);
}

/** Writes the batch, its new revisions and its warnings in one transaction. */
async function commitBatch(
  db: Database,
  report: IngestReport,
  options: IngestOptions,
  observations = `select r.unit_id, r.unit_code, r.period, r.metric, r.value, r.revision, $id,
      current_timestamp, r.reported_at, r.note, r.line, p.sheet
    from revised r join parts p on p.part::integer = r.part where r.kind <> 'unchanged'`,
): Promise<string> {
  const batchId = newBatchId(report.sha256);
  await db.transaction(async () => {
    options.onStage?.('writing');
    await appendRevisions(db, observations, { id: batchId });
    await writeBatchRow(db, report, options, batchId);
  });
  return batchId;
}

const newBatchId = (sha: string) =>
  `b${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 17)}-${sha.slice(0, 8)}`;

/** The rows of a fast batch are in, in the open transaction: its row and findings, then commit. */
async function finishBatch(
  db: Database,
  report: IngestReport,
  options: IngestOptions,
  batchId: string,
): Promise<string> {
  try {
    await writeBatchRow(db, report, options, batchId);
    await db.run('commit');
  } catch (error) {
    await db.run('rollback');
    throw error;
  }
  return batchId;
}

/** The batch's row in core.batches and its warnings as findings (inside its transaction). */
async function writeBatchRow(
  db: Database,
  report: IngestReport,
  options: IngestOptions,
  batchId: string,
): Promise<void> {
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
      warnings: report.warningCount,
      layout: report.layout,
      encoding: report.encoding,
      by: options.loadedBy ?? 'cli',
    },
  );
  await db.run(
    `insert into core.quality_findings
     select $id, unit_id, period, metric, rule, 'warning', message, value, line, current_timestamp
     from findings`,
    { id: batchId },
  );
}
