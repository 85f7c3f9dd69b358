-- The date a unit declares beside the date its report arrived (issue 16, item 10). Until now a
-- month's received_at was the file's own `reported_at` when it gave one: a 2024-05 figure uploaded
-- in 2026 declaring 2024-06-01 showed on time. From here, received_at is the arrival (the time its
-- batch was loaded, as a Vietnam date and time), declared_at the earliest date the unit's files
-- declared for the month, and the on-time rule reads the arrival, except for figures loaded by
-- the database's operator from the command line (checks.sql, `reporting`, says why).
alter table core.reporting_status add column declared_at timestamp;

-- the analyst contract (DESIGN.md §5) is extended, never renamed: declared_at is added last
drop view reporting;
create view reporting as
  select unit_id, unit_code, period, due_on, received_at, status, plan_id, declared_at
  from core.reporting_status;

-- every month's reporting is computed again under the new rule, before anything is served: the
-- engine's refresh completes this marker (refresh.ts, refreshPending: a full refresh)
insert into core.refresh_pending values ('refresh:015_declared_dates', current_timestamp);
