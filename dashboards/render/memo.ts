// Results the pages share, kept for one data version: the catalogue, the plans, the tasks read on a
// day — what every overview or indicator page asks for whatever its unit. A new data version (any
// write, DESIGN §5.1) empties it, so a page never shows what an earlier version computed; the
// response cache keyed by URL stays the first line, this one spares an uncached page the queries
// it would repeat from the page before (bench: tests/bench/http.ts, pages against their API).
const MAX = 64;
let version = '';
const kept = new Map<string, Promise<unknown>>();

/**
 * The value of `compute` for `key` on the database file `db.path` at the data `dataVersion`,
 * computed once while that version lasts (no version known: computed every time).
 */
export function memo<T>(
  db: { path: string },
  dataVersion: string,
  key: string,
  compute: () => Promise<T>,
): Promise<T> {
  if (!dataVersion) return compute();
  const scope = `${db.path}\u0000${dataVersion}`;
  if (scope !== version) {
    kept.clear();
    version = scope;
  }
  const found = kept.get(key) as Promise<T> | undefined;
  if (found) {
    // most recently used last, so the oldest is the first to go
    kept.delete(key);
    kept.set(key, found);
    return found;
  }
  const value = compute();
  // a failure is not kept: the next page asks again
  value.catch(() => kept.delete(key));
  kept.set(key, value);
  if (kept.size > MAX) kept.delete(kept.keys().next().value as string);
  return value;
}

/** Class instances (a UnitIndex, a Database) stand in the key by their kind, plain data in full. */
function keyPart(_name: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === Object.prototype || proto === null
    ? value
    : `[${(value as object).constructor.name}]`;
}

/**
 * A service call shared by the pages of one data version: `shared(ctx, db, listTasks, units,
 * {as_of})` is `listTasks(db, units, {as_of})`, keyed by the function and its arguments, so a
 * change to the arguments is a change to the key.
 */
export function shared<A extends unknown[], T>(
  ctx: { meta: { version: string }; today: string },
  db: { path: string },
  service: (db: never, ...args: A) => Promise<T>,
  ...args: A
): Promise<T> {
  // today is in the key: a service's default date is today, and "overdue" is read against it
  const key = `${service.name}:${ctx.today}:${JSON.stringify(args, keyPart)}`;
  return memo(db, ctx.meta.version, key, () =>
    (service as (db: unknown, ...args: A) => Promise<T>)(db, ...args),
  );
}
