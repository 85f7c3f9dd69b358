// `chitieu init`: create or migrate the database, then load units, catalogue and plans.
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import { builtinProvinces, saveUnits } from '../../pipelines/load/units.ts';
import { loadCatalogue } from '../../indicators/catalogue/load.ts';
import { planFiles } from '../../indicators/plans/load.ts';
import { saveCatalogue, type CatalogueSummary } from '../../indicators/store.ts';
import { importShippedPlans, type ImportReport } from '../../indicators/plans/import.ts';
import { DefinitionError } from '../../indicators/definitions.ts';
import { formatProblem } from '../../indicators/plans/messages.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.init;

export interface InitResult {
  path: string;
  migrations: number[];
  unitsInserted: number;
  catalogue: CatalogueSummary;
  /** the shipped plans (indicators/plans/), through the same import as `chitieu plans import` */
  plans: ImportReport;
  /** what the database holds after init */
  holds: { plans: number; targets: number; tasks: number; procedures: number; notes: number };
}

/** The whole of init on an open database; used by `init`, `start`, `serve` and the tests. */
export async function initialise(db: Database): Promise<InitResult> {
  const catalogue = loadCatalogue();
  const applied = await migrate(db);
  const units = await saveUnits(db, builtinProvinces(), false);
  const saved = await saveCatalogue(db, catalogue);
  const plans = await importShippedPlans(db, catalogue, planFiles());
  if (plans.status === 'rejected') {
    // a shipped file is the project's own: refuse like a bad catalogue, naming the first file
    const file = plans.problems[0].file;
    throw new DefinitionError(
      file,
      plans.problems.filter((p) => p.file === file).map(formatProblem),
    );
  }
  const count = async (table: string) =>
    Number(await db.scalar(`select count(*) from core.${table}`));
  return {
    path: db.path,
    migrations: applied,
    unitsInserted: units.inserted,
    catalogue: saved,
    plans,
    holds: {
      plans: await count('plans'),
      targets: await count('targets'),
      tasks: await count('tasks'),
      procedures: await count('procedures'),
      notes: await count('plan_notes'),
    },
  };
}

export function describeInit(r: InitResult): string[] {
  const c = r.catalogue;
  const h = r.holds;
  const by = (status: string) => r.plans.plans.filter((p) => p.status === status).length;
  const kept = r.plans.plans.filter((p) => p.status === 'kept');
  const nothing =
    r.migrations.length === 0 &&
    r.unitsInserted === 0 &&
    !c.changed &&
    r.plans.status === 'unchanged';
  return [
    `database ${r.path}`,
    r.migrations.length > 0 ? `applied migrations ${r.migrations.join(', ')}` : 'schema up to date',
    `units: ${r.unitsInserted} added`,
    `catalogue: ${c.metrics} metrics, ${c.indicators} indicators, ${c.agencies} agencies` +
      (c.changed ? ' (loaded)' : ' (unchanged)'),
    `shipped plans (indicators/plans/): ${by('new')} new, ${by('updated')} updated, ` +
      `${by('unchanged')} unchanged` +
      (kept.length > 0
        ? `, ${kept.length} kept as imported (${kept.map((p) => p.plan_id).join(', ')})`
        : ''),
    `plans: ${h.plans} with ${h.targets} targets, ${h.tasks} tasks, ${h.procedures} procedures, ` +
      `${h.notes} notes`,
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
