// Crash safety: an ingest killed with SIGKILL at any moment leaves the database as it was before
// the batch, or as it is after it, never in between. The file is reopened by a new process each
// time, as after a real crash (DuckDB replays its write-ahead log).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database, PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { initialise } from '../../cli/commands/init.ts';
import { ingestFile } from '../../pipelines/load/ingest.ts';
import { tempDir } from '../helpers.ts';

interface State {
  batches: number;
  revisions: number;
  checksum: string;
}

async function state(path: string): Promise<State> {
  const db = await Database.open(path);
  try {
    const [r] = await db.all<{ batches: string; revisions: string; checksum: string }>(`
      select (select count(*) from core.batches) as batches,
             (select count(*) from core.observation_revisions) as revisions,
             (select coalesce(sum(hash(unit_id, period, metric, value, revision)), 0)::varchar
              from core.observation_revisions) as checksum`);
    return { batches: Number(r.batches), revisions: Number(r.revisions), checksum: r.checksum };
  } finally {
    db.close();
  }
}

/** Runs `chitieu ingest` and kills it: after `ms`, or as soon as it says it is writing. */
function killedIngest(
  db: string,
  csv: string,
  when: number | 'writing',
): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/chitieu.js'), 'ingest', csv], {
      env: { ...process.env, CHITIEU_DB: db, CHITIEU_PROGRESS: 'lines' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let killed = false;
    const kill = () => {
      if (child.exitCode === null && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    if (when === 'writing') {
      child.stderr.on('data', (d: Buffer) => {
        if (d.toString().includes('stage: writing')) kill();
      });
    } else {
      setTimeout(kill, when);
      child.stderr.resume();
    }
    child.on('error', reject);
    child.on('exit', () => resolve(killed ? 'killed' : 'finished'));
  });
}

describe('an ingest killed with SIGKILL', () => {
  let dir: string;
  let cleanup: () => void;
  let pristine: string;
  let csv: string;
  let before: State;
  let after: State;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    pristine = join(dir, 'pristine.duckdb');
    // a database that already holds one batch
    const db = await Database.open(pristine);
    await initialise(db);
    const first = join(dir, 'first.csv');
    writeFileSync(
      first,
      'unit_code,period,metric,value\n01,2023-01,cccd_issued,5\n79,2023-01,cccd_issued,7\n',
    );
    expect((await ingestFile(db, first)).status).toBe('loaded');
    await db.run('checkpoint');
    db.close();
    before = await state(pristine);
    // the batch to kill: every province, every metric, daily snapshots over 2023
    const provinces = ['01', '79', '91', '77', '58', '42', '48', '92', '31', '56'];
    const metrics = [
      'cccd_issued',
      'cccd_eligible',
      'vneid_activated',
      'dossiers_received',
      'dossiers_online',
    ];
    const lines = ['unit_code,period,metric,value'];
    for (let d = 0; d < 365; d++) {
      const day = new Date(Date.UTC(2023, 0, 1 + d)).toISOString().slice(0, 10);
      for (const p of provinces)
        for (const m of metrics) lines.push(`${p},${day},${m},${1000 + d}`);
    }
    csv = join(dir, 'big.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    // what a finished load looks like
    const whole = join(dir, 'whole.duckdb');
    copyFileSync(pristine, whole);
    expect(await killedIngest(whole, csv, 60_000)).toBe('finished');
    after = await state(whole);
    expect(after.revisions).toBe(before.revisions + (lines.length - 1));
  });
  afterAll(() => cleanup());

  it('while it writes its batch: the database is as before or as after, nothing between', async () => {
    const db = join(dir, 'writing.duckdb');
    rmSync(`${db}.wal`, { force: true });
    copyFileSync(pristine, db);
    expect(await killedIngest(db, csv, 'writing')).toBe('killed');
    expect([before, after]).toContainEqual(await state(db));
  });

  it.each([100, 400, 800, 1200, 1600, 2000, 2500, 3000])(
    'after %d ms: the database is as before or as after',
    async (ms) => {
      const db = join(dir, `at-${ms}.duckdb`);
      rmSync(`${db}.wal`, { force: true });
      copyFileSync(pristine, db);
      await killedIngest(db, csv, ms);
      const now = await state(db);
      expect([before, after]).toContainEqual(now);
      // and the database still takes the load afterwards
      const again = await Database.open(db);
      try {
        const r = await ingestFile(again, csv);
        expect(['loaded', 'unchanged']).toContain(r.status);
      } finally {
        again.close();
      }
      expect(await state(db)).toMatchObject({
        revisions: after.revisions,
        checksum: after.checksum,
      });
    },
  );
});
