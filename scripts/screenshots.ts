// npm run screenshots: the README's pictures of the dashboards, taken in Debian's Chromium from a
// fresh synthetic demo database (figures to 2025-12), into dashboards/screenshots/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, PROJECT_ROOT } from '../pipelines/db/connect.ts';
import { runDemo } from '../cli/commands/demo.ts';
import { DEFAULT_SEED } from '../pipelines/demo/generate.ts';
import { buildServer } from '../cli/server.ts';
import { readConfig } from '../api/config.ts';
import { launchBrowser } from '../dashboards/browser.ts';

const OUT = join(PROJECT_ROOT, 'dashboards/screenshots');
const SHOTS: [string, string, number][] = [
  ['overview', '/?unit=p91&period=2025-Q2', 1200],
  ['indicator', '/indicator/vneid_accounts?unit=p91&period=2025-Q2&grain=month', 1300],
  [
    'indicator-reconstructed',
    '/indicator/vneid_activation_rate?unit=p91@2025-07-01&period=2025-Q4',
    1000,
  ],
  ['unit', '/unit/p91@2025-07-01?as_of=2025-12-31', 900],
  ['pack-en', '/pack?unit=p79&period=2025-Q2&lang=en', 1400],
];

const dir = mkdtempSync(join(tmpdir(), 'chitieu-shots-'));
const dbPath = join(dir, 'demo.duckdb');
const db = await Database.open(dbPath);
await runDemo(db, { seed: DEFAULT_SEED, until: '2025-12', asOf: '2026-01-25' });
db.close();
const app = await buildServer(
  readConfig({}, { dbPath, tokensPath: join(dir, 'tokens.json'), logLevel: 'warn' }),
  false,
);
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const browser = await launchBrowser();
try {
  mkdirSync(OUT, { recursive: true });
  for (const [name, path, height] of SHOTS) {
    const page = await browser.newPage({ viewport: { width: 1280, height } });
    await page.goto(`${base}${path}`, { waitUntil: 'load' });
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    await page.close();
    console.log(`dashboards/screenshots/${name}.png  ${path}`);
  }
} finally {
  await browser.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
