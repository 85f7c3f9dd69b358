// The fast path of a clean canonical long CSV, the usual large file. DuckDB parses a file far
// faster than it stores one, so the file is never stored as text: its rows become numbers (a
// key, a metric index, a figure), in file order so that a row's line is its rowid, either in one
// read against the catalogue's dictionaries (fast-guess.ts) or, when the file names units or
// periods another way, in two (fast-distinct.ts). Then one aggregate over those numbers proves
// that no key repeats and finds the numerators above their denominators, and the rows go into
// the batch joined with the small maps (fast-write.ts).
// Null as soon as anything is doubtful (any problem, a duplicate, a layout it does not cover):
// nothing has been written then, and the general path reads the file from the start and reports
// every problem row by row. Running out of memory is not a doubt: it is thrown.
import type { Database } from '../db/connect.ts';
import { createFindings, readFindings } from './findings.ts';
import { readDistinct } from './fast-distinct.ts';
import { dropTypes, readOnce } from './fast-guess.ts';
import { fastSource, type FastPlan, type FastSource, type FastTables } from './fast-source.ts';
import { writeFast } from './fast-write.ts';
import type { PathContext } from './general.ts';
import type { Ratio } from './reference.ts';
import type { PathResult } from './report.ts';
import { withScratch } from './scratch.ts';
import { sqlString } from './sql.ts';
import { STAGED_REVISIONS } from './store.ts';

const TABLES: FastTables = {
  agg: 'fast_agg',
  candidates: 'fast_candidates',
  ids: 'fast_ids',
  periodMap: 'fast_period_map',
  map: 'fast_map',
  named: 'fast_named',
  key: 'fast_key',
  rows: 'fast_rows',
  combos: 'fast_combos',
  broken: 'fast_broken',
  numerators: 'fast_numerators',
  written: 'fast_written',
  findings: 'fast_findings',
  cur: 'fast_cur',
  keyed: 'fast_keyed',
  metricKeys: 'fast_metric_keys',
  staged: STAGED_REVISIONS,
};

/** DuckDB giving up on memory or on itself, as opposed to on the file (a doubt). */
export const isResourceFailure = (error: unknown) =>
  /out of memory|failed to (pin|allocate)|^(INTERNAL|FATAL|IO) Error/i.test(
    error instanceof Error ? error.message.replace(/^Error: /, '') : String(error),
  );

/** Runs a statement that reads the file: false when DuckDB refuses the file (a doubt). */
async function reads(run: () => Promise<void>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if (isResourceFailure(error)) throw error;
    return false;
  }
}

export function fastPath(ctx: PathContext): Promise<PathResult | null> {
  const { db, options } = ctx;
  const src = fastSource(ctx.plans, options.period);
  if (src === null) return Promise.resolve(null);
  return withScratch(db, TABLES, async (t) => {
    try {
      options.onStage?.('validating');
      let plan = await readOnce(db, t, src, ctx.reference, reads, options.thousands);
      if (plan === 'careful') {
        await db.dropTemp(Object.values(t));
        plan = await readDistinct(db, t, src, ctx.reference, reads, options.thousands);
      }
      if (plan === null) return null;
      const ratios = await ctx.reference.ratiosAmong(plan.used);
      if (!(await checkRows(db, t, src, plan, ratios))) return null;
      const warnings = await readFindings(db, t.findings, [src.plan]);
      await db.dropTemp([t.agg, t.combos, t.map, t.broken, t.numerators, t.written]);
      options.onStage?.('comparing');
      return await writeFast(ctx, t, src, plan, warnings);
    } finally {
      await dropTypes(db);
    }
  });
}

/**
 * Per key, from the rows as numbers: a metric twice is a repeated key (false: the general path
 * reports it); for every numerator/denominator pair, the numerator less the denominator (exact:
 * whole figures below 2^53). Only the pairs that break the rule go back to their rows, for the
 * numerator's line, value and (written back, or read again from the file) text.
 */
async function checkRows(
  db: Database,
  t: FastTables,
  src: FastSource,
  plan: FastPlan,
  ratios: Ratio[],
): Promise<boolean> {
  const idx = (m: string) => plan.metricIds.indexOf(m);
  // a metric is a bit of a key's mask: its index, or its place among the metrics the file holds
  // when the catalogue has more metrics than a mask has bits
  if (plan.used.length > 63) return false;
  const place = (m: string) => (plan.metricIds.length <= 63 ? idx(m) : plan.used.indexOf(m));
  const bit =
    plan.metricIds.length <= 63
      ? 'idx'
      : `list_extract([${plan.metricIds.map((m) => Math.max(plan.used.indexOf(m), 0))}]::utinyint[], idx + 1)`;
  // the metrics a key gives a figure for (all it names, when no figure is missing)
  const given = plan.rowsMissing === 0 ? 'metrics' : 'given';
  const both = (p: Ratio) =>
    `${(1n << BigInt(place(p.numerator))) | (1n << BigInt(place(p.denominator)))}::ubigint`;
  await db.run(`create or replace temp table ${t.combos} as
    select h, count(*) as n, bit_or(1::ubigint << ${bit}) as metrics
      ${plan.rowsMissing === 0 ? '' : `, bit_or(1::ubigint << ${bit}) filter (where x is not null) as given`}
      ${ratios
        .map(
          (p, j) => `, sum(case idx when ${idx(p.numerator)} then x
              when ${idx(p.denominator)} then -x end) as d${j}`,
        )
        .join('')}
    from ${t.rows} group by h`);
  const repeated = Number(
    await db.scalar<bigint>(`select count(*) from ${t.combos} where n <> bit_count(metrics)`),
  );
  if (repeated > 0) return false;
  if (plan.mapKeys && !(await plan.mapKeys(t.combos))) return false;
  await createFindings(db, t.findings);
  if (ratios.length === 0) return true;
  await db.run(`create or replace temp table ${t.broken} as
    ${ratios
      .map(
        (p, j) => `select h, ${idx(p.numerator)}::utinyint as idx, d${j} as d,
          ${sqlString(p.indicator_id)} as indicator_id, ${sqlString(p.numerator)} as numerator,
          ${sqlString(p.denominator)} as denominator
        from ${t.combos} where d${j} > 0 and (${given} & ${both(p)}) = ${both(p)}`,
      )
      .join('\nunion all\n')}`);
  if (Number(await db.scalar<bigint>(`select count(*) from ${t.broken}`)) === 0) return true;
  const text = plan.written ? plan.written('f.x', 'f.s') : 'null::varchar';
  // the numerators' rows: a join whose build side is the broken pairs, never the file
  await db.run(`create or replace temp table ${t.numerators} as
    select b.*, f.rowid + 2 as line, f.x as num, f.x - b.d as den, ${text} as value
    from ${t.broken} b join ${t.rows} f on f.h = b.h and f.idx = b.idx`);
  let join = '';
  if (!plan.written) {
    // the value as written, for the broken numerators' lines only (a streaming read, filtered
    // by a set of line numbers: memory bounded by the findings, not by the file)
    const ok = await reads(() =>
      db.run(`create or replace temp table ${t.written} as
        select line, value from (select row_number() over () + 1 as line, l.value from ${src.file})
        where line in (select line from ${t.numerators})`),
    );
    if (!ok) return false;
    join = `join ${t.written} w using (line)`;
  }
  const valueColumn = src.plan.sniffed.header[src.plan.columns.get('value') ?? 0];
  await db.run(`insert into ${t.findings}
    select 0, b.line, ${sqlString(valueColumn)}, ${join ? 'w.value' : 'b.value'},
      'numerator_above_denominator',
      b.numerator || ' ' || b.num::bigint || ' is above ' || b.denominator || ' ' ||
        b.den::bigint || ' for ' || k.code || ' ' || k.period || ' (' || b.indicator_id || ')',
      k.unit_id, k.period, b.numerator
    from ${t.numerators} b join ${t.key} k using (h) ${join}`);
  return true;
}
