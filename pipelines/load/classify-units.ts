// Classification of the distinct units a file names: a code read as the unit it named at the
// row's period, or a name through the resolver (among the units under the file's parent when one
// is given); both must agree when both are given. Pure: the index and the successions are plain
// values the caller loads once (pipelines/load/reference.ts).
import type { Resolution, Unit, UnitIndex } from '../normalize/units.ts';

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
): Resolution {
  if (!parentId) return units.resolve({ name, date });
  const below = units.resolve({ name, date, parentId });
  if (below.ok || below.reason === 'ambiguous') return below;
  // the parent's own row, by its own name
  const any = units.resolve({ name, date });
  const self = (any.ok ? [any.unit] : any.candidates).filter((u) => u.unit_id === parentId);
  return self.length === 1 ? { ok: true, unit: self[0] } : below;
}

/** The unit a code named at a date, or the problem with the code. */
function byCode(code: string, readOn: string, rules: UnitRules): Unit | [string, UnitRule] {
  const units = rules.index;
  const found = units.byCodeAt(code, readOn);
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    const list = found.map((u) => `${u.full_name} [${u.unit_id}]`).join(', ');
    return [`code ${code} names ${found.length} units on ${readOn}: ${list}`, 'ambiguous_unit'];
  }
  const other = units.byCodeAt(code, null);
  if (other.length > 0) {
    const history = codeHistory(other, rules.successors);
    return [`code ${code} names no unit on ${readOn}; it named ${history}`, 'dead_code'];
  }
  // spreadsheets drop leading zeros ("01" → 1): say which code was likely meant
  const padded = /^\d+$/.test(code)
    ? [2, 3, 5]
        .filter((w) => w > code.length)
        .flatMap((w) => units.byCodeAt(code.padStart(w, '0'), readOn))
    : [];
  const hint = padded.length
    ? ` (a leading zero lost? ${padded.map((u) => `${u.code} is ${u.full_name}`).join('; ')})`
    : '';
  return [`no unit has code ${code}${hint}`, 'unknown_unit'];
}

/** Reads one (code, name) at its period's day: the unit, or the problem and its column. */
export function classifyUnit(query: UnitQuery, rules: UnitRules): UnitClass {
  const out = (
    unit: Unit | null,
    problem: string | null = null,
    rule: UnitRule | null = null,
    column: UnitClass['column'] = null,
  ): UnitClass => ({
    ...query,
    unitId: unit?.unit_id ?? null,
    code: unit?.code ?? null,
    problem,
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
    const r = resolveName(rules.index, name, readOn, rules.parentUnitId);
    const within = rules.parentUnitId ? ` under ${rules.parentUnitId}` : '';
    if (unit === null) {
      if (!r.ok) {
        const list = r.candidates.map((c) => `${c.full_name} [${c.code}]`).join('; ');
        return r.reason === 'ambiguous'
          ? out(
              null,
              `unit name "${name}" is ambiguous on ${readOn}${within}: ${list}; give unit_code`,
              'ambiguous_unit',
              'unit_name',
            )
          : out(
              null,
              `no unit is named "${name}" on ${readOn}${within}${list ? ` (did you mean ${list}?)` : ''}`,
              'unknown_unit',
              'unit_name',
            );
      }
      unit = r.unit;
    } else {
      // an ambiguous name is fine when the code picks one of its candidates
      const codedId = unit.unit_id;
      const agrees = r.ok
        ? r.unit.unit_id === codedId
        : r.reason === 'ambiguous' && r.candidates.some((c) => c.unit_id === codedId);
      if (!agrees) {
        return out(
          null,
          `unit_code ${code} is ${unit.full_name} on ${readOn}, but unit_name says "${name}"`,
          'unit_mismatch',
          'unit_name',
        );
      }
    }
  }
  if (unit === null) return out(null, 'no unit_code or unit_name', 'unit', 'unit_code');
  if (rules.inScope && !rules.inScope(unit.unit_id)) {
    return out(
      null,
      `${unit.full_name} is outside the units this token may report for`,
      'out_of_scope',
      code ? 'unit_code' : 'unit_name',
    );
  }
  return out(unit);
}

export const classifyUnits = (queries: readonly UnitQuery[], rules: UnitRules): UnitClass[] =>
  queries.map((q) => classifyUnit(q, rules));
