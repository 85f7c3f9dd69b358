// Shared test plumbing: temporary database files and the ../shared folder beside the project.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Database, PROJECT_ROOT } from '../pipelines/db/connect.ts';
import type { Io } from '../cli/io.ts';

export const SHARED = resolve(PROJECT_ROOT, '../shared');
export const ADMIN_UNITS = join(SHARED, 'data/admin-units');
export const PRE_2025 = join(ADMIN_UNITS, 'vn-units-pre2025-v2.4.1.simplified.json');
export const POST_2025 = join(ADMIN_UNITS, 'vn-units-2026-07.simplified.json');

/** A fresh directory for one test file; removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'chitieu-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function openTempDb(): Promise<{ db: Database; path: string; cleanup: () => void }> {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'test.duckdb');
  const db = await Database.open(path);
  return {
    db,
    path,
    cleanup: () => {
      db.close();
      cleanup();
    },
  };
}

/** An Io that records what a command printed, with CHITIEU_DB pointed at `dbPath`. */
export function bufferIo(dbPath: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    env: { ...process.env, CHITIEU_DB: dbPath },
  };
}

/**
 * Another process with the database file open (DuckDB's lock), as a running server would hold it;
 * resolves once the lock is taken. release() kills the holder.
 */
export async function holdDatabase(path: string): Promise<{ release: () => void }> {
  const holder = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { DuckDBInstance } from '@duckdb/node-api';
       const i = await DuckDBInstance.create(${JSON.stringify(path)});
       await i.connect();
       console.log('ready');
       setTimeout(() => {}, 60000);`,
    ],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    holder.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return { release: () => holder.kill('SIGKILL') };
}
