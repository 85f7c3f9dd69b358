// npm run bench (start-up part): how long a command takes to answer, as a whole process, against a
// bare `node -e 0` measured in the same run, alternating so that the machine's load falls on all
// three alike. Goals (issue 11): `chitieu --help` within 6× and `chitieu status` on a small
// database within 10× the bare start. Medians and ratios go to .bench/startup.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';

const REPEAT = Number(process.env.BENCH_STARTUP_REPEAT ?? 11);
const dir = resolve(PROJECT_ROOT, '.bench');
mkdirSync(dir, { recursive: true });
const db = join(dir, `startup-${process.pid}.duckdb`);
const chitieu = join(PROJECT_ROOT, 'bin/chitieu.js');
const env = { ...process.env, CHITIEU_DB: db };
const log = (s: string) => console.log(s);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function seconds(args: string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const elapsed = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return elapsed;
}

// the compiled commands are what `npx chitieu` runs after `npm ci`; build them if stale
execFileSync('npm', ['run', '--silent', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
rmSync(db, { force: true });
execFileSync(process.execPath, [chitieu, 'init'], { env, stdio: 'ignore' });

const CASES = {
  node: ['-e', '0'],
  help: [chitieu, '--help'],
  status: [chitieu, 'status', '--unit', 'VN', '--period', '2025-Q4'],
} as const;
const times: Record<keyof typeof CASES, number[]> = { node: [], help: [], status: [] };
seconds([...CASES.status]); // the first run warms the file cache for all
for (let i = 0; i < REPEAT; i++) {
  for (const name of Object.keys(CASES) as Array<keyof typeof CASES>) {
    times[name].push(seconds([...CASES[name]]));
  }
}
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });

const m = {
  node: median(times.node),
  help: median(times.help),
  status: median(times.status),
};
const result = {
  repeat: REPEAT,
  node_e0_median_s: m.node,
  help_median_s: m.help,
  status_median_s: m.status,
  help_over_node: m.help / m.node,
  status_over_node: m.status / m.node,
  range_s: Object.fromEntries(
    Object.entries(times).map(([k, xs]) => [k, [Math.min(...xs), Math.max(...xs)]]),
  ),
  goal: 'help <= 6x node -e 0; status on a small database <= 10x',
};
writeFileSync(join(dir, 'startup.json'), `${JSON.stringify(result, null, 2)}\n`);
log(
  `start-up (${REPEAT} runs, medians): node -e 0 ${m.node.toFixed(3)} s, chitieu --help ` +
    `${m.help.toFixed(3)} s (${result.help_over_node.toFixed(1)}×), chitieu status ` +
    `${m.status.toFixed(3)} s (${result.status_over_node.toFixed(1)}×)`,
);
