// The benchmark's national dataset: every commune of the public unit lists (read from ../shared,
// never copied), 40 metrics (the catalogue's 30 and 10 declared for the bench alone), monthly
// from 2023-07; before 1/7/2025 the 10,035 old communes, after it the 3,321 new ones. Written
// by DuckDB itself as a canonical long CSV with Vietnamese thousands marks.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../pipelines/db/connect.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import { builtinProvinces, readUnitList, saveUnits, allUnits } from '../../pipelines/load/units.ts';
import { initialise } from '../../cli/commands/init.ts';
import { PRE_2025, POST_2025 } from '../helpers.ts';

export interface BenchFile {
  /** how the bench names the file in its results */
  name: string;
  csv: string;
  rows: number;
  bytes: number;
}

export interface Dataset extends BenchFile {
  /** an initialised database with every unit imported, to be copied before each ingest */
  templateDb: string;
  /**
   * The national report of issue 11, shaped to stress the report rather than the parser: every
   * commune of the pre-2025 list for 2024-01..2024-12 and of the post-reform list for
   * 2025-07..2026-10, 20 catalogue metrics, numerators drawn from a wider range than their
   * denominators, so that about a million ratios break (3.47 million rows).
   */
  warnings: BenchFile;
}

/** months from..to inclusive, as YYYY-MM */
function months(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      y++;
      m = 1;
    }
  }
  return out;
}

const EXTRA_METRICS = 10;

/** The first 20 metrics of the catalogue: ten numerator/denominator pairs among them. */
const WARNING_METRICS = [
  'population',
  'cccd_eligible',
  'cccd_applications',
  'cccd_issued',
  'vneid_registered',
  'vneid_activated',
  'vneid_l2_activated',
  'tthc_total',
  'tthc_eligible_full',
  'tthc_online_full',
  'tthc_online_partial',
  'dossiers_received',
  'dossiers_online',
  'dossiers_digitized',
  'results_electronic',
  'dossiers_on_time',
  'work_records_total',
  'work_records_online',
  'survey_responses',
  'survey_satisfied',
];

const list = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

export async function prepare(dir: string, log: (s: string) => void): Promise<Dataset> {
  // named by their shape, so a changed shape never reuses an older file
  const templateDb = join(dir, `template-${EXTRA_METRICS}.duckdb`);
  const csv = join(dir, `national-communes-extra${EXTRA_METRICS}.csv`);
  if (!existsSync(templateDb)) {
    log('initialising the template database and importing every unit …');
    const db = await Database.open(templateDb);
    try {
      await initialise(db);
      await migrate(db);
      await saveUnits(db, builtinProvinces(), false);
      for (const file of [PRE_2025, POST_2025]) {
        await saveUnits(db, readUnitList(file, await allUnits(db)), true);
      }
      // the issue asks for 40 metrics and the catalogue declares 30: ten more flows, in the
      // template only, that no indicator reads
      await db.run(
        `insert into core.metrics
         select format('bench_extra_{:02d}', i), format('Chỉ tiêu đo thử {}', i),
           format('Bench metric {}', i), 'lượt', 'flow'
         from range(1, ${EXTRA_METRICS + 1}) t(i)`,
      );
      await db.run('checkpoint');
    } finally {
      db.close();
    }
  }
  if (!existsSync(csv)) {
    log('writing the national commune-level CSV …');
    const db = await Database.open(templateDb, { readOnly: true });
    try {
      const before = months('2023-07', '2025-06');
      const after = months('2025-07', '2025-12');
      await db.run(
        `
        copy (
          with m as (
            select metric_id,
              case when metric_id in (select denominator from indicators) then 1.0
                   when metric_id in (select numerator from indicators) then 0.5 + (hash(metric_id) % 40) / 100.0
                   else 1.0 end as w
            from metrics),
          p0 as (
            select unnest(${list(before)}) period, false post
            union all select unnest(${list(after)}), true),
          p as (select *, row_number() over (order by period) k from p0),
          c as (select code, valid_from is not null post from units where level = 'commune')
          select c.code as unit_code, p.period, m.metric_id as metric,
            -- plausible figures: one base per unit that grows month by month, each metric a
            -- fixed share of it, numerators below their denominators
            replace(format('{:,}', ((hash(c.code) % 1000000 + 1000 * p.k) * m.w)::bigint), ',', '.') as value
          from c join p using (post) cross join m
          order by p.period, c.code, m.metric_id
        ) to '${csv}' (header, delimiter ',')`,
      );
    } finally {
      db.close();
    }
  }
  const warnings = join(dir, 'national-communes-warnings.csv');
  if (!existsSync(warnings)) {
    log('writing the national commune-level CSV with a million ratio warnings …');
    const db = await Database.open(templateDb, { readOnly: true });
    try {
      await db.run(
        `
        copy (
          with m as (
            select metric_id, metric_id in (select numerator from indicators) as num
            from metrics where list_contains(${list(WARNING_METRICS)}, metric_id)),
          p as (
            select unnest(${list(months('2024-01', '2024-12'))}) period, false post
            union all select unnest(${list(months('2025-07', '2026-10'))}), true),
          c as (select code, valid_from is not null post from units where level = 'commune')
          select c.code as unit_code, p.period, m.metric_id as metric,
            -- a numerator is drawn from 0..1.5 million, a denominator from 0..1 million: about
            -- two pairs in three put the numerator above its denominator
            replace(format('{:,}', (hash(c.code, p.period, m.metric_id) %
              (case when m.num then 1500000 else 1000000 end))::bigint), ',', '.') as value
          from c join p using (post) cross join m
          order by p.period, c.code, m.metric_id
        ) to '${warnings}' (header, delimiter ',')`,
      );
    } finally {
      db.close();
    }
  }
  const db = await Database.open(':memory:');
  try {
    const count = async (file: string) =>
      Number(await db.scalar(`select count(*) from read_csv('${file}', all_varchar = true)`));
    return {
      name: 'national',
      csv,
      rows: await count(csv),
      bytes: statSync(csv).size,
      templateDb,
      warnings: {
        name: 'national-warnings',
        csv: warnings,
        rows: await count(warnings),
        bytes: statSync(warnings).size,
      },
    };
  } finally {
    db.close();
  }
}
