// The fast path's single read, optimistic: the usual large file (unit codes, canonical periods,
// metric ids, figures in digits) is read once, each row straight into numbers against the
// catalogue's dictionaries (every unit code, every canonical period from MIN_YEAR to MAX_YEAR,
// every metric id and label) instead of against the file's own distinct values, which would take
// a read of their own. A text outside the dictionaries or a figure written another way stops the
// read at once ('careful': fast-distinct.ts reads the file its way); a doubt after the read is
// one the careful way would share (null: the general path reports it).
// Measured on the bench's 10.4 million rows (CPU seconds, 2 threads): this read 7 to 8.5, the
// careful way's two reads 9.2 (5.0 + 4.2). A read straight into the batch, keys by join, would
// cost less CPU (8.5 with its write) but must number rows with row_number() over (), which runs
// on one thread: slower on an idle machine (8.4 to 10.6 s against 8.3 s, read_csv 5.2 s).
import type { Database } from '../db/connect.ts';
import { classifyMetrics, classifyPeriods, groupingOf } from './classify.ts';
import {
  mapMetrics,
  mapPeriods,
  mapUnits,
  type FastPlan,
  type FastSource,
  type FastTables,
} from './fast-source.ts';
import { MAX_YEAR, MIN_YEAR } from '../normalize/periods.ts';
import type { Reference } from './reference.ts';
import { fillTable } from './scratch.ts';
import { oneOf } from './sql.ts';

/** The dictionaries, as temp ENUM types: a text's code is its place in its dictionary. */
const TYPES = { code: 'fast_code', period: 'fast_period', metric: 'fast_metric' } as const;

/** A figure as digits (no leading zero) or grouped by thousands with one mark: 15 digits at most. */
const FIGURE =
  '0|[1-9][0-9]{0,14}|[1-9][0-9]{0,2}(\\.[0-9]{3}){1,4}|[1-9][0-9]{0,2}(,[0-9]{3}){1,4}';
/** What office files leave in a cell to say "no figure" (parseNumber's missing, trimmed). */
const MISSING = ['', '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212'];
/**
 * A figure's form, kept per row in one byte: its length, + 128 when its marks are commas. With
 * the figure's digits (from its value) it says how many marks it has, and which.
 */
const form = (v: string) => `(least(length(${v}), 127) + 128 * contains(${v}, ',')::integer)`;
/** SQL: the number of digits of a whole figure below 10^15. */
const digits = (x: string) =>
  `(1 + ${Array.from({ length: 14 }, (_, i) => `(${x} >= 1e${i + 1})::integer`).join(' + ')})`;

/** Every canonical spelling of a year, a quarter and a month, classified as the file's would be. */
function canonicalPeriods(): string[] {
  const texts: string[] = [];
  for (let y = MIN_YEAR; y <= MAX_YEAR; y++) {
    texts.push(String(y));
    for (let q = 1; q <= 4; q++) texts.push(`${y}-Q${q}`);
    for (let m = 1; m <= 12; m++) texts.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return classifyPeriods(texts)
    .filter((p) => p.problem === null)
    .map((p) => p.raw as string);
}

/** Creates the dictionaries; returns the metric index (in `ids`) of each metric text, in order. */
async function dictionaries(
  db: Database,
  t: FastTables,
  metricIds: string[],
  reference: Reference,
): Promise<number[]> {
  const texts = [...new Set(reference.metrics.flatMap((m) => [m.metric_id, m.name_vi]))];
  const metrics = classifyMetrics(texts, reference.metrics).filter((m) => m.metric !== null);
  await fillTable(db, t.candidates, { kind: 'varchar', text: 'varchar' }, [
    ...canonicalPeriods().map((text) => ({ kind: 'period', text })),
    ...metrics.map((m) => ({ kind: 'metric', text: m.raw as string })),
  ]);
  await dropTypes(db);
  await db.run(`create temp type ${TYPES.code} as enum (
    select distinct code from core.units where code is not null order by code)`);
  await db.run(`create temp type ${TYPES.period} as enum (
    select text from ${t.candidates} where kind = 'period')`);
  await db.run(`create temp type ${TYPES.metric} as enum (
    select text from ${t.candidates} where kind = 'metric')`);
  const order = await db.values<{ texts: string[] }>(
    `select enum_range(null::${TYPES.metric}) as texts`,
  );
  const byText = new Map(metrics.map((m) => [m.raw as string, m.metric as string]));
  return [...(order[0].texts as Iterable<string>)].map((text) =>
    metricIds.indexOf(byText.get(text) as string),
  );
}

export const dropTypes = (db: Database) =>
  db.run(
    Object.values(TYPES)
      .map((type) => `drop type if exists ${type};`)
      .join(' '),
  );

/** The text of a code of a dictionary, in SQL. */
const text = (type: string, code: string) => `(enum_range(null::${type}))[${code} + 1]`;

/**
 * Reads the file once into `rows` (its key `h` is the unit code's and the period's places in
 * their dictionaries) and fills `ids`, `periodMap` and `key`. `reads` runs a statement that reads
 * the file: false when DuckDB refuses it, or the read stops at a text it does not know.
 */
export async function readOnce(
  db: Database,
  t: FastTables,
  src: FastSource,
  reference: Reference,
  reads: (run: () => Promise<void>) => Promise<boolean>,
  thousands?: '.' | ',',
): Promise<FastPlan | 'careful' | null> {
  const metricIds = reference.metrics.map((m) => m.metric_id).sort();
  if (src.has('unit_name') || !src.has('unit_code') || metricIds.length > 255) return 'careful';
  const idx = await dictionaries(db, t, metricIds, reference);
  const stop = `error('chitieu: not in the catalogue')`;
  const code = (value: string, type: string) =>
    `coalesce(enum_code(try_cast(${value} as ${type})), ${stop})`;
  const missing = `l.value is null or ${oneOf('trim(l.value)', MISSING)}`;
  const badReported = `l.reported_at is not null and trim(l.reported_at) <> ''
    and try_cast(l.reported_at as timestamp) is null`;
  const read = await reads(() =>
    db.run(`create or replace temp table ${t.rows} as
      select (${code('l.unit_code', TYPES.code)}::ubigint << 32)
          | ${code(src.period, TYPES.period)}::ubigint as h,
        list_extract([${idx.join(', ')}]::utinyint[], ${code('l.metric', TYPES.metric)} + 1) as idx,
        case when regexp_full_match(l.value, '${FIGURE}')
               -- one kind of mark at most: one replace, the other being the cheaper test
               then case when contains(l.value, ',') then cast(replace(l.value, ',', '') as double)
                         else cast(replace(l.value, '.', '') as double) end
             when ${missing} then null
             else ${stop} end as x,
        ${form('l.value')}::utinyint as s
        ${src.has('reported_at') ? `, case when ${badReported} then ${stop} else try_cast(l.reported_at as timestamp) end as reported_at` : ''}
        ${src.has('note') ? ', nfc_normalize(l.note) as note' : ''}
      from ${src.file}`),
  );
  if (!read) return 'careful';

  // the file's number convention, from the forms its figures take: grouped with dots only, with
  // commas only, or digits alone (a count's lone group "1.234" is 1234 either way, but a whole
  // thousand "25.000" is 25000 or 25: the general path refuses it); any mixture is the general
  // path's to report. The same scan gives the metrics the file holds
  const forms = await db.values<{
    is_metric: boolean;
    s: number | null;
    missing: boolean;
    idx: number | null;
    least: number | null;
    trap: boolean | null;
    n: bigint;
  }>(
    `select grouping(idx) = 0 as is_metric, s, missing, idx, min(x) as least,
       bool_or(x % 1000 = 0 and x >= 1000 and x < 1000000) as trap, count(*) as n
     from (select s, x is null as missing, idx, x from ${t.rows})
     group by grouping sets ((s, missing), (idx))`,
  );
  const given = forms.filter((f) => !f.is_metric && !f.missing);
  const figureForms = given.map((f) => ({
    form: f.s as number,
    least: f.least as number,
    trap: f.trap === true,
  }));
  if (groupingOf(figureForms, thousands) === null) {
    return null;
  }
  const count = (rows: typeof forms) => rows.reduce((sum, f) => sum + Number(f.n), 0);
  const rowsRead = count(forms.filter((f) => !f.is_metric));
  const rowsMissing = count(forms.filter((f) => !f.is_metric && f.missing));
  if (rowsRead === 0) return null;
  const used = forms
    .filter((f) => f.is_metric)
    .map((f) => f.idx as number)
    .sort((a, b) => a - b);
  await mapMetrics(
    db,
    t,
    used.map((idx) => ({ idx, metric: metricIds[idx] })),
  );
  // the keys are mapped from the checks' aggregate, which holds each of them once
  const mapKeys = async (keys: string) => {
    const unitCode = text(TYPES.code, '(h >> 32)::bigint');
    const periodRaw = text(TYPES.period, '(h & 4294967295)::bigint');
    const periods = await db.all<{ raw: string }>(
      `select distinct ${periodRaw} as raw from ${keys}`,
    );
    if (
      !(await mapPeriods(
        db,
        t,
        periods.map((p) => p.raw),
      ))
    )
      return false;
    const combos = `select h, ${unitCode} as unit_code, null::varchar as unit_name,
        ${periodRaw} as period_raw from ${keys}`;
    return mapUnits(db, t, combos, reference);
  };
  return {
    rowsRead,
    rowsMissing,
    metricIds,
    used: used.map((idx) => metricIds[idx]),
    mapKeys,
    // digits alone, or the canonical groups of a mark: the figure says exactly how it was written
    written: (x, s) => `case when (${s} & 127) = ${digits(x)} then ${x}::bigint::varchar
        when ${s} >= 128 then format('{:,}', ${x}::bigint)
        else replace(format('{:,}', ${x}::bigint), ',', '.') end`,
  };
}
