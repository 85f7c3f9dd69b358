// `chitieu refresh`: recompute everything the engine materialises, from all the data.
import { parseArgs } from 'node:util';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import { refresh } from '../../indicators/compute/refresh.ts';
import { isIsoDate, today } from '../../pipelines/normalize/calendar.ts';
import { usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.refresh;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { today: { type: 'string' } } });
  if (values.today !== undefined && !isIsoDate(values.today)) {
    throw usageError(`invalid --today: ${values.today} (a date YYYY-MM-DD)`);
  }
  const day = values.today ?? today({ env: io.env });
  const db = await Database.open(databasePath(io.env));
  try {
    await migrate(db);
    const r = await refresh(db, { today: day });
    io.out(
      `computed ${r.actuals} actuals over ${r.months} months, ${r.targetRows} target evaluations, ` +
        `${r.reporting} reporting rows, ${r.findings} quality findings in ${r.seconds.toFixed(1)} s` +
        (r.dataAsOf ? `; data as of ${r.dataAsOf}` : ''),
    );
    return 0;
  } finally {
    db.close();
  }
}
