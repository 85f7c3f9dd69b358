-- 006: the figures are stored by integer keys. A national commune file is ten million rows, and
-- DuckDB spends most of a load compressing text columns: the unit, period and metric of every
-- row as text (plus a unit_code that the unit_id already says) cost twice what three integers
-- do. The texts now live once each in three small key tables, appended to as new ones arrive
-- (pipelines/load/store.ts), and `core.observation_revisions` becomes a view with the same
-- columns as the table it replaces, so every reader (the engine, the API, the §5 views) reads
-- what it read before.
create table core.unit_keys (
  unit_key  integer primary key,
  unit_id   varchar not null unique,
  unit_code varchar not null
);
create table core.period_keys (
  period_key integer primary key,
  period     varchar not null unique
);
create table core.metric_keys (
  metric_key smallint primary key,
  metric     varchar not null unique
);

insert into core.unit_keys
  select (row_number() over (order by unit_id))::integer, unit_id, unit_code
  from (select unit_id, any_value(unit_code) as unit_code
        from core.observation_revisions group by unit_id);
insert into core.period_keys
  select (row_number() over (order by period))::integer, period
  from (select distinct period from core.observation_revisions);
insert into core.metric_keys
  select (row_number() over (order by metric))::smallint, metric
  from (select distinct metric from core.observation_revisions);

-- grain: one row per revision of a figure (unit, period, metric), as before
create table core.observation_facts (
  unit_key    integer not null,
  period_key  integer not null,
  metric_key  smallint not null,
  value       double not null,
  revision    integer not null,
  batch_id    varchar not null,
  loaded_at   timestamp not null,
  reported_at timestamp,
  note        varchar,
  line        bigint,         -- the row of the file it came from
  sheet       varchar         -- and its sheet, in a workbook (new in 006: lines repeat by sheet)
);
insert into core.observation_facts
  select u.unit_key, p.period_key, m.metric_key, r.value, r.revision, r.batch_id, r.loaded_at,
         r.reported_at, r.note, r.line, null
  from core.observation_revisions r
  join core.unit_keys u on u.unit_id = r.unit_id
  join core.period_keys p on p.period = r.period
  join core.metric_keys m on m.metric = r.metric;

drop view observations;
drop view observation_history;
drop table core.observation_revisions;

create view core.observation_revisions as
  select u.unit_id, u.unit_code, p.period, m.metric, f.value, f.revision, f.batch_id,
         f.loaded_at, f.reported_at, f.note, f.line, f.sheet
  from core.observation_facts f
  join core.unit_keys u on u.unit_key = f.unit_key
  join core.period_keys p on p.period_key = f.period_key
  join core.metric_keys m on m.metric_key = f.metric_key;

create view observation_history as
  select r.unit_id, r.unit_code, r.period, r.metric, r.value, r.revision, r.batch_id,
         b.file_name, b.sha256, r.loaded_at, r.reported_at, r.note
  from core.observation_revisions r
  left join core.batches b using (batch_id);

-- the latest revision, as in 003: an anti-join against the few revised rows, now on integers
create view observations as
  select u.unit_id, u.unit_code, p.period, m.metric, f.value, f.batch_id, f.loaded_at
  from core.observation_facts f
  anti join (select unit_key, period_key, metric_key, revision from core.observation_facts
             where revision > 1) newer
    on newer.unit_key = f.unit_key and newer.period_key = f.period_key
   and newer.metric_key = f.metric_key and newer.revision > f.revision
  join core.unit_keys u on u.unit_key = f.unit_key
  join core.period_keys p on p.period_key = f.period_key
  join core.metric_keys m on m.metric_key = f.metric_key;
