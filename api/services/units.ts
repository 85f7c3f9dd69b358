// Units as of a date: a flat tree under a root, and one unit with its breadcrumbs, its children
// and its place in the 2025 reform (predecessors and successors from unit_succession).
import type { Database } from '../../pipelines/db/connect.ts';
import {
  LEVELS,
  validOn,
  type Level,
  type Unit,
  type UnitIndex,
} from '../../pipelines/normalize/units.ts';
import { findUnit, LookupError } from '../../pipelines/normalize/lookup.ts';
import { badRequest } from '../errors.ts';
import type { UnitResponse, UnitRow, UnitsQuery, UnitsResponse } from '../schemas/units.ts';
import { today, unitRef } from './common.ts';

// units in existence on $d, each with the number of its children in existence on $d
const AT_DATE = `
  with live as (
    select * from core.units
    where (valid_from is null or valid_from <= $d::date) and (valid_to is null or valid_to >= $d::date)
  )
  select u.unit_id, u.code, u.name, u.full_name, u.name_en, u.level, u.parent_id,
         strftime(u.valid_from, '%Y-%m-%d') valid_from, strftime(u.valid_to, '%Y-%m-%d') valid_to,
         (select count(*) from live c where c.parent_id = u.unit_id)::integer children
  from live u`;

const rank = (level: Level) => LEVELS.indexOf(level);

function notAt(unitId: string, date: string, from: string | null, to: string | null) {
  return new LookupError(
    'UNKNOWN_UNIT',
    `unit ${unitId} did not exist on ${date} (${from ?? '…'} – ${to ?? 'now'})`,
  );
}

/** The root and its descendants in existence at `as_of`, down to `level`. */
export async function listUnits(
  db: Database,
  units: UnitIndex,
  params: UnitsQuery,
): Promise<UnitsResponse> {
  const asOf = params.as_of ?? today();
  const root = findUnit(units, params.parent ?? 'VN', asOf);
  if (!validOn(root, asOf)) throw notAt(root.unit_id, asOf, root.valid_from, root.valid_to);
  const rows = await db.all<UnitRow>(`${AT_DATE} order by u.code, u.unit_id`, { d: asOf });
  const byParent = new Map<string, UnitRow[]>();
  for (const row of rows) {
    if (row.parent_id === null) continue;
    const siblings = byParent.get(row.parent_id);
    if (siblings) siblings.push(row);
    else byParent.set(row.parent_id, [row]);
  }
  const top = rows.find((r) => r.unit_id === root.unit_id);
  if (!top) throw notAt(root.unit_id, asOf, root.valid_from, root.valid_to);
  const below = byParent.get(root.unit_id) ?? [];
  const deepest =
    params.level ?? (below.length ? below[0].level : LEVELS[Math.min(rank(root.level) + 1, 3)]);
  if (rank(deepest) < rank(root.level)) {
    throw badRequest(
      'INVALID_REQUEST',
      `level ${deepest} is above ${root.unit_id}, a ${root.level}`,
    );
  }
  const out: UnitRow[] = [];
  const walk = (row: UnitRow) => {
    out.push(row);
    if (rank(row.level) >= rank(deepest)) return;
    for (const child of byParent.get(row.unit_id) ?? []) walk(child);
  };
  walk(top);
  // by level; within a level by parent, then code (the walk keeps the query's order)
  out.sort((a, b) => rank(a.level) - rank(b.level));
  return { as_of: asOf, root: root.unit_id, level: deepest, units: out };
}

/** One unit: its breadcrumbs, its children at `as_of` (or its last day) and its succession. */
/** The day a unit's children are listed at: `asOf`, or the unit's last day when it has ended. */
export const childrenDate = (unit: Unit, asOf: string): string =>
  unit.valid_to !== null && unit.valid_to < asOf ? unit.valid_to : asOf;

export async function unitDetail(
  db: Database,
  units: UnitIndex,
  params: { unit: string; as_of?: string },
): Promise<UnitResponse> {
  const asOf = params.as_of ?? today();
  const unit = findUnit(units, params.unit, asOf);
  const childrenAsOf = childrenDate(unit, asOf);
  const ancestors = [];
  for (let p = unit.parent_id ? units.get(unit.parent_id) : undefined; p;) {
    ancestors.unshift(unitRef(p));
    p = p.parent_id ? units.get(p.parent_id) : undefined;
  }
  const children = await db.all<UnitRow>(
    `${AT_DATE} where u.parent_id = $id order by u.code, u.unit_id`,
    { d: childrenAsOf, id: unit.unit_id },
  );
  type Link = UnitResponse['predecessors'][number];
  const links = await db.all<Link & { direction: 'from' | 'to' }>(
    `select case when s.to_unit_id = $id then 'from' else 'to' end direction,
            u.unit_id, u.code, u.full_name as name, u.level,
            strftime(u.valid_from, '%Y-%m-%d') valid_from, strftime(u.valid_to, '%Y-%m-%d') valid_to,
            strftime(s.effective_on, '%Y-%m-%d') effective_on, s.kind
     from unit_succession s
     join core.units u on u.unit_id = case when s.to_unit_id = $id then s.from_unit_id else s.to_unit_id end
     where s.to_unit_id = $id or s.from_unit_id = $id
     order by s.effective_on, u.code, u.unit_id`,
    { id: unit.unit_id },
  );
  const strip = ({ direction: _d, ...link }: Link & { direction: string }) => link;
  return {
    unit: {
      unit_id: unit.unit_id,
      code: unit.code,
      name: unit.name,
      full_name: unit.full_name,
      name_en: unit.name_en,
      level: unit.level,
      parent_id: unit.parent_id,
      valid_from: unit.valid_from,
      valid_to: unit.valid_to,
      source: unit.source,
    },
    as_of: asOf,
    children_as_of: childrenAsOf,
    ancestors,
    children,
    predecessors: links.filter((l) => l.direction === 'from').map(strip),
    successors: links.filter((l) => l.direction === 'to').map(strip),
  };
}
