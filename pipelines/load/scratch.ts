// Temp tables that must outlive one statement: a path's rows (millions, so they stay in DuckDB)
// and the small maps classification builds. Each path names all of its tables in one typed object
// (its contract with the stages it calls), and `withScratch` drops every one of them when the
// path ends, however it ends.
import type { Database } from '../db/connect.ts';

export type ColumnType = 'varchar' | 'boolean';
export type Cell = string | boolean | null;

/** Creates temp table `name` and appends `rows` (the few distinct values JavaScript classified). */
export async function fillTable<C extends string>(
  db: Database,
  name: string,
  columns: Record<C, ColumnType>,
  rows: ReadonlyArray<Record<C, Cell>>,
): Promise<void> {
  const names = Object.keys(columns) as C[];
  await db.run(
    `create or replace temp table ${name} (${names.map((c) => `${c} ${columns[c]}`).join(', ')})`,
  );
  const appender = await db.connection.createAppender(name, 'main', 'temp');
  try {
    for (const row of rows) {
      for (const c of names) {
        const v = row[c];
        if (v === null) appender.appendNull();
        else if (typeof v === 'boolean') appender.appendBoolean(v);
        else appender.appendVarchar(v);
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Runs `work` with the temp tables `tables` names, and drops them all after it (an error while
 * dropping never hides the error that ended the work).
 */
export async function withScratch<T extends { [K in keyof T]: string }, R>(
  db: Database,
  tables: T,
  work: (tables: T) => Promise<R>,
): Promise<R> {
  const drop = () => db.dropTemp(Object.values(tables) as string[]);
  let result: R;
  try {
    await drop();
    result = await work(tables);
  } catch (error) {
    // the error that ended the work is the one to report, not one while cleaning up after it
    await drop().catch(() => undefined);
    throw error;
  }
  await drop();
  return result;
}
