// Forward-only migrations: pipelines/db/migrations/NNN_name.sql, each applied once, in order,
// inside its own transaction, and recorded in core.schema_migrations.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './connect.ts';
import { projectFile } from './connect.ts';

const MIGRATIONS_DIR = projectFile('pipelines/db/migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function migrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(4, -4),
      sql: readFileSync(join(dir, f), 'utf8'),
    }));
}

/** Applies what is missing; returns the versions applied now (empty when up to date). */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<number[]> {
  await db.run(`
    create schema if not exists core;
    create table if not exists core.schema_migrations (
      version integer primary key, name varchar not null, applied_at timestamp not null)`);
  const done = new Set(
    (await db.values<{ version: number }>('select version from core.schema_migrations')).map(
      (r) => r.version,
    ),
  );
  const applied: number[] = [];
  for (const m of migrations(dir)) {
    if (done.has(m.version)) continue;
    await db.transaction(async () => {
      await db.run(m.sql);
      await db.run(
        'insert into core.schema_migrations values ($version, $name, current_timestamp)',
        { version: m.version, name: m.name },
      );
    });
    applied.push(m.version);
  }
  return applied;
}
