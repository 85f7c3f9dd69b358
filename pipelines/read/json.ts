// JSON arrays of long records ({unit_code, period, metric, value, …}) become a staged CSV, so one
// path validates every format. A problem's row is the record's number (the first record is 1).
// Nesting is measured before JSON.parse, whose recursion a file 100,000 levels deep overflows.
import { intSetting } from './setting.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorsOf, type Problem } from '../load/problems.ts';
import type { Note } from '../load/report.ts';
import { decode, DecodeError, type Encoding } from './decode.ts';
import type { Sniffed } from './sniff.ts';
import { StagedCsv } from './staged.ts';

export const JSON_FIELDS = [
  'unit_code',
  'unit_name',
  'period',
  'metric',
  'value',
  'reported_at',
  'note',
] as const;

/** Records are two levels deep ([{…}]); anything past this is not figures. CHITIEU_JSON_MAX_DEPTH. */
export function jsonMaxDepth(env: NodeJS.ProcessEnv = process.env): number {
  return intSetting(env, 'CHITIEU_JSON_MAX_DEPTH', 64, 2);
}

/**
 * Where the text first nests deeper than `max` ([ and { outside strings), or -1. One pass over the
 * characters, no allocation: it runs before JSON.parse, on text that may not even be JSON.
 */
export function nestingPast(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

export interface ReadResult {
  parts: Sniffed[];
  problems: Problem[];
  encoding: Encoding;
  /** what reading skipped or decided (rows of a form, hidden sheets) */
  notes?: Note[];
  /** total rows that disagree with their rows */
  warnings?: Problem[];
}

export function readJson(
  path: string,
  file: string,
  workDir: string,
  encoding?: Encoding,
  maxDepth: number = jsonMaxDepth(),
): ReadResult {
  const { problems, add: problem } = errorsOf(file);
  let data: unknown;
  let used: Encoding = encoding ?? 'utf-8';
  try {
    const decoded = decode(readFileSync(path), encoding);
    used = decoded.encoding;
    if (decoded.text.trim() === '') {
      problem(null, null, null, 'empty_file', 'the file is empty');
      return { parts: [], problems, encoding: used };
    }
    const past = nestingPast(decoded.text, maxDepth);
    if (past >= 0) {
      problem(
        null,
        null,
        null,
        'too_deep',
        `JSON lồng quá ${maxDepth} cấp (ký tự ${past + 1}) / JSON nested deeper than ${maxDepth} levels (character ${past + 1}; CHITIEU_JSON_MAX_DEPTH): figures are an array of flat records`,
      );
      return { parts: [], problems, encoding: used };
    }
    data = JSON.parse(decoded.text);
  } catch (error) {
    if (error instanceof DecodeError) problem(null, null, null, error.rule, error.message);
    else problem(null, null, null, 'json', `not JSON: ${(error as Error).message}`);
    return { parts: [], problems, encoding: used };
  }
  if (!Array.isArray(data)) {
    problem(
      null,
      null,
      null,
      'json',
      `expected an array of records ({"unit_code", "period", "metric", "value"}), found ${data === null ? 'null' : typeof data}`,
    );
    return { parts: [], problems, encoding: used };
  }
  const staged = new StagedCsv([...JSON_FIELDS]);
  data.forEach((record: unknown, i) => {
    const row = i + 1;
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      problem(row, null, JSON.stringify(record), 'json', `record ${row} is not an object`);
      return;
    }
    const fields = record as Record<string, unknown>;
    const before = problems.length;
    for (const key of Object.keys(fields)) {
      if (!(JSON_FIELDS as readonly string[]).includes(key)) {
        problem(
          row,
          key,
          null,
          'header',
          `unknown field ${key} (expected ${JSON_FIELDS.join(', ')})`,
        );
      }
    }
    for (const key of ['period', 'metric', 'value']) {
      if (!(key in fields)) {
        problem(
          row,
          key,
          null,
          'required',
          `record ${row} has no ${key} (use null for a missing value)`,
        );
      }
    }
    if (!('unit_code' in fields) && !('unit_name' in fields)) {
      problem(
        row,
        'unit_code',
        null,
        'required',
        `record ${row} has neither unit_code nor unit_name`,
      );
    }
    const values = JSON_FIELDS.map((key) => {
      const v = fields[key];
      if (v === null || v === undefined) return null;
      if (typeof v === 'string') return v.normalize('NFC');
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
      problem(row, key, JSON.stringify(v), 'json', `${key} must be a string, a number or null`);
      return null;
    });
    if (problems.length === before) staged.add(row, values);
  });
  if (problems.length > 0) return { parts: [], problems, encoding: used };
  return {
    parts: [staged.write(join(workDir, 'records.csv'), file, null, false)],
    problems,
    encoding: used,
  };
}
