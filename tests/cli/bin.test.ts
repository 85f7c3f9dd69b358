import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { tempDir } from '../helpers.ts';

// The installed command as a user runs it: a real process, a real database file.
function chitieu(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/chitieu.js'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('bin/chitieu.js', () => {
  it('runs init against CHITIEU_DB and exits 0; usage errors exit 2', () => {
    const { dir, cleanup } = tempDir();
    try {
      const env = { CHITIEU_DB: join(dir, 'x.duckdb') };
      const init = chitieu(['init'], env);
      expect(init.stderr).toBe('');
      expect(init.status).toBe(0);
      expect(init.stdout).toContain(`database ${env.CHITIEU_DB}`);
      const again = chitieu(['start', '--no-serve'], env);
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('nothing to do');
      expect(again.stdout).toMatch(/province\s+63 → 34/);
      expect(chitieu([], env).status).toBe(2);
      expect(chitieu(['nope'], env).status).toBe(2);
    } finally {
      cleanup();
    }
  });
});
