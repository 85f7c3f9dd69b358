-- 008: task and procedure progress (issue 12). Planners record a status (planned | in_progress |
-- done | cancelled) with the date it took effect, a note and an evidence link; every change is
-- kept. A task's current status is its latest change by as_of, then recorded_at, then entry_id.
--
-- History is keyed by (plan_id, seq) — seq is the task's place in its plan — and carries the
-- task's number and title (a procedure's number and name) as they were when recorded. A reload
-- of the plans (`chitieu init`) rewrites core.tasks but never touches these tables; it then
-- follows each entry to its task by number and title when the list was renumbered, and detaches
-- (seq null, kept and shown) an entry whose task is gone (indicators/work/history.ts).

-- grain (001): one row per status change of a task; now with who, the evidence and its identity.
alter table core.task_status_history add column entry_id bigint;      -- order of recording
alter table core.task_status_history add column number varchar;       -- as printed, when recorded
alter table core.task_status_history add column title varchar;        -- the task's title then
alter table core.task_status_history add column evidence_url varchar; -- http(s) only
alter table core.task_status_history add column recorded_by varchar;  -- token id (label), cli …
-- null: detached, its task no longer in the plan (kept; it binds again if the task comes back)
alter table core.task_status_history alter column seq drop not null;

update core.task_status_history h
set number = t.number, title = t.title
from core.tasks t
where t.plan_id = h.plan_id and t.seq = h.seq;

update core.task_status_history h
set entry_id = n.entry_id
from (select rowid as r, row_number() over (order by recorded_at, rowid) as entry_id
      from core.task_status_history) n
where h.rowid = n.r;

update core.task_status_history set recorded_by = source where recorded_by is null;

-- grain: one row per status change of an essential procedure; the same rules as tasks'.
create table core.procedure_status_history (
  entry_id     bigint not null,
  plan_id      varchar not null,
  seq          integer,           -- null: detached (its procedure is no longer in the plan)
  number       varchar not null,
  name         varchar not null,
  status       varchar not null check (status in ('planned', 'in_progress', 'done', 'cancelled')),
  as_of        date not null,
  note         varchar,
  evidence_url varchar,
  source       varchar not null,  -- api | cli | demo
  recorded_by  varchar not null,
  recorded_at  timestamp not null -- UTC
);

-- The analyst contract, extended (DESIGN.md §5.1): the same columns first, new ones at the end.

create or replace view tasks as
  with latest as (
    select plan_id, seq, status, as_of
    from core.task_status_history
    where seq is not null
    qualify row_number() over (
      partition by plan_id, seq
      order by as_of desc nulls last, recorded_at desc, entry_id desc nulls last) = 1
  )
  select t.plan_id, t.number, t.group_name, t.title,
         array_to_string(t.lead, '; ') as lead,
         array_to_string(t.partners, '; ') as partners,
         t.deadline_text, t.due_on, coalesce(l.status, 'planned') as status,
         t.seq, t.deadline_kind, t.deadline_qualifiers, t.milestones, t.product, t.clause,
         l.as_of as status_as_of
  from core.tasks t
  left join latest l using (plan_id, seq);

create or replace view procedures as
  with latest as (
    select plan_id, seq, status, as_of
    from core.procedure_status_history
    where seq is not null
    qualify row_number() over (
      partition by plan_id, seq order by as_of desc, recorded_at desc, entry_id desc) = 1
  )
  select p.plan_id, p.number, p.name, p.online_level, p.lead, p.due_on,
         coalesce(l.status, p.status) as status, p.seq, p.deadline_text,
         l.as_of as status_as_of
  from core.procedures p
  left join latest l using (plan_id, seq);

-- every recorded change, oldest first within a task; seq null: detached from its task
create view task_status_history as
  select plan_id, seq, number, status, as_of, note, recorded_by, recorded_at,
         title, evidence_url, source, entry_id
  from core.task_status_history;

create view procedure_status_history as
  select plan_id, seq, number, status, as_of, note, recorded_by, recorded_at,
         name, evidence_url, source, entry_id
  from core.procedure_status_history;
