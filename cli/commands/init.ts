// `chitieu init`: create or migrate the database, then load units, catalogue and plans.
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import { builtinProvinces, saveUnits } from '../../pipelines/load/units.ts';
import { loadCatalogue } from '../../indicators/catalogue/load.ts';
import { loadPlans } from '../../indicators/plans/load.ts';
import { saveDefinitions, type DefinitionSummary } from '../../indicators/store.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.init;

export interface InitResult {
  path: string;
  migrations: number[];
  unitsInserted: number;
  definitions: DefinitionSummary;
}

/** The whole of init on an open database; used by `init`, `start` and the tests. */
export async function initialise(db: Database): Promise<InitResult> {
  const catalogue = loadCatalogue();
  const plans = loadPlans(new Set(catalogue.indicators.map((i) => i.id)));
  const applied = await migrate(db);
  const units = await saveUnits(db, builtinProvinces(), false);
  const definitions = await saveDefinitions(db, catalogue, plans);
  return { path: db.path, migrations: applied, unitsInserted: units.inserted, definitions };
}

export function describeInit(r: InitResult): string[] {
  const d = r.definitions;
  const nothing = r.migrations.length === 0 && r.unitsInserted === 0 && !d.changed;
  return [
    `database ${r.path}`,
    r.migrations.length > 0 ? `applied migrations ${r.migrations.join(', ')}` : 'schema up to date',
    `units: ${r.unitsInserted} added`,
    `catalogue: ${d.metrics} metrics, ${d.indicators} indicators; plans: ${d.plans} with ` +
      `${d.targets} targets, ${d.tasks} tasks, ${d.procedures} procedures, ${d.notes} notes` +
      (d.changed ? ' (loaded)' : ' (unchanged)'),
    ...(nothing ? ['nothing to do: the database was already up to date'] : []),
  ];
}

export async function run(_args: string[], io: Io): Promise<number> {
  const db = await Database.open(databasePath(io.env));
  try {
    const result = await initialise(db);
    for (const line of describeInit(result)) io.out(line);
    return 0;
  } finally {
    db.close();
  }
}
