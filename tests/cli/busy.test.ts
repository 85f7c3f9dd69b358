import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
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
