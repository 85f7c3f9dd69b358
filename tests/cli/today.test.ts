// CHITIEU_TODAY on the command line and the server: honoured where a command reads today, and a
// value that is not a date is a usage error (exit 2) or stops the server's config, never ignored.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { readConfig } from '../../api/config.ts';
import { bufferIo, tempDir } from '../helpers.ts';

const { dir, cleanup } = tempDir();
afterAll(() => cleanup());

const io = (today: string) => {
  const out = bufferIo(join(dir, 'none.duckdb'));
  out.env = { ...out.env, CHITIEU_TODAY: today };
  return out;
};

describe('CHITIEU_TODAY', () => {
  it('is the today a command reads: the demo may not run past the month before it', async () => {
    const run = io('2026-01-15');
    expect(await main(['demo', '--until', '2026-01'], run)).toBe(2);
    expect(run.stderr.join('\n')).toContain(
      'invalid --until: 2026-01 (a month YYYY-MM from 2022-01 to 2025-12)',
    );
  });

  it('that is not a real date is a usage error saying so', async () => {
    for (const command of [['demo'], ['refresh']]) {
      const run = io('2026-02-30');
      expect(await main(command, run), command[0]).toBe(2);
      expect(run.stderr.join('\n')).toContain(
        'invalid CHITIEU_TODAY: 2026-02-30 (a date YYYY-MM-DD, or unset)',
      );
    }
  });

  it('that is not a date stops the server before it starts', () => {
    expect(() => readConfig({ CHITIEU_TODAY: 'tomorrow' })).toThrow(
      'invalid CHITIEU_TODAY: tomorrow',
    );
    expect(readConfig({ CHITIEU_TODAY: '2026-01-25' }).port).toBe(3000);
  });
});
