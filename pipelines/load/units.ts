// Units in the database: a unit list (pipelines/load/unit-lists.ts reads them) saved whole or not
// at all, and every unit read back. The readers are re-exported here, where callers import them.
import type { Database } from '../db/connect.ts';
import { UnitIndex, type Unit } from '../normalize/units.ts';
import { formerNames, type UnitList } from './unit-lists.ts';

export {
  builtinProvinces,
  formerNames,
  LAST_DAY_BEFORE_REFORM,
  readDatasetJson,
  readUnitList,
  readUnitsCsv,
  REFORM_DATE,
  type Succession,
  type UnitList,
} from './unit-lists.ts';

export interface UnitLoadSummary {
  inserted: number;
  updated: number;
  unchanged: number;
  successions: number;
}

const UNIT_COLUMNS = [
  'unit_id',
  'code',
  'name',
  'full_name',
  'name_en',
  'level',
  'parent_id',
  'valid_from',
  'valid_to',
  'source',
] as const;

/**
 * Writes units and successions in one transaction. `overwrite`: an existing unit takes the
 * list's names and validity (an import); otherwise existing units are left as they are (init).
 */
export async function saveUnits(
  db: Database,
  list: UnitList,
  overwrite: boolean,
): Promise<UnitLoadSummary> {
  return db.transaction(async () => {
    await db.run(
      `create or replace temp table staged_raw (${UNIT_COLUMNS.map((c) => `${c} varchar`).join(', ')})`,
    );
    const appender = await db.connection.createAppender('staged_raw', 'main', 'temp');
    for (const u of list.units) {
      for (const c of UNIT_COLUMNS) {
        const v = u[c];
        if (v === null) appender.appendNull();
        else appender.appendVarchar(v);
      }
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
    await db.run(`create or replace temp table staged_units as
      select * replace (valid_from::date as valid_from, valid_to::date as valid_to) from staged_raw`);
    const counts = await db.values<{ inserted: bigint; changed: bigint }>(`
      select
        count(*) filter (where u.unit_id is null) as inserted,
        count(*) filter (where u.unit_id is not null and (
          s.code, s.name, s.full_name, s.name_en, s.level, s.parent_id, s.valid_from, s.valid_to
        ) is distinct from (
          u.code, u.name, u.full_name, u.name_en, u.level, u.parent_id, u.valid_from, u.valid_to
        )) as changed
      from staged_units s left join core.units u using (unit_id)`);
    const inserted = Number(counts[0].inserted);
    const changed = overwrite ? Number(counts[0].changed) : 0;
    if (overwrite) {
      await db.run(`
        update core.units u set code = s.code, name = s.name, full_name = s.full_name,
          name_en = s.name_en, level = s.level, parent_id = s.parent_id,
          valid_from = s.valid_from, valid_to = s.valid_to, source = s.source
        from staged_units s
        where u.unit_id = s.unit_id and (
          s.code, s.name, s.full_name, s.name_en, s.level, s.parent_id, s.valid_from, s.valid_to
        ) is distinct from (
          u.code, u.name, u.full_name, u.name_en, u.level, u.parent_id, u.valid_from, u.valid_to)`);
    }
    await db.run(
      `insert into core.units select s.* from staged_units s anti join core.units u using (unit_id)`,
    );
    await db.run('drop table staged_units; drop table staged_raw');
    let successions = 0;
    for (const s of list.successions) {
      const exists = await db.scalar<bigint>(
        'select count(*) from core.unit_succession where from_unit_id = $f and to_unit_id = $t',
        { f: s.from_unit_id, t: s.to_unit_id },
      );
      if (Number(exists) > 0) continue;
      await db.run('insert into core.unit_succession values ($f, $t, $e::date, $k, $s)', {
        f: s.from_unit_id,
        t: s.to_unit_id,
        e: s.effective_on,
        k: s.kind,
        s: s.source,
      });
      successions++;
    }
    return {
      inserted,
      updated: changed,
      unchanged: list.units.length - inserted - changed,
      successions,
    };
  });
}

export async function allUnits(db: Database): Promise<Unit[]> {
  return db.all<Unit>(
    `select unit_id, code, name, full_name, name_en, level, parent_id,
            strftime(valid_from, '%Y-%m-%d') as valid_from, strftime(valid_to, '%Y-%m-%d') as valid_to, source
     from core.units order by unit_id`,
  );
}

/** The index names are resolved by: every unit, and the former names of data/units. */
export async function unitIndex(db: Database): Promise<UnitIndex> {
  return new UnitIndex(await allUnits(db), formerNames());
}

/**
 * A unit and every unit it continues: merged or renamed into it, at any remove (their history is
 * now its own); a unit split among several is nobody's alone. Ids, the unit's own first. The one
 * rule for a reporter's and a planner's scope across the 2025 reform.
 */
export async function continuedUnits(db: Database, unitId: string): Promise<string[]> {
  const rows = await db.values<{ unit_id: string }>(
    `with recursive before(unit_id) as (
       select $unit
       union
       select s.from_unit_id from core.unit_succession s join before b on s.to_unit_id = b.unit_id
       where s.kind <> 'split')
     select unit_id from before order by unit_id <> $unit, unit_id`,
    { unit: unitId },
  );
  return rows.map((r) => r.unit_id);
}
