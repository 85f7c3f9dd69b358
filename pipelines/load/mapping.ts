// The mapping file an officer keeps for the columns no synonym or label covers (`--mapping`):
// YAML or JSON, either `{columns: {header: target}}` or the bare `{header: target}`, a target
// being a metric id or unit_name (unit), unit_code, period, note, ignore. And `--skip-rows` lists.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ColumnMapping } from './report.ts';

export class MappingError extends Error {}

/** Reads a mapping from its text (YAML is a superset of JSON). */
export function parseMapping(text: string, name = 'the mapping'): ColumnMapping {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new MappingError(`${name} is not YAML or JSON: ${(error as Error).message}`);
  }
  const body =
    data !== null && typeof data === 'object' && 'columns' in data
      ? (data as { columns: unknown }).columns
      : data;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new MappingError(`${name} must map column headers to targets ({"Header": "metric_id"})`);
  }
  const out: ColumnMapping = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v !== 'string' || v.trim() === '') {
      throw new MappingError(`${name}: "${k}" must map to a metric id or unit, period, ignore …`);
    }
    out[k.normalize('NFC')] = v.trim();
  }
  return out;
}

export function readMapping(path: string): ColumnMapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new MappingError(`cannot read the mapping file ${path}`);
  }
  return parseMapping(text, path);
}

/** "1,2,5-7" → [1, 2, 5, 6, 7]. */
export function parseRowList(text: string): number[] {
  const rows: number[] = [];
  for (const item of text.split(',').map((s) => s.trim())) {
    const m = /^(\d+)(?:\s*[-–]\s*(\d+))?$/.exec(item);
    const from = m ? Number(m[1]) : 0;
    const to = m?.[2] ? Number(m[2]) : from;
    if (!m || from < 1 || to < from || to - from > 100_000) {
      throw new MappingError(`invalid --skip-rows: ${text} (row numbers and ranges: 1,2,5-7)`);
    }
    for (let r = from; r <= to; r++) rows.push(r);
  }
  return rows;
}
