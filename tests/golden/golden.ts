// Golden files: compared as JSON; on a mismatch the actual result is written beside the golden
// as NAME-changed.json for review. Goldens are rewritten only by `npm run golden:update`.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = dirname(fileURLToPath(import.meta.url));

export function golden(name: string, actual: unknown): { expected: unknown; actual: unknown } {
  const file = join(DIR, `${name}.json`);
  const changed = join(DIR, `${name}-changed.json`);
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') {
    if (process.env.CI) throw new Error('golden files are never regenerated in CI');
    writeFileSync(file, text);
  }
  const expected = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  if (JSON.stringify(expected) !== JSON.stringify(actual)) writeFileSync(changed, text);
  else rmSync(changed, { force: true });
  return { expected, actual: JSON.parse(text) };
}
