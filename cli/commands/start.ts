// `chitieu start` (npm start): initialise the default database, load the synthetic demo when it
// holds no figures yet, print what it holds, and serve the dashboards and API.
import { parseArgs } from 'node:util';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { serve, serveConfig } from './serve.ts';
import { initialise, describeInit } from './init.ts';
import { runDemo, describeDemo } from './demo.ts';
import { lastFullMonth, today as todayIn } from '../../pipelines/normalize/calendar.ts';
import { DEFAULT_SEED } from '../../pipelines/demo/generate.ts';
import { catalogueSummary } from '../summary.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.start;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'no-serve': { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
    },
  });
  const config = serveConfig(
    args.filter((a) => a !== '--no-serve'),
    io.env,
  );
  const db = await Database.open(databasePath(io.env));
  try {
    for (const line of describeInit(await initialise(db))) io.out(line);
    const figures = Number(await db.scalar('select count(*) from core.observation_revisions'));
    if (figures === 0) {
      io.out('');
      io.out('the database holds no figures: loading the synthetic demo dataset');
      const today = todayIn({ env: io.env });
      const demo = await runDemo(db, {
        seed: DEFAULT_SEED,
        until: lastFullMonth(today),
        asOf: today,
      });
      for (const line of describeDemo(demo)) io.out(line);
      if (demo.reports.some((r) => r.status === 'rejected')) return 1;
    }
    io.out('');
    for (const line of await catalogueSummary(db)) io.out(line);
    io.out('');
    if (values['no-serve']) {
      io.out('Next: npx chitieu serve   (dashboards and API on http://127.0.0.1:3000)');
      io.out('      npx chitieu status --unit VN --period <quarter>   (the scorecard)');
      io.out('      npx chitieu sql "select * from progress limit 10"  (read-only SQL)');
      return 0;
    }
  } finally {
    db.close();
  }
  await serve(config, io);
  return 0;
}
