// The mapping a unit's office uses, remembered in core.column_mappings (migration 012) so that
// the browser upload offers it again next month: saved whole (a new mapping replaces the old),
// read back as the ColumnMapping an ingest takes.
import type { Database } from '../db/connect.ts';
import type { ColumnMapping } from './report.ts';

/** Replaces the unit's mapping with `mapping`, in one transaction. */
export async function saveUnitMapping(
  db: Database,
  unitId: string,
  mapping: ColumnMapping,
  savedBy: string | null = null,
): Promise<void> {
  await db.transaction(async () => {
    await db.run('delete from core.column_mappings where unit_id = $unit', { unit: unitId });
    for (const [header, target] of Object.entries(mapping)) {
      await db.run(
        `insert into core.column_mappings values ($unit, $header, $target, $by, current_timestamp)`,
        { unit: unitId, header: header.normalize('NFC'), target, by: savedBy },
      );
    }
  });
}

/** The unit's mapping, or undefined when it has none. */
export async function unitMapping(
  db: Database,
  unitId: string,
): Promise<ColumnMapping | undefined> {
  const rows = await db.all<{ header: string; target: string }>(
    'select header, target from core.column_mappings where unit_id = $unit order by header',
    { unit: unitId },
  );
  if (rows.length === 0) return undefined;
  return Object.fromEntries(rows.map((r) => [r.header, r.target]));
}
