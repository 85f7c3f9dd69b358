import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { tempDir } from '../helpers.ts';

// DuckDB allows one writer process per file; a second process must be told so, clearly, and
// must not touch the file.
describe('a database held by another process', () => {
  it('makes chitieu exit 1 with a message naming the holder and the way round it', async () => {
    const { dir, cleanup } = tempDir();
    const db = join(dir, 'held.duckdb');
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         const i = await DuckDBInstance.create(${JSON.stringify(db)});
         await (await i.connect()).run('create table t(a int)');
         console.log('ready');
         setTimeout(() => {}, 60000);`,
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        holder.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/chitieu.js'), 'init'], {
        env: { ...process.env, CHITIEU_DB: db },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`the database ${db} is in use by another process`);
      expect(r.stderr).toContain('POST /api/ingest');
    } finally {
      holder.kill('SIGKILL');
      cleanup();
    }
  });
});
