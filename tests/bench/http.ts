// npm run bench (HTTP part): autocannon on loopback against a real `chitieu serve` on the demo
// database, in another process. In one run, back to back: /api/health (the baseline), the
// national scorecard, a long series, and the dashboards' overview and indicator pages; then the
// uncached server time of each page against the API call it is drawn from (issue 15.7: within
// 2×): the overview against GET /api/scorecard, the indicator page against GET /api/series at the
// page's grain, the unit page against GET /api/units/:id; each pair alternated, a fresh URL per
// request so the response cache never answers, medians of medians. Last, /api/health and the
// overview (uncached) while a 1 M-cell workbook is uploaded (issue 16.9: the server keeps
// answering while a file is read): one request after another, their latency against the same on
// the idle server (BENCH_UPLOAD=0 leaves this out). Results go to .bench/http.json.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
// autocannon ships no types; the part used here is small
// @ts-expect-error -- untyped module
import autocannon from 'autocannon';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const dir = resolve(PROJECT_ROOT, '.bench');
mkdirSync(dir, { recursive: true });
const db = join(dir, `http-${process.pid}.duckdb`);
const env = {
  ...process.env,
  CHITIEU_DB: db,
  CHITIEU_TOKENS: join(dir, `http-${process.pid}-tokens.json`),
  CHITIEU_LOG_LEVEL: 'warn',
};
const chitieu = join(PROJECT_ROOT, 'bin/chitieu.js');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() =>
        typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port')),
      );
    });
  });
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer ${url}`);
}

function cannon(url: string): Promise<CannonResult> {
  return new Promise((ok, fail) =>
    autocannon(
      { url, connections: 10, duration: SECONDS },
      (error: Error | null, result: CannonResult) => (error ? fail(error) : ok(result)),
    ),
  );
}

/** Median server-side time of one uncached request (a fresh URL each time), in ms. */
async function uncached(url: string, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(`${url}${url.includes('?') ? '&' : '?'}bench=${Date.now()}-${i}`);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * `url` one request after another until `until` settles: each latency, ms. `fresh` adds a new
 * query parameter to each, so that the response cache never answers.
 */
async function pings(url: string, until: Promise<unknown>, fresh = false): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const times: number[] = [];
  for (let i = 0; !done; i++) {
    const started = performance.now();
    const res = await fetch(fresh ? `${url}${url.includes('?') ? '&' : '?'}ping=${i}` : url);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    times.push(performance.now() - started);
  }
  return times;
}

/** A long table of `rows` figures, 4 cells a row, written as a workbook without holding it. */
async function workbook(path: string, rows: number): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path });
  const sheet = book.addWorksheet('Sheet1');
  sheet.addRow(['unit_code', 'period', 'metric', 'value']).commit();
  for (let i = 0; i < rows; i++) {
    const period = `${2000 + (i % 25)}-${String((i % 12) + 1).padStart(2, '0')}`;
    sheet.addRow(['01', period, 'cccd_issued', 1 + (i % 25)]).commit();
  }
  sheet.commit();
  await book.commit();
}

/**
 * Health's latency, and an uncached page's, while a 1 M-cell workbook is uploaded (a dry run),
 * against the same on the idle server.
 */
async function healthDuringUpload(base: string, page: string) {
  const path = join(dir, 'upload-1m-cells.xlsx');
  await workbook(path, 249_999);
  const token = execFileSync(
    process.execPath,
    [chitieu, 'token', 'create', '--role', 'admin', '--label', 'bench'],
    { env, encoding: 'utf8' },
  )
    .trim()
    .split('\n')
    .pop()!;
  const quiet = new Promise((r) => setTimeout(r, 3000));
  const [idle, idlePage] = await Promise.all([
    pings(`${base}/api/health`, quiet),
    pings(`${base}${page}`, quiet, true),
  ]);
  const body = new FormData();
  body.append('dry_run', 'true');
  body.append('file', new Blob([readFileSync(path)]), 'upload-1m-cells.xlsx');
  const started = performance.now();
  const sent = fetch(`${base}/api/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body,
  }).then(async (r) => ({ status: r.status, body: await r.text() }));
  const [during, duringPage] = await Promise.all([
    pings(`${base}/api/health`, sent),
    pings(`${base}${page}`, sent, true),
  ]);
  const answer = await sent;
  const uploadS = (performance.now() - started) / 1000;
  if (answer.status !== 200)
    throw new Error(`upload: ${answer.status} ${answer.body.slice(0, 300)}`);
  const stats = (xs: number[]) => ({
    n: xs.length,
    median_ms: median(xs),
    max_ms: Math.max(...xs),
  });
  const result = {
    upload_s: uploadS,
    idle: stats(idle),
    during: stats(during),
    median_ratio: median(during) / median(idle),
    page,
    page_idle: stats(idlePage),
    page_during: stats(duringPage),
    page_median_ratio: median(duringPage) / median(idlePage),
  };
  console.log(
    `  health during a 1 M-cell upload (${uploadS.toFixed(1)} s): ${during.length} answers, median ${median(during).toFixed(1)} ms (idle ${median(idle).toFixed(1)} ms), max ${Math.max(...during).toFixed(0)} ms`,
  );
  console.log(
    `  the overview, uncached, meanwhile: ${duringPage.length} answers, median ${median(duringPage).toFixed(1)} ms (idle ${median(idlePage).toFixed(1)} ms), max ${Math.max(...duringPage).toFixed(0)} ms`,
  );
  return result;
}

rmSync(db, { force: true });
console.log('building the demo database …');
execFileSync(process.execPath, [chitieu, 'demo'], { env, stdio: 'ignore' });
const port = await freePort();
const server = spawn(process.execPath, [chitieu, 'serve', '--port', String(port)], {
  env,
  stdio: 'ignore',
});
const base = `http://127.0.0.1:${port}`;
try {
  await waitFor(`${base}/api/health`, server);
  const health = (await (await fetch(`${base}/api/health`)).json()) as { data_as_of: string };
  const month = health.data_as_of.slice(0, 7);
  const year = Number(month.slice(0, 4));
  const q = Math.ceil(Number(month.slice(5, 7)) / 3) - 1;
  const quarter = q === 0 ? `${year - 1}-Q4` : `${year}-Q${q}`;
  const targets: Record<string, string> = {
    health: '/api/health',
    scorecard: `/api/scorecard?unit=VN&period=${quarter}`,
    series: '/api/series?indicator=cccd_coverage&unit=VN&grain=month',
    overview_page: `/?unit=VN&period=${quarter}`,
    indicator_page: `/indicator/cccd_coverage?unit=VN&period=${quarter}`,
  };
  const rates: Record<string, number[]> = {};
  let errors = 0;
  for (let i = 0; i < REPEAT; i++) {
    for (const [name, path] of Object.entries(targets)) {
      const r = await cannon(`${base}${path}`);
      errors += r.errors + r.non2xx + r.timeouts;
      (rates[name] ??= []).push(r.requests.average);
      console.log(
        `  run ${i + 1} ${name}: ${r.requests.average.toFixed(0)} req/s (p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx + r.timeouts})`,
      );
    }
  }
  const med = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]));
  // pages against the API call they are drawn from, each computed afresh (cache bypassed)
  const pairs: Record<string, [string, string]> = {
    overview: [targets.overview_page, targets.scorecard],
    indicator: [targets.indicator_page, `/api/series?indicator=cccd_coverage&unit=VN&grain=month`],
    unit: [`/unit/VN?period=${quarter}`, '/api/units/VN'],
    'unit-province': ['/unit/p91@2025-07-01', '/api/units/p91@2025-07-01'],
  };
  const pageTimes: Record<string, { page_ms: number; api_ms: number; ratio: number }> = {};
  for (const [name, [page, api]] of Object.entries(pairs)) {
    const pageMs: number[] = [];
    const apiMs: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      pageMs.push(await uncached(`${base}${page}`, 15));
      apiMs.push(await uncached(`${base}${api}`, 15));
    }
    pageTimes[name] = {
      page_ms: median(pageMs),
      api_ms: median(apiMs),
      ratio: median(pageMs) / median(apiMs),
    };
    console.log(
      `  ${name}: page ${median(pageMs).toFixed(1)} ms, API ${median(apiMs).toFixed(1)} ms, ${(median(pageMs) / median(apiMs)).toFixed(2)}×`,
    );
  }
  // BENCH_UPLOAD=0 leaves it out (timing the pages alone)
  const upload =
    process.env.BENCH_UPLOAD === '0' ? null : await healthDuringUpload(base, targets.overview_page);
  const result = {
    measured_at: new Date().toISOString(),
    repeat: REPEAT,
    seconds_each: SECONDS,
    req_per_s_median: med,
    ratio_to_health: {
      scorecard: med.scorecard / med.health,
      series: med.series / med.health,
      overview_page: med.overview_page / med.health,
      indicator_page: med.indicator_page / med.health,
    },
    errors,
    uncached_page_vs_api: pageTimes,
    health_during_upload: upload,
  };
  writeFileSync(join(dir, 'http.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  rmSync(env.CHITIEU_TOKENS, { force: true });
}
