-- 009: plans are data users load (issue 12): `chitieu plans import`, POST /api/plans and
-- `chitieu init` store each plan file as a version. The rows of core.plans, core.targets,
-- core.tasks … are the current version's; every version's file stays here, so what a plan said
-- before a correction can still be read (plan_versions, target_history). Reporting duties carry
-- the months they run over, so the engine can tell which plan's day binds a unit in a month.

-- grain: one row per imported version of a plan. sha256 is of the file's bytes: the same bytes
-- again are no new version; a changed file is the next version.
create table core.plan_versions (
  plan_id     varchar not null,
  version     integer not null,
  sha256      varchar not null,
  imported_at timestamp not null,
  imported_by varchar not null,      -- init | cli:<user> | token:<id> (<label>)
  origin      varchar not null check (origin in ('shipped', 'cli', 'api')),
  source_file varchar not null,      -- the file's name as given (shipped: its path in the project)
  yaml_text   varchar not null,      -- the file as imported
  definition  varchar not null,      -- the validated plan as JSON (defaults filled in)
  primary key (plan_id, version)
);

-- the version core.plans (and what it contains) holds; null: loaded before versions existed
alter table core.plans add column version integer;

-- the months (YYYY-MM) a reporting duty runs over, from the plan's issue to its last target
-- deadline (or the end of the year it was issued): written by the import, read by checks.sql
alter table core.reporting_obligations add column first_month varchar;
alter table core.reporting_obligations add column last_month varchar;

-- plans are loaded through the import from now on: the next init stores them as version 1
delete from core.meta where key = 'definitions_sha256';

-- The analyst contract, extended.

create or replace view plans as
  select plan_id, unit_code, document_no, title, issued_on, parent_plan_id, report_due_day,
         unit_id, unit_name, issuer, stub, source, source_kind, source_urls, version
  from core.plans;

create view plan_versions as
  select v.plan_id, v.version, v.sha256, v.imported_at, v.imported_by, v.origin, v.source_file,
         v.version = p.version as is_current, v.yaml_text, v.definition
  from core.plan_versions v
  left join core.plans p using (plan_id);

-- grain: one row per (target, plan version): every target as each version of its plan set it
create view target_history as
  select v.plan_id, v.version, v.plan_id || '/' || (t ->> 'id') as target_id,
         t ->> 'indicator' as indicator_id, t ->> 'comparator' as comparator,
         (t ->> 'value')::double as "value", (t ->> 'window_start')::date as window_start,
         (t ->> 'deadline')::date as deadline,
         case when t ->> 'scope' = 'plan_unit' then v.definition ->> 'unit_code'
              else t -> 'scope' ->> 'unit_code' end as unit_code,
         t -> 'scope' ->> 'level' as level, t ->> 'clause' as clause,
         v.imported_at, v.version = p.version as is_current
  from core.plan_versions v
  left join core.plans p using (plan_id),
  unnest(json_extract(v.definition, '$.targets[*]')) as x(t);
