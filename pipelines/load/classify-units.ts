// Classification of the distinct units a file names: a code read as the unit it named at the
// row's period, or a name through the resolver (among the units under the file's parent when one
// is given); both must agree when both are given. Pure: the index and the successions are plain
// values the caller loads once (pipelines/load/reference.ts).
import type { Level, Resolution, Unit, UnitIndex } from '../normalize/units.ts';
import type { Bilingual } from './problems.ts';
import { LEVEL_VI, namesInContext, type ContextNote } from './unit-names.ts';

/** What became of a retired unit: merged, split, renamed or continued as another. */
export interface Successor {
  kind: string;
  /** the day it took effect (ISO) */
  on: string;
  name: string;
  code: string;
}

export interface UnitRules {
  index: UnitIndex;
  /** by the retired unit's id */
  successors: ReadonlyMap<string, readonly Successor[]>;
  /** names are looked for among this unit and the units under it */
  parentUnitId?: string;
  /** the units a reporter's token may send figures for (null: any) */
  inScope: ((unitId: string) => boolean) | null;
  /** names are read at this level only (`--level`) */
  level?: Level;
  /** what the file's context decided, for the report (filled by classifyUnits) */
  notes?: ContextNote[];
}

/** One distinct (unit_code, unit_name) of a file, at the day its period reads units on. */
export interface UnitQuery {
  unitCode: string | null;
  unitName: string | null;
  readOn: string | null;
}

export type UnitRule =
  'ambiguous_unit' | 'unknown_unit' | 'dead_code' | 'unit_mismatch' | 'unit' | 'out_of_scope';

export interface UnitClass extends UnitQuery {
  unitId: string | null;
  code: string | null;
  problem: string | null;
  /** the problem in Vietnamese */
  problemVi: string | null;
  rule: UnitRule | null;
  /** the column a problem is reported on */
  column: 'unit_code' | 'unit_name' | null;
}

/** A test of "is this unit under one of these roots" (a reporter's scope). */
export function underAny(index: UnitIndex, roots: readonly string[]): (unitId: string) => boolean {
  return (unitId) => roots.some((root) => index.isUnder(unitId, root));
}

const VERBS: Record<string, string> = {
  merge: 'merged into',
  split: 'split into',
  rename: 'renamed',
};

/** What a retired or not-yet-valid code named, and what became of it. */
export function codeHistory(
  units: readonly Unit[],
  successors: ReadonlyMap<string, readonly Successor[]>,
): string {
  return units
    .map((u) => {
      if (u.valid_to !== null) {
        const next = (successors.get(u.unit_id) ?? []).map(
          (s) => `${VERBS[s.kind] ?? 'continued as'} ${s.name} (code ${s.code}) on ${s.on}`,
        );
        return `${u.full_name} until ${u.valid_to}${next.length ? `, ${next.join(', ')}` : ''}`;
      }
      return `${u.full_name} from ${u.valid_from}`;
    })
    .join('; ');
}

/** A unit by name at a date: among the parent and the units under it, when a parent is given. */
function resolveName(
  units: UnitIndex,
  name: string,
  date: string | null,
  parentId: string | undefined,
  level: Level | undefined,
): Resolution {
  if (!parentId) return units.resolve({ name, date, level });
  const below = units.resolve({ name, date, parentId, level });
  if (below.ok || below.reason === 'ambiguous') return below;
  // the parent's own row, by its own name
  const any = units.resolve({ name, date, level });
  const self = (any.ok ? [any.unit] : any.candidates).filter((u) => u.unit_id === parentId);
  return self.length === 1 ? { ok: true, unit: self[0] } : below;
}

type CodeProblem = [Bilingual, UnitRule];

/** The unit a code named at a date, or the problem with the code. */
function byCode(code: string, readOn: string, rules: UnitRules): Unit | CodeProblem {
  const units = rules.index;
  // a code names one unit a day, but for the few codes two levels share: --level picks then
  const all = units.byCodeAt(code, readOn);
  const leveled = rules.level ? all.filter((u) => u.level === rules.level) : [];
  const found = leveled.length > 0 ? leveled : all;
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    const list = found.map((u) => `${u.full_name} [${u.unit_id}]`).join(', ');
    return [
      {
        en: `code ${code} names ${found.length} units on ${readOn}: ${list}; give --level`,
        vi: `mã ${code} ứng với ${found.length} đơn vị vào ngày ${readOn}: ${list}; hãy dùng --level`,
      },
      'ambiguous_unit',
    ];
  }
  const other = units.byCodeAt(code, null);
  if (other.length > 0) {
    const history = codeHistory(other, rules.successors);
    return [
      {
        en: `code ${code} names no unit on ${readOn}; it named ${history}`,
        vi: `mã ${code} không ứng với đơn vị nào vào ngày ${readOn}; trước đây là ${history}`,
      },
      'dead_code',
    ];
  }
  // spreadsheets drop leading zeros ("01" → 1): say which code was likely meant
  const padded = /^\d+$/.test(code)
    ? [2, 3, 5]
        .filter((w) => w > code.length)
        .flatMap((w) => units.byCodeAt(code.padStart(w, '0'), readOn))
    : [];
  const hint = padded.map((u) => `${u.code} is ${u.full_name}`).join('; ');
  const hintVi = padded.map((u) => `${u.code} là ${u.full_name}`).join('; ');
  return [
    {
      en: `no unit has code ${code}${hint ? ` (a leading zero lost? ${hint})` : ''}`,
      vi: `không có đơn vị nào mang mã ${code}${hintVi ? ` (mất số 0 ở đầu? ${hintVi})` : ''}`,
    },
    'unknown_unit',
  ];
}

/** Reads one (code, name) at its period's day: the unit, or the problem and its column. */
export function classifyUnit(query: UnitQuery, rules: UnitRules): UnitClass {
  const out = (
    unit: Unit | null,
    problem: Bilingual | null = null,
    rule: UnitRule | null = null,
    column: UnitClass['column'] = null,
  ): UnitClass => ({
    ...query,
    unitId: unit?.unit_id ?? null,
    code: unit?.code ?? null,
    problem: problem?.en ?? null,
    problemVi: problem?.vi ?? null,
    rule,
    column,
  });
  const code = query.unitCode?.trim() || null;
  const name = query.unitName?.trim() || null;
  const readOn = query.readOn;
  if (readOn === null) return out(null); // the period's own problem is reported
  let unit: Unit | null = null;
  if (code !== null) {
    const found = byCode(code, readOn, rules);
    if (Array.isArray(found)) return out(null, found[0], found[1], 'unit_code');
    unit = found;
  }
  if (name !== null) {
    const r = resolveName(rules.index, name, readOn, rules.parentUnitId, rules.level);
    if (unit === null) {
      if (!r.ok) {
        const words = namesInContext(rules, name, readOn, r);
        return out(
          null,
          words,
          r.reason === 'ambiguous' ? 'ambiguous_unit' : 'unknown_unit',
          'unit_name',
        );
      }
      unit = r.unit;
      if (r.former) {
        rules.notes?.push({
          rule: 'former_name',
          message: `"${name}" read as ${unit.full_name} (code ${unit.code}): its name until ${r.former.validTo} (${r.former.source})`,
          vi: `"${name}" được hiểu là ${unit.full_name} (mã ${unit.code}): tên gọi đến hết ngày ${r.former.validTo}`,
        });
      }
    } else {
      // an ambiguous name is fine when the code picks one of its candidates
      const codedId = unit.unit_id;
      const agrees = r.ok
        ? r.unit.unit_id === codedId
        : r.reason === 'ambiguous' && r.candidates.some((c) => c.unit_id === codedId);
      if (!agrees) {
        return out(
          null,
          {
            en: `unit_code ${code} is ${unit.full_name} on ${readOn}, but unit_name says "${name}"`,
            vi: `mã ${code} là ${unit.full_name} vào ngày ${readOn}, nhưng tên đơn vị ghi "${name}"`,
          },
          'unit_mismatch',
          'unit_name',
        );
      }
    }
  }
  if (unit === null) {
    return out(
      null,
      {
        en: 'no unit_code or unit_name',
        vi: 'thiếu mã đơn vị (unit_code) hoặc tên đơn vị (unit_name)',
      },
      'unit',
      'unit_code',
    );
  }
  if (rules.inScope && !rules.inScope(unit.unit_id)) {
    return out(
      null,
      {
        en: `${unit.full_name} is outside the units this token may report for`,
        vi: `${unit.full_name} nằm ngoài phạm vi đơn vị mà tài khoản này được báo cáo`,
      },
      'out_of_scope',
      code ? 'unit_code' : 'unit_name',
    );
  }
  return out(unit);
}

/**
 * Every distinct unit of a file, read in the file's context: a name ambiguous on its own
 * ("Khánh Hoà": the province and five communes) is read at the level every other unit of the
 * file has, when they share one and `--level` was not given, and the report says so.
 */
export function classifyUnits(queries: readonly UnitQuery[], rules: UnitRules): UnitClass[] {
  const first = queries.map((q) => classifyUnit(q, rules));
  if (rules.level) return first;
  const levels = new Set(
    first.flatMap((c) => (c.unitId ? [rules.index.get(c.unitId)?.level] : [])),
  );
  if (levels.size !== 1) return first;
  const [level] = levels as Set<Level>;
  const decided = new Set<string>();
  return first.map((c, i) => {
    if (c.rule !== 'ambiguous_unit' || c.column !== 'unit_name') return c;
    const again = classifyUnit(queries[i], { ...rules, level, notes: undefined });
    if (again.unitId === null) return c;
    const unit = rules.index.get(again.unitId) as Unit;
    const name = (queries[i].unitName ?? '').trim();
    if (!decided.has(name)) {
      decided.add(name);
      rules.notes?.push({
        rule: 'unit_by_context',
        message: `"${name}" read as ${unit.full_name}: the file's other rows name ${level} units (the name alone also fits units of other levels; give unit_code or --level to say otherwise)`,
        vi: `"${name}" được hiểu là ${unit.full_name}: các dòng khác của tệp đều là đơn vị ${LEVEL_VI[level]} (tên này còn trùng với đơn vị cấp khác; ghi mã đơn vị hoặc dùng --level nếu muốn khác)`,
      });
    }
    return again;
  });
}
