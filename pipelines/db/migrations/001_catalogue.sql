-- 001: the catalogue (units, metrics, indicators, plans and what they contain), the raw figures
-- with their revisions, and the result tables later stages fill. Base tables live in schema
-- `core`; the analyst contract (DESIGN.md §5) is the set of views in `main`.

create schema if not exists core;

-- grain: one row per setting (definitions fingerprint, data version, …).
create table core.meta (
  key   varchar primary key,
  value varchar not null
);

-- grain: one row per administrative unit over one validity interval. A GSO code is not a key
-- across 1/7/2025: unit_id is ('VN' | level letter + code [+ '@' + valid_from]).
create table core.units (
  unit_id     varchar primary key,
  code        varchar not null,
  name        varchar not null,
  full_name   varchar not null,
  name_en     varchar,
  level       varchar not null check (level in ('national', 'province', 'district', 'commune')),
  parent_id   varchar,
  valid_from  date,          -- null: valid since before our records begin
  valid_to    date,          -- null: still valid; otherwise the last day it existed
  source      varchar not null,
  check (valid_from is null or valid_to is null or valid_from <= valid_to)
);

-- grain: one row per (predecessor, successor) link created by a reorganisation.
create table core.unit_succession (
  from_unit_id varchar not null,
  to_unit_id   varchar not null,
  effective_on date not null,
  kind         varchar not null check (kind in ('merge', 'split', 'rename', 'continue')),
  source       varchar not null,
  primary key (from_unit_id, to_unit_id)
);

-- grain: one row per metric id (what units report).
create table core.metrics (
  metric_id varchar primary key,
  name_vi   varchar not null,
  name_en   varchar not null,
  unit      varchar not null,
  kind      varchar not null check (kind in ('stock', 'flow'))
);

-- grain: one row per indicator id (what targets are set on).
create table core.indicators (
  indicator_id varchar primary key,
  name_vi      varchar not null,
  name_en      varchar not null,
  unit         varchar not null check (unit in ('percent', 'count')),
  direction    varchar not null check (direction in ('up', 'down')),
  numerator    varchar not null,
  denominator  varchar
);

-- grain: one row per plan document (including plans known only by reference: stub = true).
create table core.plans (
  plan_id           varchar primary key,
  unit_code         varchar not null,
  unit_id           varchar,         -- the unit the code named at issued_on (or at the plan's year)
  unit_name         varchar not null,
  document_no       varchar,
  title             varchar not null,
  issuer            varchar not null,
  issued_on         date,
  issued_on_text    varchar,
  parent_plan_id    varchar,
  stub              boolean not null,
  report_due_day    integer,
  report_due_clause varchar,
  source            varchar not null,
  definition_file   varchar not null
);

-- grain: one row per note on a plan (inconsistencies, ambiguities, omissions in its text).
create table core.plan_notes (
  plan_id varchar not null,
  seq     integer not null,
  kind    varchar not null,
  clause  varchar,
  text    varchar not null,
  primary key (plan_id, seq)
);

-- grain: one row per numeric target of a plan. Scope is unit_code (one unit) or level (every
-- unit of that level under the plan's unit).
create table core.targets (
  target_id       varchar primary key,
  plan_id         varchar not null,
  indicator_id    varchar,           -- null: no catalogue indicator measures it (not evaluated)
  measure         varchar not null,
  unit_code       varchar,
  level           varchar,
  comparator      varchar not null check (comparator in ('>=', '>', '<=', '<')),
  value           double not null,
  unit_of_measure varchar not null,
  window_start    date not null,
  deadline        date not null,
  clause          varchar not null,
  quote           varchar not null,
  check ((unit_code is null) <> (level is null))
);

-- grain: one row per task of a plan, in document order (numbers as printed may repeat).
create table core.tasks (
  plan_id        varchar not null,
  seq            integer not null,
  number         varchar not null,
  group_name     varchar,
  title          varchar not null,
  lead           varchar[] not null,
  partners       varchar[] not null,
  deadline_text  varchar,
  deadline_kind  varchar,         -- due | from | ongoing | conditional | unknown
  deadline_qualifiers varchar[] not null,  -- ongoing/conditional/from beside the dates
  due_on         date,
  milestones     date[] not null,
  product        varchar,
  clause         varchar,
  primary key (plan_id, seq)
);

-- grain: one row per status change of a task; the latest (by as_of, then recorded_at) is current.
create table core.task_status_history (
  plan_id     varchar not null,
  seq         integer not null,
  status      varchar not null check (status in ('planned', 'in_progress', 'done', 'cancelled')),
  as_of       date,
  note        varchar,
  source      varchar not null,
  recorded_at timestamp not null default current_timestamp
);

-- grain: one row per essential procedure listed by a plan.
create table core.procedures (
  plan_id       varchar not null,
  seq           integer not null,
  number        varchar not null,
  name          varchar not null,
  online_level  varchar,
  lead          varchar,
  deadline_text varchar,
  due_on        date,
  status        varchar not null default 'planned',
  primary key (plan_id, seq)
);

-- grain: one row per plan with a monthly reporting duty: units under the plan's unit report the
-- previous month before report_due_day.
create table core.reporting_obligations (
  plan_id        varchar primary key,
  unit_id        varchar,
  unit_code      varchar not null,
  report_due_day integer not null,
  frequency      varchar not null default 'monthly',
  clause         varchar
);

-- grain: one row per file (or upload) loaded or refused; filled by the ingest pipeline.
create table core.batches (
  batch_id     varchar primary key,
  file_name      varchar not null,
  sha256         varchar not null,
  loaded_at      timestamp not null,
  rows_read      bigint not null,
  rows_new       bigint not null,     -- first value for its (unit, period, metric)
  rows_revised   bigint not null,     -- a changed value: a new revision
  rows_unchanged bigint not null,
  warnings       bigint not null,
  layout         varchar not null,    -- long | wide | json
  encoding       varchar not null,
  loaded_by      varchar              -- who: 'cli' or the API token's id
);

-- grain: one row per data-quality finding (a warning that loaded, or a rule the engine checks).
create table core.quality_findings (
  batch_id  varchar,
  unit_id   varchar,
  period    varchar,
  metric    varchar,
  rule      varchar not null,
  severity  varchar not null check (severity in ('info', 'warning', 'error')),
  message   varchar not null,
  value     varchar,
  line      bigint,
  found_at  timestamp not null
);

-- grain: one row per (unit, period, metric, revision). Loads append; nothing is updated. The
-- ingest pipeline guarantees (unit_id, period, metric, revision) is unique; no index is kept so
-- that bulk loads stay close to DuckDB's own read speed.
create table core.observation_revisions (
  unit_id     varchar not null,
  unit_code   varchar not null,
  period      varchar not null,
  metric      varchar not null,
  value       double not null,
  revision    integer not null,
  batch_id    varchar not null,
  loaded_at   timestamp not null,
  reported_at timestamp,
  note        varchar,
  line        bigint          -- the row of the file it came from
);

-- grain: one row per (indicator, unit, period, binding target); filled by the indicator engine.
create table core.progress (
  indicator_id varchar not null,
  unit_id      varchar not null,
  unit_code    varchar not null,
  period       varchar not null,
  actual       double,
  numerator    double,
  denominator  double,
  coverage     double,
  target_id    varchar,
  target_value double,
  deadline     date,
  baseline     double,
  expected     double,
  projected    double,
  ratio        double,
  status       varchar,
  observations integer,
  computed_at  timestamp
);

-- grain: one row per (unit, reporting period) under an obligation; filled by the engine.
create table core.reporting_status (
  unit_id     varchar not null,
  unit_code   varchar not null,
  period      varchar not null,
  plan_id     varchar,
  due_on      date not null,
  received_at timestamp,
  status      varchar not null check (status in ('on_time', 'late', 'missing', 'pending'))
);

-- The analyst contract (DESIGN.md §5): stable names and columns.

create view units as
  select unit_id, code, name, full_name, level, parent_id, valid_from, valid_to
  from core.units;

create view unit_succession as
  select from_unit_id, to_unit_id, effective_on, kind from core.unit_succession;

create view metrics as
  select metric_id, name_vi, name_en, unit, kind from core.metrics;

create view indicators as
  select indicator_id, name_vi, name_en, unit, direction, numerator, denominator
  from core.indicators;

create view observation_history as
  select r.unit_id, r.unit_code, r.period, r.metric, r.value, r.revision, r.batch_id,
         b.file_name, b.sha256, r.loaded_at, r.reported_at, r.note
  from core.observation_revisions r
  left join core.batches b using (batch_id);

create view observations as
  select unit_id, unit_code, period, metric, value, batch_id, loaded_at
  from core.observation_revisions
  qualify revision = max(revision) over (partition by unit_id, period, metric);

create view plans as
  select plan_id, unit_code, document_no, title, issued_on, parent_plan_id, report_due_day,
         unit_id, unit_name, issuer, stub, source
  from core.plans;

create view targets as
  select target_id, plan_id, indicator_id, unit_code, level, comparator, value, window_start,
         deadline, clause, measure, unit_of_measure, quote
  from core.targets;

create view tasks as
  with latest as (
    select plan_id, seq, status
    from core.task_status_history
    qualify row_number() over (
      partition by plan_id, seq order by as_of desc nulls last, recorded_at desc) = 1
  )
  select t.plan_id, t.number, t.group_name, t.title,
         array_to_string(t.lead, '; ') as lead,
         array_to_string(t.partners, '; ') as partners,
         t.deadline_text, t.due_on, coalesce(l.status, 'planned') as status,
         t.seq, t.deadline_kind, t.deadline_qualifiers, t.milestones, t.product, t.clause
  from core.tasks t
  left join latest l using (plan_id, seq);

create view procedures as
  select plan_id, number, name, online_level, lead, due_on, status, seq, deadline_text
  from core.procedures;

create view progress as
  select indicator_id, unit_id, unit_code, period, actual, numerator, denominator, coverage,
         target_id, target_value, deadline, baseline, expected, projected, ratio, status
  from core.progress;

create view reporting as
  select unit_id, unit_code, period, due_on, received_at, status from core.reporting_status;
