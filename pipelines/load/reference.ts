// The reference data an ingest classifies against, read from the database once per ingest: the
// catalogue's metrics, the numerator/denominator pairs, and the units (index, successions, a
// reporter's scope). The unit index of ~14,000 units takes half a second to build, so it is built
// on first use only: a clean file of unit codes never needs it.
import { listValue } from '@duckdb/node-api';
import type { Database } from '../db/connect.ts';
import type { Level } from '../normalize/units.ts';
import type { MetricRef } from './classify.ts';
import { underAny, type Successor, type UnitRules } from './classify-units.ts';
import type { ContextNote } from './unit-names.ts';
import { continuedUnits, unitIndex } from './units.ts';

/** An indicator that is a ratio: its numerator must not be above its denominator. */
export interface Ratio {
  indicator_id: string;
  numerator: string;
  denominator: string;
}

export interface Reference {
  metrics: MetricRef[];
  /** the unit rules of this ingest (its parent and scope), built on first call */
  unitRules(): Promise<UnitRules>;
  /** whether a unit may be reported by this ingest's token (null: no scope) */
  scope(): Promise<((unitId: string) => boolean) | null>;
  /** the ratio indicators whose two metrics are both among `metrics` */
  ratiosAmong(metrics: readonly string[]): Promise<Ratio[]>;
  /** what the file's context decided about its unit names (the report's notes) */
  notes: ContextNote[];
}

export interface ReferenceOptions {
  scopeUnitId?: string;
  parentUnitId?: string;
  /** `--level`: unit names are read at this level */
  level?: Level;
}

const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | null = null;
  return () => (value ??= load());
};

export async function loadReference(db: Database, options: ReferenceOptions): Promise<Reference> {
  const metrics = await db.all<MetricRef>('select metric_id, name_vi from core.metrics');
  const index = once(() => unitIndex(db));
  const notes: ContextNote[] = [];
  const scope = once(async () => {
    if (!options.scopeUnitId) return null;
    // its unit and the units it continues: their history is now its own
    const roots = await continuedUnits(db, options.scopeUnitId);
    return underAny(await index(), roots);
  });
  const unitRules = once(async (): Promise<UnitRules> => {
    const successors = new Map<string, Successor[]>();
    const rows = await db.all<Successor & { from_unit_id: string }>(
      `select s.from_unit_id, s.kind, strftime(s.effective_on, '%Y-%m-%d') as on,
         u.full_name as name, u.code
       from core.unit_succession s join core.units u on u.unit_id = s.to_unit_id
       order by s.from_unit_id, u.code`,
    );
    for (const { from_unit_id, ...s } of rows) {
      successors.set(from_unit_id, [...(successors.get(from_unit_id) ?? []), s]);
    }
    return {
      index: await index(),
      successors,
      parentUnitId: options.parentUnitId,
      inScope: await scope(),
      level: options.level,
      notes,
    };
  });
  return {
    metrics,
    notes,
    unitRules,
    scope,
    ratiosAmong: async (used) =>
      used.length === 0
        ? []
        : db.all<Ratio>(
            `select indicator_id, numerator, denominator from core.indicators
             where denominator is not null and list_contains($used, numerator)
               and list_contains($used, denominator)`,
            { used: listValue([...used]) },
          ),
  };
}
