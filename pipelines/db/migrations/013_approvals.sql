-- 013: data approval, made simple (DHIS2's, for one level): an admin or the province's planner
-- approves a period for a unit subtree, and later revisions of figures it covers are refused for
-- reporters or, loaded by an admin, flagged. A figure is covered when its unit is the approved
-- unit or under it, and its period lies within the approved one (a month in an approved quarter).
-- grain: one row per approval; never updated (a re-approval of the same unit and period is the
-- same row).
create table if not exists core.approvals (
  approval_id  varchar primary key,
  unit_id      varchar not null,
  unit_code    varchar,
  period       varchar not null,   -- as approved: 2025-Q3, 2025-07, 2025
  period_start date not null,      -- the first and last day it covers
  period_end   date not null,
  approved_by  varchar not null,   -- the login, or token:<id> (label)
  approved_at  timestamp not null,
  note         varchar,
  unique (unit_id, period)
);

-- grain: one row per figure of a batch that revised a figure an approval covers (an admin's load).
create table if not exists core.approval_flags (
  batch_id       varchar not null,
  approval_id    varchar not null,
  unit_id        varchar not null,
  unit_code      varchar,
  period         varchar not null,
  metric         varchar not null,
  previous_value double,
  value          double,
  line           bigint,
  flagged_at     timestamp not null
);
