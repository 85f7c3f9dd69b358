// npm run bench: measured against a baseline in the same run, pairwise and alternating, each run
// in its own process on a fresh copy of the database. Medians and ratios only: these machines
// are shared and noisy. Results go to .bench/results.json.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { prepare } from './dataset.ts';

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
// BENCH_ONLY=ingest measures ingest against read_csv only; BENCH_ONLY=engine the engine only
const ONLY = process.env.BENCH_ONLY ?? '';
const dir = resolve(PROJECT_ROOT, '.bench');
mkdirSync(dir, { recursive: true });
const log = (s: string) => console.log(s);

interface Run {
  seconds: number;
  rss_mb: number;
  rows: number;
  /** the warnings an ingest found */
  warnings?: number;
}

function measure(
  mode: 'baseline' | 'ingest' | 'engine',
  csv: string,
  template: string | null,
): Run {
  // one file per process: two benches in the same clone do not share databases
  const db = join(dir, `${mode}-${process.pid}.duckdb`);
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  if (template) copyFileSync(template, db);
  const out = execFileSync(
    process.execPath,
    [
      join(PROJECT_ROOT, 'bin/run-ts.js'),
      join(PROJECT_ROOT, 'tests/bench/child.ts'),
      mode,
      csv,
      db,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  rmSync(db, { force: true });
  rmSync(`${db}.month.csv`, { force: true });
  rmSync(`${db}.tmp`, { recursive: true, force: true });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as Run;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const data = await prepare(dir, log);
// the national file (the ratio of record), then the national report of a million warnings
const files = ONLY === 'engine' ? [] : [data, data.warnings];
const ingestResults: Record<string, unknown> = {};
for (const file of files) {
  log(
    `${file.name}: ${file.rows.toLocaleString('en')} rows, ${(file.bytes / 2 ** 20).toFixed(0)} MiB`,
  );
  const baseline: Run[] = [];
  const ingest: Run[] = [];
  for (let i = 0; i < REPEAT; i++) {
    baseline.push(measure('baseline', file.csv, null));
    ingest.push(measure('ingest', file.csv, data.templateDb));
    log(
      `  run ${i + 1}: read_csv ${baseline.at(-1)?.seconds.toFixed(2)} s, ` +
        `chitieu ingest ${ingest.at(-1)?.seconds.toFixed(2)} s (${ingest.at(-1)?.rss_mb.toFixed(0)} MiB peak)`,
    );
  }
  ingestResults[file === data ? 'ingest' : `ingest_${file.name}`] = {
    file: file.name,
    rows: file.rows,
    warnings: ingest[0]?.warnings,
    repeat: REPEAT,
    read_csv_median_s: median(baseline.map((r) => r.seconds)),
    ingest_median_s: median(ingest.map((r) => r.seconds)),
    ratio: median(ingest.map((r) => r.seconds)) / median(baseline.map((r) => r.seconds)),
    // each run's ingest over the read_csv run beside it
    per_run_ratios: ingest.map((r, i) => r.seconds / baseline[i].seconds),
    ingest_rows_per_s: file.rows / median(ingest.map((r) => r.seconds)),
    ingest_peak_rss_mb_median: median(ingest.map((r) => r.rss_mb)),
    read_csv_peak_rss_mb_median: median(baseline.map((r) => r.rss_mb)),
    goal: 'ratio <= 1.3 (at most 2); peak memory < 1024 MiB',
  };
}
// the engine: a full refresh of the national dataset, then the incremental refresh after one
// month's batch, each pair in one process on a fresh copy
const ENGINE_REPEAT = ONLY === 'ingest' ? 0 : Number(process.env.BENCH_ENGINE_REPEAT ?? REPEAT);
const engine: Array<{ full_s: number; incremental_s: number; rss_mb: number }> = [];
for (let i = 0; i < ENGINE_REPEAT; i++) {
  const r = measure('engine', data.csv, data.templateDb) as unknown as {
    full_s: number;
    incremental_s: number;
    rss_mb: number;
  };
  engine.push(r);
  log(
    `  engine run ${i + 1}: full refresh ${r.full_s.toFixed(1)} s, incremental after one month ${r.incremental_s.toFixed(1)} s`,
  );
}
const result = {
  ...ingestResults,
  engine: {
    repeat: ENGINE_REPEAT,
    full_median_s: median(engine.map((r) => r.full_s)),
    incremental_median_s: median(engine.map((r) => r.incremental_s)),
    incremental_over_full: median(engine.map((r) => r.incremental_s / r.full_s)),
    peak_rss_mb_median: median(engine.map((r) => r.rss_mb)),
    goal: 'incremental <= 10% of full',
  },
};
writeFileSync(join(dir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
log(JSON.stringify(result, null, 2));
