// Results never older than the figures: a batch commits its figures and the refresh it owes
// (core.refresh_pending) in one transaction, and the engine's refresh deletes that row in the
// transaction that stores the results. Killed with SIGKILL at many moments of an upload, through
// the CLI and through a real server, the database is either as before the batch, or holds the
// new figures with results that match them, or holds the new figures with the refresh owed —
// and the next process that opens it for writing (a server before it serves, a re-upload of the
// same file) completes that refresh. No timing is asserted: moments are fractions of a measured
// run, and each outcome is accepted only if it is one of those three states.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database, PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { TokenStore } from '../../api/tokens.ts';
import { tempDir } from '../helpers.ts';

const CHITIEU = join(PROJECT_ROOT, 'bin/chitieu.js');
const TODAY = '2026-01-25';

interface State {
  /** the figures: every revision stored */
  figures: string;
  /** what the engine computed from them: actuals, target statuses, reporting */
  results: string;
  pending: number;
}

async function state(path: string): Promise<State> {
  const db = await Database.open(path);
  try {
    const [r] = await db.all<State & { pending: bigint }>(`
      select
        (select count(*) || ':' || coalesce(sum(hash(unit_id, period, metric, value, revision)), 0)
           from core.observation_revisions) as figures,
        (select count(*) || ':' || coalesce(sum(hash(indicator_id, unit_id, period, actual, coverage)), 0)
           from core.actuals)
          || '/' ||
        (select count(*) || ':' || coalesce(sum(hash(target_id, unit_id, period, actual, status)), 0)
           from core.target_status)
          || '/' ||
        (select count(*) || ':' || coalesce(sum(hash(unit_id, period, status)), 0)
           from core.reporting_status) as results,
        (select count(*) from core.refresh_pending) as pending`);
    return { figures: r.figures, results: r.results, pending: Number(r.pending) };
  } finally {
    db.close();
  }
}

const env = (db: string, tokens: string) => ({
  ...process.env,
  CHITIEU_DB: db,
  CHITIEU_TOKENS: tokens,
  CHITIEU_TODAY: TODAY,
  CHITIEU_LOG_LEVEL: 'warn',
});

/** `chitieu ingest FILE`, killed after `ms` (or left to finish when ms is null); its duration. */
function cliIngest(db: string, csv: string, ms: number | null): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [CHITIEU, 'ingest', csv], {
    env: env(db, `${db}.tokens.json`),
    stdio: 'ignore',
  });
  if (ms !== null) setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (ms === null && code !== 0) reject(new Error(`ingest exited ${code} ${signal}`));
      resolve(performance.now() - started);
    });
  });
}

/** A running `chitieu serve` on a free port: its URL once it listens. */
async function serve(db: string, tokens: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CHITIEU, 'serve', '--port', '0'], {
    env: env(db, tokens),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', (d: Buffer) => ((output += d.toString()), check()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${output}`)));
  });
  return { child, url };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve()
      : child.on('exit', () => resolve()),
  );

/** Uploads through a real server and kills it with SIGKILL after `ms` (null: let it answer). */
async function httpIngest(db: string, csv: string, ms: number | null): Promise<number> {
  const tokens = `${db}.tokens.json`;
  const { token } = new TokenStore(tokens).create('admin', null, 'refresh-crash test');
  const { child, url } = await serve(db, tokens);
  const form = new FormData();
  form.append('file', new Blob([readFileSync(csv)]), 'batch.csv');
  const started = performance.now();
  const answer = fetch(`${url}/api/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  }).then(
    (r) => r.status,
    () => 0,
  );
  const timer = ms === null ? null : setTimeout(() => child.kill('SIGKILL'), ms);
  const status = await answer;
  const took = performance.now() - started;
  if (ms === null) expect(status).toBe(200);
  if (timer) clearTimeout(timer);
  // answered before the moment came: killed now all the same, as after the upload
  child.kill(ms === null ? 'SIGTERM' : 'SIGKILL');
  await exited(child);
  return took;
}

describe('results are never older than the figures', () => {
  let dir: string;
  let cleanup: () => void;
  let pristine: string;
  let csv: string;
  let before: State;
  let after: State;
  let cliTook: number;
  let httpTook: number;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    // (the whole setup: two complete uploads on a copy of the demo database)
    pristine = join(dir, 'pristine.duckdb');
    copyFileSync(inject('demoDb'), pristine);
    // a year of revised figures for every province of the new map and every demo metric
    const db = await Database.open(pristine);
    const rows = await db.all<{ line: string }>(`
      select u.code || ',' || strftime(m, '%Y-%m') || ',' || metric_id || ',' ||
             (1000 + (hash(u.code, metric_id, m) % 50000))::bigint as line
      from core.units u,
           (select distinct metric from core.observation_revisions) o(metric_id),
           generate_series(date '2025-07-01', date '2025-12-01', interval 1 month) g(m)
      where u.level = 'province' and u.valid_from is not null
      order by all`);
    db.close();
    csv = join(dir, 'batch.csv');
    writeFileSync(csv, `unit_code,period,metric,value\n${rows.map((r) => r.line).join('\n')}\n`);
    before = await state(pristine);
    expect(before.pending).toBe(0);
    // an upload left to finish, each way: the state after, and how long it took
    const whole = join(dir, 'whole.duckdb');
    copyFileSync(pristine, whole);
    cliTook = await cliIngest(whole, csv, null);
    after = await state(whole);
    expect(after.figures).not.toBe(before.figures);
    expect(after.results).not.toBe(before.results);
    expect(after.pending).toBe(0);
    const viaHttp = join(dir, 'whole-http.duckdb');
    copyFileSync(pristine, viaHttp);
    httpTook = await httpIngest(viaHttp, csv, null);
    expect(await state(viaHttp)).toEqual(after);
  }, 300_000);
  afterAll(() => cleanup());

  /** One of the three states a kill may leave; and what the next writer makes of it. */
  async function checkKilled(db: string, recover: () => Promise<unknown>): Promise<string> {
    const killed = await state(db);
    let outcome: string;
    if (killed.figures === before.figures) {
      expect(killed).toEqual(before);
      outcome = 'before';
    } else {
      expect(killed.figures).toBe(after.figures);
      if (killed.pending === 0) {
        expect(killed.results).toBe(after.results);
        outcome = 'after';
      } else {
        expect(killed.pending).toBe(1);
        outcome = 'refresh owed';
      }
    }
    await recover();
    const recovered = await state(db);
    if (outcome === 'before') expect(recovered.pending).toBe(0);
    else expect(recovered).toEqual(after);
    return outcome;
  }

  // moments as fractions of a measured run; a server's start and restart cost more, so fewer
  const CLI_MOMENTS = [0.2, 0.4, 0.55, 0.7, 0.85, 0.97];
  const HTTP_MOMENTS = [0.25, 0.45, 0.65, 0.85, 0.97];

  it(
    'through the CLI: killed at six moments, a re-upload of the same file completes it',
    {
      timeout: 600_000,
    },
    async () => {
      const outcomes: string[] = [];
      for (const f of CLI_MOMENTS) {
        const db = join(dir, `cli-${f}.duckdb`);
        copyFileSync(pristine, db);
        await cliIngest(db, csv, Math.round(cliTook * f));
        outcomes.push(await checkKilled(db, () => cliIngest(db, csv, null)));
        rmSync(db, { force: true });
        rmSync(`${db}.wal`, { force: true });
      }
      // the states seen, for the record (which ones depends on the machine's speed)
      console.log(
        `CLI kills at ${CLI_MOMENTS.join(', ')} of ${Math.round(cliTook)} ms: ${outcomes}`,
      );
    },
  );

  it(
    'through the server: killed at five moments, the next server completes it before serving',
    {
      timeout: 600_000,
    },
    async () => {
      const outcomes: string[] = [];
      for (const f of HTTP_MOMENTS) {
        const db = join(dir, `http-${f}.duckdb`);
        copyFileSync(pristine, db);
        await httpIngest(db, csv, Math.round(httpTook * f));
        outcomes.push(
          await checkKilled(db, async () => {
            const { child, url } = await serve(db, `${db}.tokens.json`);
            // it listens only once the owed refresh is done: what it serves is already current
            expect((await fetch(`${url}/api/health`)).status).toBe(200);
            child.kill('SIGTERM');
            await exited(child);
          }),
        );
      }
      console.log(
        `HTTP kills at ${HTTP_MOMENTS.join(', ')} of ${Math.round(httpTook)} ms: ${outcomes}`,
      );
    },
  );

  it('a refresh owed is completed by `chitieu refresh` too, and then nothing is owed', async () => {
    const db = join(dir, 'owed.duckdb');
    copyFileSync(pristine, db);
    // the state a kill between the two transactions leaves, made on purpose: figures, no refresh
    const open = await Database.open(db);
    const { ingestFile } = await import('../../pipelines/load/ingest.ts');
    expect((await ingestFile(open, csv)).status).toBe('loaded');
    open.close();
    const owed = await state(db);
    expect(owed.figures).toBe(after.figures);
    expect(owed.pending).toBe(1);
    expect(owed.results).toBe(before.results);
    const r = spawnSync(process.execPath, [CHITIEU, 'refresh', '--today', TODAY], {
      env: env(db, `${db}.tokens.json`),
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const done = await state(db);
    expect(done.pending).toBe(0);
    expect(done.figures).toBe(after.figures);
  });
});
