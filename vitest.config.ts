// Three tiers, one run: `npm test` runs them all; `npx vitest run --project unit` runs the tier
// that needs no database template and finishes in seconds.
//  - unit: pure modules (parsing, classification, status maths, charts, the demo's generator);
//  - integration: a real DuckDB file, the HTTP app through inject, the CLI in-process;
//  - e2e: real processes and a real browser (spawned CLIs, SIGKILL crash tests, Chromium).
import { defineConfig } from 'vitest/config';

const UNIT = [
  'tests/normalize/**/*.test.ts',
  'tests/indicators/status.test.ts',
  'tests/indicators/catalogue.test.ts',
  'tests/indicators/agencies.test.ts',
  'tests/indicators/plans-load.test.ts',
  'tests/indicators/work-status.test.ts',
  'tests/dashboards/charts.test.ts',
  'tests/dashboards/tilemap.test.ts',
  'tests/dashboards/official.test.ts',
  'tests/demo/generate.test.ts',
  'tests/load/classify.test.ts',
  'tests/load/read-limits.test.ts',
  'tests/load/forms-table.test.ts',
  'tests/load/messages.test.ts',
  'tests/api/upload-store.test.ts',
  'tests/lint/**/*.test.ts',
];
const E2E = [
  'tests/browser/**/*.test.ts',
  'tests/cli/bin.test.ts',
  'tests/cli/busy.test.ts',
  'tests/cli/shutdown.test.ts',
  'tests/api/sql-attacks.test.ts',
  'tests/load/ingest-crash.test.ts',
  'tests/load/refresh-crash.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // two forks on a two-core machine: the default (cores - 1) ran the 93 files one after
    // another, 876 s, a third of it starting forks and importing modules
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: [...UNIT, ...E2E],
          globalSetup: ['tests/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: E2E, globalSetup: ['tests/global-setup.ts'] },
      },
    ],
  },
});
