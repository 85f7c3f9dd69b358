// Named SQL blocks: a .sql file split at `-- name: X` lines, so the SQL lives in .sql files and
// the TypeScript only orders the steps and binds their parameters; and temp tables of rows the
// TypeScript makes (the calendar's months), for the blocks to join.
import { readFileSync } from 'node:fs';
import type { Database } from '../../pipelines/db/connect.ts';

export function sqlBlocks(file: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (name !== null) blocks.set(name, lines.join('\n').trim());
  };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^-- name: (\w+)\s*$/.exec(line);
    if (m) {
      flush();
      name = m[1];
      lines = [];
    } else {
      lines.push(line);
    }
  }
  flush();
  return blocks;
}

export function block(blocks: Map<string, string>, name: string): string {
  const sql = blocks.get(name);
  if (sql === undefined) throw new Error(`missing SQL block ${name}`);
  return sql;
}

/**
 * A temp table of rows made in TypeScript (calendar rows: months with their ends and quarters),
 * appended as text and cast once to the declared types: no value enters the SQL text.
 */
export async function tempTable(
  db: Database,
  name: string,
  columns: Array<[column: string, type: 'varchar' | 'date']>,
  rows: string[][],
): Promise<void> {
  const staged = `${name}_text`;
  await db.run(
    `create or replace temp table ${staged} (${columns.map(([c]) => `${c} varchar`).join(', ')})`,
  );
  const appender = await db.connection.createAppender(staged, 'main', 'temp');
  for (const row of rows) {
    for (const value of row) appender.appendVarchar(value);
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
  await db.run(
    `create or replace temp table ${name} as
     select ${columns.map(([c, t]) => `${c}::${t} as ${c}`).join(', ')} from ${staged}`,
  );
  await db.run(`drop table ${staged}`);
}
