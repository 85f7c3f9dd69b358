// JSON exported by another system's API: the records sit under a path (`data.items`) and their
// keys are that system's (`ten_don_vi`, `so_ho_so`), mapped by the same column plan as a sheet's
// header (synonyms, metric labels, `--mapping`). A record's nested object is read as dotted keys
// ("don_vi.ten"); the staged rows are numbered by the record (the first is 1).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorsOf } from '../load/problems.ts';
import { decode, DecodeError, type Encoding } from './decode.ts';
import { jsonMaxDepth, nestingPast, type ReadResult } from './json.ts';
import { StagedCsv } from './staged.ts';

type Flat = Map<string, string | null>;

/** A record's fields, nested objects as dotted keys; a list or a boolean is a problem. */
function flatten(record: Record<string, unknown>, prefix: string, out: Flat, bad: string[]) {
  for (const [key, v] of Object.entries(record)) {
    const name = prefix + key.normalize('NFC');
    if (v === null || v === undefined) out.set(name, null);
    else if (typeof v === 'string') out.set(name, v.normalize('NFC'));
    else if (typeof v === 'number' && Number.isFinite(v)) out.set(name, String(v));
    else if (typeof v === 'object' && !Array.isArray(v))
      flatten(v as Record<string, unknown>, `${name}.`, out, bad);
    else bad.push(name);
  }
}

export function readJsonRecords(
  path: string,
  file: string,
  workDir: string,
  encoding: Encoding | undefined,
  recordPath: string | undefined,
  maxDepth: number = jsonMaxDepth(),
): ReadResult {
  const { problems, add } = errorsOf(file);
  let used: Encoding = encoding ?? 'utf-8';
  let data: unknown;
  try {
    const decoded = decode(readFileSync(path), encoding);
    used = decoded.encoding;
    const past = nestingPast(decoded.text, maxDepth);
    if (past >= 0) {
      add(null, null, null, 'too_deep', {
        en: `JSON nested deeper than ${maxDepth} levels (character ${past + 1}; CHITIEU_JSON_MAX_DEPTH)`,
        vi: `JSON lồng quá ${maxDepth} cấp (ký tự ${past + 1})`,
      });
      return { parts: [], problems, encoding: used };
    }
    data = JSON.parse(decoded.text);
  } catch (error) {
    if (error instanceof DecodeError) add(null, null, null, error.rule, error.message);
    else
      add(null, null, null, 'json', {
        en: `not JSON: ${(error as Error).message}`,
        vi: `Không phải JSON: ${(error as Error).message}`,
      });
    return { parts: [], problems, encoding: used };
  }
  const steps = recordPath ? recordPath.split('.').filter((k) => k !== '') : [];
  let at: unknown = data;
  for (const [i, key] of steps.entries()) {
    const here = steps.slice(0, i + 1).join('.');
    if (at === null || typeof at !== 'object' || !(key in (at as object))) {
      const keys =
        at !== null && typeof at === 'object' && !Array.isArray(at)
          ? Object.keys(at).join(', ')
          : '';
      add(null, null, here, 'record_path', {
        en: `--record-path ${recordPath}: there is no "${here}"${keys ? ` (keys there: ${keys})` : ''}`,
        vi: `--record-path ${recordPath}: không có "${here}"${keys ? ` (các khóa ở đó: ${keys})` : ''}`,
      });
      return { parts: [], problems, encoding: used };
    }
    at = (at as Record<string, unknown>)[key];
  }
  if (!Array.isArray(at)) {
    add(null, null, recordPath ?? null, 'record_path', {
      en: `${recordPath ? `"${recordPath}"` : 'the file'} is not an array of records: give --record-path to the list (data.items …)`,
      vi: `${recordPath ? `"${recordPath}"` : 'Tệp'} không phải danh sách bản ghi: dùng --record-path chỉ tới danh sách (data.items …)`,
    });
    return { parts: [], problems, encoding: used };
  }
  const records: Flat[] = [];
  const keys: string[] = [];
  at.forEach((record: unknown, i) => {
    const flat: Flat = new Map();
    const bad: string[] = [];
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      add(i + 1, null, JSON.stringify(record), 'json', {
        en: `record ${i + 1} is not an object`,
        vi: `Bản ghi ${i + 1} không phải một đối tượng`,
      });
    } else flatten(record as Record<string, unknown>, '', flat, bad);
    for (const key of bad) {
      add(i + 1, key, null, 'json', {
        en: `${key} must be a string, a number or null`,
        vi: `${key} phải là chuỗi, số hoặc null`,
      });
    }
    for (const key of flat.keys()) if (!keys.includes(key)) keys.push(key);
    records.push(flat);
  });
  if (problems.length > 0) return { parts: [], problems, encoding: used };
  if (records.length === 0) {
    add(null, null, null, 'no_rows', { en: 'no records', vi: 'Không có bản ghi nào' });
    return { parts: [], problems, encoding: used };
  }
  const staged = new StagedCsv(keys);
  records.forEach((r, i) =>
    staged.add(
      i + 1,
      keys.map((k) => r.get(k) ?? null),
    ),
  );
  return {
    parts: [staged.write(join(workDir, 'records.csv'), file, null, false)],
    problems,
    encoding: used,
  };
}
