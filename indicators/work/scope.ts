// Which plans a planner may record progress for: the plans its unit issued and those of the units
// under it, and — across the 2025 reform — those of the units its unit continues (merged or
// renamed into it, at any remove; a unit split among several is nobody's alone), the rule that
// reporters' uploads follow (pipelines/load/reference.ts). A plan whose own unit is not in the
// database (a district's or commune's plan before their lists are imported) is placed by the
// nearest plan it derives from that has one: that only ever asks for a wider scope, never less.
import type { Database } from '../../pipelines/db/connect.ts';
import type { Unit, UnitIndex } from '../../pipelines/normalize/units.ts';
import { continuedUnits } from '../../pipelines/load/units.ts';
import { planDate } from '../store.ts';

/** Where a plan sits among the units, and from when changes to its items may date. */
export interface PlanPlace {
  plan_id: string;
  /** the issue date, else the first day of the year its date text names; null: unknown */
  date: string | null;
  unit_code: string;
  /** the unit the plan's code named when it was issued; null when it is not in the database */
  unit_id: string | null;
  /** the unit that places it: its own, else that of the nearest ancestor plan that has one */
  placed_at: string | null;
  /** the ancestor plan that placed it, when its own unit is unknown */
  via: string | null;
}

export async function planPlaces(db: Database): Promise<Map<string, PlanPlace>> {
  const plans = await db.all<{
    plan_id: string;
    unit_code: string;
    unit_id: string | null;
    parent_plan_id: string | null;
    issued_on: string | null;
    issued_on_text: string | null;
  }>(
    `select plan_id, unit_code, unit_id, parent_plan_id, strftime(issued_on, '%Y-%m-%d') issued_on,
       issued_on_text
     from core.plans`,
  );
  const byId = new Map(plans.map((p) => [p.plan_id, p]));
  const places = new Map<string, PlanPlace>();
  for (const plan of plans) {
    let at: (typeof plans)[number] | undefined = plan;
    const seen = new Set<string>();
    while (at && at.unit_id === null && at.parent_plan_id && !seen.has(at.plan_id)) {
      seen.add(at.plan_id);
      at = byId.get(at.parent_plan_id);
    }
    const placed = at?.unit_id ?? null;
    places.set(plan.plan_id, {
      plan_id: plan.plan_id,
      date: planDate(plan),
      unit_code: plan.unit_code,
      unit_id: plan.unit_id,
      placed_at: placed,
      via: placed !== null && at && at !== plan ? at.plan_id : null,
    });
  }
  return places;
}

export interface PlannerScope {
  unit: Unit;
  /** the unit and the units it continues: a plan placed under any of them is in scope */
  roots: Unit[];
  covers(place: PlanPlace): boolean;
  /** "Tỉnh An Giang (p91@2025-07-01) and the units under it; before 1/7/2025 also …" */
  describe(): string;
}

/** The scope of a planner whose token names `unit` (resolved by the caller at today's date). */
export async function plannerScope(
  db: Database,
  index: UnitIndex,
  unit: Unit,
): Promise<PlannerScope> {
  const ids = await continuedUnits(db, unit.unit_id);
  const roots = [
    unit,
    ...ids
      .map((id) => index.get(id))
      .filter((u): u is Unit => u !== undefined && u.unit_id !== unit.unit_id),
  ];
  const name = (u: Unit) => `${u.full_name} (${u.unit_id})`;
  return {
    unit,
    roots,
    covers: (place) =>
      place.placed_at !== null && roots.some((r) => index.isUnder(place.placed_at!, r.unit_id)),
    describe: () =>
      `plans of ${name(unit)} and of the units under it` +
      (roots.length > 1
        ? `, and of the units it continues: ${roots.slice(1).map(name).join(', ')}`
        : ''),
  };
}

/** Why a plan is outside a scope, for the 403 and the bulk file's problems. */
export function outOfScope(place: PlanPlace, scope: PlannerScope): string {
  const where =
    place.unit_id !== null
      ? `unit ${place.unit_id}`
      : place.placed_at !== null
        ? `unit code ${place.unit_code}, not in the database; placed by plan ${place.via} under ${place.placed_at}`
        : `unit code ${place.unit_code}, not in the database`;
  return `plan ${place.plan_id} (${where}) is outside this token's scope: ${scope.describe()}`;
}
