import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { holdDatabase, tempDir } from '../helpers.ts';

// DuckDB allows one writer process per file; a second process must be told so, clearly, and
// must not touch the file.
describe('a database held by another process', () => {
  it('makes chitieu exit 1 with a message naming the holder and the way round it', async () => {
    const { dir, cleanup } = tempDir();
    const db = join(dir, 'held.duckdb');
    const holder = await holdDatabase(db);
    try {
      const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/chitieu.js'), 'init'], {
        env: { ...process.env, CHITIEU_DB: db },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`the database ${db} is in use by another process`);
      expect(r.stderr).toContain('POST /api/ingest');
    } finally {
      holder.release();
      cleanup();
    }
  });
});

describe('a database that does not exist yet', () => {
  it.each(['sql', 'status', 'export'])(
    'makes chitieu %s exit 1 with the way to create it, and creates nothing',
    (command) => {
      const { dir, cleanup } = tempDir();
      const db = join(dir, 'none', 'missing.duckdb');
      try {
        const args = {
          sql: ['sql', 'select 1'],
          status: ['status', '--unit', 'VN', '--period', '2025'],
          export: ['export', 'progress', '--format', 'csv', '--out', join(dir, 'p.csv')],
        }[command] as string[];
        const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/chitieu.js'), ...args], {
          env: { ...process.env, CHITIEU_DB: db },
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(r.stderr).toContain(`there is no database at ${db}`);
        expect(r.stderr).not.toContain('    at ');
        expect(r.status).toBe(1);
        expect(existsSync(join(dir, 'none'))).toBe(false);
      } finally {
        cleanup();
      }
    },
  );
});
