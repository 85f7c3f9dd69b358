// SQL text the ingest generates: its statements are built from the plan of a file (its columns,
// its metrics, its number convention), so constants that are part of that plan are quoted here.
// Values a user sends are never spliced into SQL: they are read by DuckDB from the file itself.

/** A string constant of the plan (a metric id, a column name, a thousands mark) as SQL. */
export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Shape of a number as written: every digit but 0 becomes 9 ("1.234,05" → "9.999,09"). Zeros
 * stay because they decide readings ("0.500" is not a grouped 500). Files hold few shapes, so
 * JavaScript classifies each shape once and SQL converts the millions of values.
 */
export const shapeSql = (v: string) =>
  `translate(trim(coalesce(${v}, '')), '12345678', '99999999')`;

/** A list of constants, for `in (…)`. */
export const sqlList = (xs: readonly string[]) => xs.map(sqlString).join(', ');

/**
 * Whether `value` is one of `xs`, as a scalar function: DuckDB rewrites an `in (…)` of many
 * constants into a join, and a join does not keep the rows in file order, which the fast path's
 * line numbers (a row's rowid) depend on.
 */
export const oneOf = (value: string, xs: readonly string[]) =>
  `list_contains([${sqlList(xs)}], ${value})`;
