// One measured run in its own process, so peak memory (maxRSS) is the run's alone.
// Usage: child.ts baseline|ingest CSV DB → prints {seconds, rss_mb, rows} as JSON;
//        child.ts engine CSV DB → loads CSV (not timed), then times a full refresh and the
//        incremental refresh after one more month's batch → prints {full_s, incremental_s, …}.
import { Database } from '../../pipelines/db/connect.ts';
import { ingestFile } from '../../pipelines/load/ingest.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import { appendRevisions } from '../../pipelines/load/store.ts';
import { batchMonths, refresh } from '../../indicators/compute/refresh.ts';

const [mode, csv, dbPath] = process.argv.slice(2);
const db = await Database.open(dbPath);
await migrate(db);
const started = performance.now();
let rows = 0;
let warnings: number | undefined;
if (mode === 'engine') {
  // the national dataset, loaded the quick way: the engine is what is measured here
  await db.run(
    `insert into core.batches values ('bench', 'bench.csv', '-', now(), 0, 0, 0, 0, 0, 'long', 'utf-8', 'bench')`,
  );
  await appendRevisions(
    db,
    `select u.unit_id, s.unit_code, s.period, s.metric, replace(s.value, '.', '')::double, 1,
       'bench', now(), null::timestamp, null::varchar, null::bigint, null::varchar
     from read_csv('${csv}', all_varchar = true) s
     join core.units u on u.code = s.unit_code and u.level = 'commune'
      and (case when s.period >= '2025-07' then u.valid_from is not null else u.valid_from is null end)`,
  );
  await db.run('checkpoint');
  let t = performance.now();
  const full = await refresh(db, { today: '2026-02-15' });
  const fullSeconds = (performance.now() - t) / 1000;
  // one more month from every commune: the monthly report the engine must absorb
  const month = `${dbPath}.month.csv`;
  await db.run(`copy (
      select code as unit_code, '2026-01' as period, metric_id as metric,
        ((hash(code) % 1000000 + 40000))::bigint as value
      from units, metrics where level = 'commune' and valid_from is not null
    ) to '${month}' (header)`);
  const batch = await ingestFile(db, month);
  if (batch.status !== 'loaded' || !batch.batchId)
    throw new Error(JSON.stringify(batch.errors.slice(0, 3)));
  t = performance.now();
  const inc = await refresh(db, {
    today: '2026-02-15',
    months: await batchMonths(db, batch.batchId),
  });
  const incSeconds = (performance.now() - t) / 1000;
  db.close();
  console.log(
    JSON.stringify({
      full_s: fullSeconds,
      incremental_s: incSeconds,
      actuals: full.actuals,
      months_full: full.months,
      months_incremental: inc.months,
      batch_rows: batch.rowsNew,
      rss_mb: process.resourceUsage().maxRSS / 1024,
    }),
  );
  process.exit(0);
} else if (mode === 'baseline') {
  await db.run(`create table baseline as select * from read_csv('${csv}')`);
  rows = Number(await db.scalar('select count(*) from baseline'));
} else {
  const r = await ingestFile(db, csv);
  if (r.status !== 'loaded') {
    console.error(JSON.stringify(r.errors.slice(0, 5)));
    process.exit(1);
  }
  rows = r.rowsNew;
  warnings = r.warningCount;
}
const seconds = (performance.now() - started) / 1000;
db.close();
console.log(
  JSON.stringify({ seconds, rss_mb: process.resourceUsage().maxRSS / 1024, rows, warnings }),
);
