import { Database } from '../pipelines/db/connect.ts';
const db = await Database.open(':memory:');
await db.run(`create table v (plan_id varchar, version int, definition varchar)`);
await db.run(`insert into v values ('p', 1, '{"id":"p","targets":[{"id":"a","value":90,"scope":"plan_unit"},{"id":"b","value":80.5,"scope":{"level":"commune"}}]}')`);
console.log(await db.all(`select plan_id, version, plan_id || '/' || (t->>'id') as target_id, (t->>'value')::double as value, t->'scope'->>'level' lvl, t->>'scope' sc
 from v, unnest(json_extract(definition, '$.targets[*]')) as x(t)`));
console.log(await db.all(`select least('2024-05', '2024-12') l, lead(1) over () x`));
db.close();
