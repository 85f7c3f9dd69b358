import { Database } from '../pipelines/db/connect.ts';
import { initialise, describeInit } from '../cli/commands/init.ts';
const path = `/tmp/chitieu-scratch-up-${process.pid}.duckdb`;
const db = await Database.open(path);
await initialise(db);
// a database whose plans were loaded before versions, with one plan no file holds any more
await db.run(`update core.plans set version = null; delete from core.plan_versions;
  insert into core.plans (plan_id, unit_code, unit_name, title, issuer, stub, source, definition_file)
  values ('kh-cu', '79', 'HCM', 'cũ', 'x', false, 'x', 'indicators/plans/kh-cu.yaml');
  insert into core.task_status_history (plan_id, seq, status, as_of, source) values ('kh-cu', 1, 'done', date '2024-01-01', 'x')`);
const r = await initialise(db);
console.log(describeInit(r).join('\n'));
console.log(await db.all(`select count(*) n, count(version) v from core.plans`), await db.all(`select count(*) from core.task_status_history`));
db.close();
