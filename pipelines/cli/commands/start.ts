// `chitieu start` (npm start): initialise the default database and print what it holds.
import { Database, databasePath } from '../../db/connect.ts';
import { initialise, describeInit } from './init.ts';
import { catalogueSummary } from '../summary.ts';
import type { Io } from '../io.ts';

export const help = `chitieu start — initialise the database and summarise the catalogue

Usage: chitieu start

What \`npm start\` runs: the same as \`chitieu init\`, then a summary of units, catalogue and
plans as stored in the database.`;

export async function run(_args: string[], io: Io): Promise<number> {
  const db = await Database.open(databasePath(io.env));
  try {
    for (const line of describeInit(await initialise(db))) io.out(line);
    io.out('');
    for (const line of await catalogueSummary(db)) io.out(line);
    return 0;
  } finally {
    db.close();
  }
}
