-- 002: the indicator engine's materialised results. Actuals per indicator × unit × period, the
-- evaluation of every binding target, and the `progress` view that joins them (DESIGN.md §5).

-- grain: one row per (indicator, unit, period) that has a figure. period is YYYY-MM, YYYY-Qn or
-- YYYY. source: own (the unit reported it), children (the sum of its children's figures),
-- predecessors (a current unit's figure before it existed, rebuilt from the units it replaced).
create table core.actuals (
  indicator_id      varchar not null,
  unit_id           varchar not null,
  period            varchar not null,
  grain             varchar not null check (grain in ('month', 'quarter', 'year')),
  numerator         double,
  denominator       double,
  actual            double,
  coverage          double,
  source            varchar not null check (source in ('own', 'children', 'predecessors')),
  reconstructed     boolean not null,
  children_total    integer,
  children_reported integer,
  months            integer,          -- months summed (flows) for a quarter or year
  months_expected   integer,
  computed_at       timestamp not null
);

-- grain: one row per (target, bound unit, period): the target evaluated as of the period's end,
-- with every input of DESIGN.md §3 kept beside the verdict.
create table core.target_status (
  target_id           varchar not null,
  indicator_id        varchar not null,
  unit_id             varchar not null,
  period              varchar not null,
  grain               varchar not null,
  as_of               date not null,
  actual              double,
  actual_on           date,
  baseline            double,
  target_value        double not null,
  comparator          varchar not null,
  deadline            date not null,
  expected            double,
  projected           double,
  ratio               double,
  status              varchar not null,
  observations        integer not null,
  forecast_on         date,
  not_before_deadline boolean not null,
  computed_at         timestamp not null
);

drop view progress;
drop table core.progress;

-- The contract view: every actual, with each binding target beside it (one row per target), and
-- targets that have no actual yet (status no_data).
create view progress as
  select
    coalesce(a.indicator_id, t.indicator_id) as indicator_id,
    coalesce(a.unit_id, t.unit_id) as unit_id,
    u.code as unit_code,
    coalesce(a.period, t.period) as period,
    a.actual, a.numerator, a.denominator, a.coverage,
    t.target_id, t.target_value, t.deadline, t.baseline, t.expected, t.projected, t.ratio,
    t.status,
    coalesce(a.grain, t.grain) as grain, a.source, a.reconstructed, t.comparator,
    t.observations, t.forecast_on, t.not_before_deadline, t.as_of
  from core.actuals a
  full outer join core.target_status t
    on t.indicator_id = a.indicator_id and t.unit_id = a.unit_id and t.period = a.period
  left join core.units u on u.unit_id = coalesce(a.unit_id, t.unit_id);

-- analysts' view of the actuals alone (no target rows)
create view actuals as
  select a.indicator_id, a.unit_id, u.code as unit_code, a.period, a.grain, a.actual,
         a.numerator, a.denominator, a.coverage, a.source, a.reconstructed,
         a.children_total, a.children_reported, a.months, a.months_expected
  from core.actuals a left join core.units u using (unit_id);

create view quality_findings as
  select batch_id, unit_id, period, metric, rule, severity, message, value, line, found_at
  from core.quality_findings;

drop view reporting;
create view reporting as
  select unit_id, unit_code, period, due_on, received_at, status, plan_id
  from core.reporting_status;
