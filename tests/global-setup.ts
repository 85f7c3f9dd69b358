// Built once per test run: a database with the catalogue, the plans and the synthetic demo up to a
// fixed month, so API and dashboard tests see the same figures whatever the date. Each test file
// copies it (tests/api/app.ts) and may change its copy. The integration and e2e projects both
// ask for it; they share one build (a promise on globalThis: vitest runs every project's global
// setup in its one main process) and the last one to finish removes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { Database } from '../pipelines/db/connect.ts';
import { runDemo } from '../cli/commands/demo.ts';
import { DEFAULT_SEED } from '../pipelines/demo/generate.ts';

/** The demo's last month and "today" for every test that uses the template. */
export const DEMO_UNTIL = '2025-12';
export const DEMO_TODAY = '2026-01-25';

declare module 'vitest' {
  export interface ProvidedContext {
    demoDb: string;
  }
}

interface Shared {
  built: Promise<{ dir: string; path: string }>;
  users: number;
}
const KEY = Symbol.for('chitieu.demoTemplate');
const store = globalThis as unknown as Record<symbol, Shared | undefined>;

async function build(): Promise<{ dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'chitieu-template-'));
  const path = join(dir, 'demo.duckdb');
  const db = await Database.open(path);
  try {
    await runDemo(db, { seed: DEFAULT_SEED, until: DEMO_UNTIL, asOf: DEMO_TODAY });
    await db.run('checkpoint');
  } finally {
    db.close();
  }
  return { dir, path };
}

export default async function setup(project: TestProject) {
  const shared = (store[KEY] ??= { built: build(), users: 0 });
  shared.users++;
  const { dir, path } = await shared.built;
  project.provide('demoDb', path);
  return () => {
    if (--shared.users > 0) return;
    store[KEY] = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
}
