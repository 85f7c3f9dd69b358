-- 007: plans alive (issue 12). A measure for every target (a catalogue indicator, or metrics the
-- target declares itself), the sources and confidence of what was encoded, targets a successor
-- unit adopts across the 2025 reform, and the agencies that lead and partner on tasks. The §5
-- views keep their columns and gain new ones at the end (DESIGN.md §5.1).

-- what a plan's encoding was read from: legal_text | restatement | press_summary | synthetic
alter table core.plans add column source_kind varchar default 'legal_text';
alter table core.plans add column source_urls varchar[];

-- measure_kind: indicator (indicator_id) | metric (numerator_metric [/ denominator_metric], the
-- metrics the target declares) | none (kept and shown, not evaluated)
alter table core.targets add column measure_kind varchar default 'none';
alter table core.targets add column numerator_metric varchar;
alter table core.targets add column denominator_metric varchar;
alter table core.targets add column adopted_from varchar;  -- <plan id>/<target id> it takes over
alter table core.targets add column source_urls varchar[];
alter table core.targets add column confidence varchar;    -- high | medium | low; null: the text
update core.targets set measure_kind = 'indicator' where indicator_id is not null;

-- grain: one row per (metric, plan declaring it): metrics that plans declare for their targets
-- (core.metrics holds them beside the catalogue's, so the ingest takes them like any metric).
create table core.metric_declarations (
  metric_id varchar not null,
  plan_id   varchar not null,
  primary key (metric_id, plan_id)
);

-- grain: one row per agency of indicators/catalogue/agencies.yaml.
create table core.agencies (
  agency_id varchar primary key,
  name_vi   varchar not null,
  name_en   varchar not null,
  level     varchar,            -- national | province | district | commune; null: any level
  kind      varchar not null check (kind in ('agency', 'collective')),
  aliases   varchar[] not null
);

-- grain: one row per name printed as a task's lead or partner, in the order printed; agency_id
-- is the agency the name resolves to (null: a person, a list, "địa phương" …).
create table core.task_agencies (
  plan_id   varchar not null,
  seq       integer not null,
  role      varchar not null check (role in ('lead', 'partner')),
  position  integer not null,
  name      varchar not null,
  agency_id varchar,
  primary key (plan_id, seq, role, position)
);

-- The engine's measures: the catalogue's indicators, and each target measured by metrics it
-- declares (its id is the target's). actuals.sql and checks.sql read this, not core.indicators.
create view core.measures as
  select indicator_id, unit, direction, numerator, denominator, false as declared
  from core.indicators
  union all
  select target_id, unit_of_measure,
         case when comparator in ('<', '<=') then 'down' else 'up' end,
         numerator_metric, denominator_metric, true
  from core.targets
  where measure_kind = 'metric';

-- the columns filled by the definitions are new: load them again at the next init
delete from core.meta where key = 'definitions_sha256';

-- The analyst contract, extended.

create or replace view plans as
  select plan_id, unit_code, document_no, title, issued_on, parent_plan_id, report_due_day,
         unit_id, unit_name, issuer, stub, source, source_kind, source_urls
  from core.plans;

create or replace view targets as
  select target_id, plan_id, indicator_id, unit_code, level, comparator, value, window_start,
         deadline, clause, measure, unit_of_measure, quote, measure_kind, adopted_from,
         numerator_metric, denominator_metric, source_urls, confidence
  from core.targets;

create or replace view metrics as
  select m.metric_id, m.name_vi, m.name_en, m.unit, m.kind, d.declared_in
  from core.metrics m
  left join (select metric_id, string_agg(plan_id, '; ' order by plan_id) as declared_in
             from core.metric_declarations group by metric_id) d using (metric_id);

create view agencies as
  select agency_id, name_vi, name_en, level, kind, aliases from core.agencies;

create view task_agencies as
  select a.plan_id, a.seq, t.number, a.role, a.position, a.name, a.agency_id,
         g.name_vi as agency_name, p.unit_code as plan_unit_code
  from core.task_agencies a
  join core.tasks t using (plan_id, seq)
  join core.plans p using (plan_id)
  left join core.agencies g using (agency_id);
