// Unit lists in: the provinces and their 2025 succession shipped in data/units, plain CSV lists
// (code, name, level, parent_code, valid_from, valid_to) and the JSON shape of the public dataset
// of all units. Pure readers: every problem of a list is collected, then thrown at once as a
// RejectedInput; pipelines/load/units.ts saves a list whole or not at all.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { PROJECT_ROOT } from '../db/connect.ts';
import { decode } from '../read/decode.ts';
import {
  NATIONAL,
  unitId,
  validOn,
  LEVELS,
  type FormerName,
  type Level,
  type Unit,
} from '../normalize/units.ts';
import { clean, matchKey } from '../normalize/text.ts';
import { RejectedInput, errorAt, errorsOf, type Problem } from './problems.ts';

export const REFORM_DATE = '2025-07-01';
export const LAST_DAY_BEFORE_REFORM = '2025-06-30';
const PROVINCES_FILE = resolve(PROJECT_ROOT, 'data/units/provinces-2025.csv');
const FORMER_NAMES_FILE = resolve(PROJECT_ROOT, 'data/units/former-names.csv');

/**
 * The names units had before a rename that kept them (data/units/former-names.csv, each line
 * with its source): "Thừa Thiên Huế" until 31/12/2024 is the unit of code 46.
 */
export function formerNames(file = FORMER_NAMES_FILE): FormerName[] {
  const rows = parseCsv(readFileSync(file, 'utf8'), {
    columns: true,
    skip_empty_lines: true,
  }) as Array<Record<string, string>>;
  return rows.map((r) => ({
    level: r.level as Level,
    code: r.code,
    formerName: clean(r.former_full_name),
    validTo: r.valid_to,
    source: r.source,
  }));
}

export interface Succession {
  from_unit_id: string;
  to_unit_id: string;
  effective_on: string;
  kind: 'merge' | 'split' | 'rename' | 'continue';
  source: string;
}

export interface UnitList {
  units: Unit[];
  successions: Succession[];
}

const CITY_CODES_BEFORE = new Set(['01', '31', '48', '79', '92']);

function shortName(fullName: string): string {
  return fullName.replace(/^(Thành phố|Tỉnh)\s+/, '');
}

/** The 63 → 34 provinces of 1/7/2025 with their succession (data/units/provinces-2025.csv). */
export function builtinProvinces(file = PROVINCES_FILE): UnitList {
  const source = `data/units/${basename(file)} (NQ 60-NQ/TW; CV 915/CTK-CSCL)`;
  const rows = parseCsv(readFileSync(file, 'utf8'), {
    columns: true,
    skip_empty_lines: true,
  }) as Array<Record<string, string>>;
  const units = new Map<string, Unit>();
  const successions: Succession[] = [];
  for (const r of rows) {
    const oldId = unitId('province', r.old_code_gso, null);
    const newId = unitId('province', r.new_code_gso, REFORM_DATE);
    units.set(oldId, {
      unit_id: oldId,
      code: r.old_code_gso,
      name: r.old_name,
      full_name: `${CITY_CODES_BEFORE.has(r.old_code_gso) ? 'Thành phố' : 'Tỉnh'} ${r.old_name}`,
      name_en: null,
      level: 'province',
      parent_id: 'VN',
      valid_from: null,
      valid_to: LAST_DAY_BEFORE_REFORM,
      source,
    });
    units.set(newId, {
      unit_id: newId,
      code: r.new_code_gso,
      name: shortName(r.new_name),
      full_name: r.new_name.startsWith('Thành phố') ? r.new_name : `Tỉnh ${r.new_name}`,
      name_en: null,
      level: 'province',
      parent_id: 'VN',
      valid_from: REFORM_DATE,
      valid_to: null,
      source,
    });
    const renamed = matchKey(r.old_name) !== matchKey(shortName(r.new_name));
    successions.push({
      from_unit_id: oldId,
      to_unit_id: newId,
      effective_on: REFORM_DATE,
      kind: r.change === 'merged' ? 'merge' : renamed ? 'rename' : 'continue',
      source,
    });
  }
  return { units: [NATIONAL, ...units.values()], successions };
}

interface DatasetUnit {
  Code: string;
  Name: string;
  NameEn?: string;
  FullName: string;
  District?: Array<DatasetUnit & { Ward?: DatasetUnit[] | null }> | null;
  Wards?: DatasetUnit[] | null;
}

/**
 * The public dataset's JSON: the three-level list (provinces → District → Ward) is the map
 * before the reform (valid to 30/6/2025), the two-level one (provinces → Wards) the map after it
 * (valid from 1/7/2025), unless the caller gives the validity.
 */
export function readDatasetJson(
  text: string,
  file: string,
  validity?: { valid_from: string | null; valid_to: string | null },
): UnitList {
  const problems: Problem[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RejectedInput([
      errorAt(file, null, null, null, 'json', `not JSON: ${(error as Error).message}`),
    ]);
  }
  if (!Array.isArray(data) || data.length === 0) {
    throw new RejectedInput([
      errorAt(file, null, null, null, 'shape', 'expected a non-empty array of provinces'),
    ]);
  }
  const provinces = data as DatasetUnit[];
  const threeLevel = provinces.some((p) => Array.isArray(p.District));
  const { valid_from, valid_to } =
    validity ??
    (threeLevel
      ? { valid_from: null, valid_to: LAST_DAY_BEFORE_REFORM }
      : { valid_from: REFORM_DATE, valid_to: null });
  const source = basename(file);
  const units: Unit[] = [];
  const make = (u: DatasetUnit, level: Level, parent: string, where: string): Unit | null => {
    const missing = (['Code', 'Name', 'FullName'] as const).filter(
      (k) => typeof u?.[k] !== 'string' || u[k].trim() === '',
    );
    if (missing.length > 0) {
      problems.push(
        errorAt(
          file,
          null,
          missing.join(','),
          JSON.stringify(u?.Code ?? null),
          'required',
          `${where}: missing ${missing.join(', ')}`,
        ),
      );
      return null;
    }
    const unit: Unit = {
      unit_id: unitId(level, u.Code.trim(), valid_from),
      code: u.Code.trim(),
      name: clean(u.Name),
      full_name: clean(u.FullName),
      name_en: u.NameEn ? clean(u.NameEn) : null,
      level,
      parent_id: parent,
      valid_from,
      valid_to,
      source,
    };
    units.push(unit);
    return unit;
  };
  provinces.forEach((p, i) => {
    const province = make(p, 'province', 'VN', `[${i}]`);
    if (!province) return;
    if (threeLevel) {
      (p.District ?? []).forEach((d, j) => {
        const district = make(d, 'district', province.unit_id, `[${i}].District[${j}]`);
        if (!district) return;
        (d.Ward ?? []).forEach((w, k) =>
          make(w, 'commune', district.unit_id, `[${i}].District[${j}].Ward[${k}]`),
        );
      });
    } else {
      (p.Wards ?? []).forEach((w, k) => make(w, 'commune', province.unit_id, `[${i}].Wards[${k}]`));
    }
  });
  problems.push(...duplicateIds(units, file));
  if (problems.length > 0) throw new RejectedInput(problems);
  return { units, successions: [] };
}

function duplicateIds(units: Unit[], file: string): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const u of units) {
    if (seen.has(u.unit_id)) {
      problems.push(
        errorAt(file, null, 'code', u.code, 'unique', `unit ${u.unit_id} appears twice`),
      );
    }
    seen.add(u.unit_id);
  }
  return problems;
}

const CSV_COLUMNS = ['code', 'name', 'level', 'parent_code', 'valid_from', 'valid_to'] as const;
const ISO = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A plain CSV list: code, name, level, parent_code, valid_from, valid_to (optional full_name,
 * name_en). A parent code is read as the unit of a higher level that code named when the row's
 * unit came into being, looked up in the file first and then among `known` units.
 */
export function readUnitsCsv(text: string, file: string, known: Unit[]): UnitList {
  const { problems, add: err } = errorsOf(file);
  let records: string[][];
  try {
    records = parseCsv(text, { skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    throw new RejectedInput([errorAt(file, null, null, null, 'csv', (error as Error).message)]);
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (records.length === 0 || missing.length > 0) {
    err(
      1,
      missing.join(','),
      null,
      'header',
      `missing column(s) ${missing.join(', ')}; expected ${CSV_COLUMNS.join(',')}`,
    );
    throw new RejectedInput(problems);
  }
  const col = (r: string[], name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? '' : (r[i] ?? '').trim();
  };
  interface Pending extends Unit {
    parent_code: string;
    row: number;
  }
  const pending: Pending[] = [];
  records.slice(1).forEach((r, i) => {
    const row = i + 2;
    const code = col(r, 'code');
    const name = clean(col(r, 'name'));
    const level = col(r, 'level').toLowerCase() as Level;
    const from = col(r, 'valid_from') || null;
    const to = col(r, 'valid_to') || null;
    const before = problems.length;
    if (!code) err(row, 'code', code, 'required', 'code is empty');
    if (!name) err(row, 'name', name, 'required', 'name is empty');
    if (!LEVELS.includes(level)) {
      err(row, 'level', col(r, 'level'), 'level', `level must be one of ${LEVELS.join(', ')}`);
    }
    for (const [column, value] of [
      ['valid_from', from],
      ['valid_to', to],
    ] as const) {
      if (value !== null && (!ISO.test(value) || Number.isNaN(Date.parse(value)))) {
        err(row, column, value, 'date', 'expected a date YYYY-MM-DD');
      }
    }
    if (problems.length === before && from && to && from > to) {
      err(row, 'valid_to', to, 'interval', `valid_to is before valid_from ${from}`);
    }
    if (problems.length > before) return;
    pending.push({
      unit_id: unitId(level, code, level === 'national' ? null : from),
      code,
      name:
        name.replace(/^(Tỉnh|Thành phố|Quận|Huyện|Thị xã|Xã|Phường|Thị trấn|Đặc khu)\s+/i, '') ||
        name,
      full_name: clean(col(r, 'full_name')) || name,
      name_en: clean(col(r, 'name_en')) || null,
      level,
      parent_id: null,
      valid_from: level === 'national' ? null : from,
      valid_to: to,
      source: basename(file),
      parent_code: col(r, 'parent_code'),
      row,
    });
  });
  const pool = [...pending, ...known];
  for (const u of pending) {
    if (u.level === 'national') continue;
    if (!u.parent_code) {
      if (u.level === 'province') u.parent_id = 'VN';
      else err(u.row, 'parent_code', '', 'required', `a ${u.level} needs a parent_code`);
      continue;
    }
    const depth = LEVELS.indexOf(u.level);
    const parents = pool.filter(
      (p) =>
        p.code === u.parent_code &&
        LEVELS.indexOf(p.level) < depth &&
        (u.valid_from === null ? p.valid_from === null : validOn(p, u.valid_from)),
    );
    // the nearest level wins: a commune's parent is a district before 2025, a province after
    const nearest = Math.max(...parents.map((p) => LEVELS.indexOf(p.level)));
    const best = parents.filter((p) => LEVELS.indexOf(p.level) === nearest);
    if (best.length === 1) u.parent_id = best[0].unit_id;
    else if (best.length === 0)
      err(
        u.row,
        'parent_code',
        u.parent_code,
        'parent',
        `no unit above ${u.level} level has code ${u.parent_code} at ${u.valid_from ?? 'the start'}`,
      );
    else
      err(
        u.row,
        'parent_code',
        u.parent_code,
        'parent',
        `parent code ${u.parent_code} is ambiguous: ${best.map((b) => b.unit_id).join(', ')}`,
      );
  }
  const units: Unit[] = pending.map(({ parent_code: _p, row: _r, ...unit }) => unit);
  problems.push(...duplicateIds(units, file));
  if (problems.length > 0) throw new RejectedInput(problems);
  return { units, successions: [] };
}

/** Reads a unit list file of either shape. */
export function readUnitList(path: string, known: Unit[]): UnitList {
  const { text } = decode(readFileSync(path));
  const file = basename(path);
  return text.trimStart().startsWith('[') || text.trimStart().startsWith('{')
    ? readDatasetJson(text, file)
    : readUnitsCsv(text, file, known);
}
