// One measured run in its own process, so peak memory (maxRSS) is the run's alone.
// Usage: child.ts baseline|ingest CSV DB → prints {seconds, rss_mb, rows} as JSON.
import { Database } from '../../pipelines/db/connect.ts';
import { ingestFile } from '../../pipelines/load/ingest.ts';

const [mode, csv, dbPath] = process.argv.slice(2);
const db = await Database.open(dbPath);
const started = performance.now();
let rows = 0;
if (mode === 'baseline') {
  await db.run(`create table baseline as select * from read_csv('${csv}')`);
  rows = Number(await db.scalar('select count(*) from baseline'));
} else {
  const r = await ingestFile(db, csv);
  if (r.status !== 'loaded') {
    console.error(JSON.stringify(r.errors.slice(0, 5)));
    process.exit(1);
  }
  rows = r.rowsNew;
}
const seconds = (performance.now() - started) / 1000;
db.close();
console.log(JSON.stringify({ seconds, rss_mb: process.resourceUsage().maxRSS / 1024, rows }));
