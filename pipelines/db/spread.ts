// Independent reads at once: a Spread runs `works` on `own` (a connection the caller holds) and,
// where it has them, on other connections of the same instance, and answers their results in
// order. The server's warehouse lends its idle read connections (api/plugins/warehouse.ts); the
// CLI and the tests run the works one after another on `own` (inTurn). A work gets the connection
// it runs on, and may spread again from it.
import type { Database } from './connect.ts';

export type Works<T extends readonly unknown[]> = {
  readonly [K in keyof T]: (db: Database) => Promise<T[K]>;
};

export type Spread = <T extends readonly unknown[]>(own: Database, works: Works<T>) => Promise<T>;

/** One after another on `own`. */
export const inTurn: Spread = async <T extends readonly unknown[]>(
  own: Database,
  works: Works<T>,
) => {
  const results: unknown[] = [];
  for (const work of works) results.push(await work(own));
  return results as unknown as T;
};
