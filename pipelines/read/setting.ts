// A whole-number setting from the environment (CHITIEU_XLSX_MAX_CELLS, CHITIEU_READ_TIMEOUT_S …):
// its default when unset or empty, an error naming it when it is not a whole number of at least
// `min` (a mistyped limit must stop the command or the server, never be read as no limit).
export function intSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min = 1,
): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`invalid ${name}: ${text}`);
  return n;
}
