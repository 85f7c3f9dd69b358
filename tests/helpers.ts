// Shared test plumbing: temporary database files and the ../shared folder beside the project.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Database, PROJECT_ROOT } from '../pipelines/db/connect.ts';
import type { Io } from '../pipelines/cli/io.ts';

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
