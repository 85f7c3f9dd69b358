// `chitieu units import FILE…`: load full unit lists (plain CSV or the public dataset's JSON).
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import { allUnits, readUnitList, saveUnits } from '../../pipelines/load/units.ts';
import { RejectedInput, formatProblem } from '../../pipelines/load/problems.ts';
import { linkPlanUnits } from '../../indicators/store.ts';
import { inputError, usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.units;

export async function run(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw usageError(`unknown units command: ${sub ?? '(none)'}\n\n${help}`);
  const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
  if (positionals.length === 0) throw usageError(`units import needs a FILE\n\n${help}`);
  for (const file of positionals) if (!existsSync(file)) throw usageError(`no such file: ${file}`);
  const db = await Database.open(databasePath(io.env));
  try {
    await migrate(db);
    for (const file of positionals) {
      let list;
      try {
        list = readUnitList(file, await allUnits(db));
      } catch (error) {
        if (error instanceof RejectedInput) {
          const errors = error.problems.filter((p) => p.severity === 'error');
          for (const p of errors.slice(0, 20)) io.err(formatProblem(p));
          if (errors.length > 20) io.err(`… and ${errors.length - 20} more`);
          throw inputError(`${file}: ${errors.length} error(s); nothing was loaded`);
        }
        throw error;
      }
      const s = await saveUnits(db, list, true);
      io.out(
        `${file}: ${list.units.length} units — ${s.inserted} added, ${s.updated} updated, ` +
          `${s.unchanged} unchanged`,
      );
    }
    await linkPlanUnits(db);
    return 0;
  } finally {
    db.close();
  }
}
