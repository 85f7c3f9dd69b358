-- Actuals per indicator × unit × period (DESIGN.md §3). The indicators are core.measures: the
-- catalogue's, and each target that declares its own metrics (its id is the target's). Each block is named; actuals.ts runs them
-- in order, the `level` block once per level from communes up to the country. Temp table
-- scope_months(month, month_end, quarter, year, next_month_start, next_month_end) says which
-- months to recompute, scope_year_months(month, month_end, quarter, year) every month of their
-- years; setScope (actuals.ts) makes both from the calendar, so no date arithmetic is done here.

-- name: report_rows
-- The rows behind a unit's own monthly figure: its monthly reports and its dated snapshots. They
-- serve the quality checks too (checks.sql), each over the months it needs; the months are
-- filtered before the aggregate, so a refresh of one month reads one.
create or replace temp view monthly_report_rows as
select unit_id, metric, period as month, value, 'z' as priority
from observations where regexp_full_match(period, '\d{4}-\d{2}')
union all
select unit_id, metric, substr(period, 1, 7), value, period
from observations where regexp_full_match(period, '\d{4}-\d{2}-\d{2}');

-- name: own_month
-- grain: one row per (unit, metric, month) the unit reported itself. A monthly report wins over
-- snapshots dated inside the month; among snapshots the latest date wins.
create or replace temp table own_month as
select unit_id, metric, month, arg_max(value, priority) as value
from monthly_report_rows
where month in (select month from scope_months)
group by all;

-- name: own_pairs
-- grain: one row per (indicator, unit, month) with the unit's own numerator and denominator;
-- a ratio needs both from the same unit and month, a count only its numerator.
create or replace temp table own_pairs as
select i.indicator_id, n.unit_id, n.month, n.value as numerator, d.value as denominator
from core.measures i
join own_month n on n.metric = i.numerator
left join own_month d on d.metric = i.denominator and d.unit_id = n.unit_id and d.month = n.month
where i.denominator is null or d.value is not null;

-- name: child_counts
-- grain: one row per (parent, month): how many children the parent had at the month's end.
create or replace temp table child_counts as
select c.parent_id, m.month, count(*) as n
from core.units c
join scope_months m
  on (c.valid_from is null or c.valid_from <= m.month_end)
 and (c.valid_to is null or c.valid_to >= m.month_end)
where c.parent_id is not null
group by all;

-- name: month_fig
create or replace temp table month_fig (
  indicator_id varchar, unit_id varchar, month varchar, numerator double, denominator double,
  coverage double, source varchar, reconstructed boolean, children_total integer,
  children_reported integer
);

-- name: level
-- One level, bottom-up: a unit's own pair wins; otherwise the sums of its children's figures
-- (children that existed at the month's end), with coverage = children with a figure / children.
insert into month_fig
with lvl as (
  select u.unit_id from core.units u where u.level = $level
),
own as (
  select p.* from own_pairs p semi join lvl using (unit_id)
),
kids as (
  select c.parent_id as unit_id, f.indicator_id, f.month,
         sum(f.numerator) as numerator,
         sum(f.denominator) as denominator,
         count(*) as reported
  from month_fig f
  join core.units c on c.unit_id = f.unit_id
  join scope_months m on m.month = f.month
  where c.parent_id in (select unit_id from lvl)
    and (c.valid_from is null or c.valid_from <= m.month_end)
    and (c.valid_to is null or c.valid_to >= m.month_end)
  group by all
)
select
  coalesce(o.indicator_id, k.indicator_id),
  coalesce(o.unit_id, k.unit_id),
  coalesce(o.month, k.month),
  case when o.unit_id is not null then o.numerator else k.numerator end,
  case when o.unit_id is not null then o.denominator else k.denominator end,
  case when o.unit_id is not null then 1.0 else k.reported / cc.n end,
  case when o.unit_id is not null then 'own' else 'children' end,
  false,
  cc.n,
  k.reported
from own o
full outer join kids k using (indicator_id, unit_id, month)
left join child_counts cc
  on cc.parent_id = coalesce(o.unit_id, k.unit_id) and cc.month = coalesce(o.month, k.month);

-- name: reconstruct
-- A current unit's months before it existed: the sums of its predecessors' figures, flagged.
insert into month_fig
with preds as (
  select s.to_unit_id, count(*) as n from core.unit_succession s group by all
)
select f.indicator_id, s.to_unit_id, f.month,
       sum(f.numerator), sum(f.denominator),
       count(*) / any_value(p.n), 'predecessors', true, any_value(p.n), count(*)
from core.unit_succession s
join month_fig f on f.unit_id = s.from_unit_id
join core.units x on x.unit_id = s.to_unit_id
join preds p on p.to_unit_id = s.to_unit_id
join scope_months m on m.month = f.month
where x.valid_from is not null and m.month_end < x.valid_from
  and not f.reconstructed
group by f.indicator_id, s.to_unit_id, f.month;

-- name: write_months
-- The monthly results replace those of the months in scope.
delete from core.actuals where grain = 'month' and period in (select month from scope_months);

insert into core.actuals
select f.indicator_id, f.unit_id, f.month, 'month', f.numerator, f.denominator,
       case when i.denominator is null then f.numerator
            when f.denominator = 0 then null
            else 100.0 * f.numerator / f.denominator end,
       f.coverage, f.source, f.reconstructed, f.children_total, f.children_reported, 1, 1,
       current_timestamp
from month_fig f join core.measures i using (indicator_id);

-- name: rollup
-- Quarters and years from each unit's stored monthly series: flows add up (the figure is
-- missing unless every month the unit had a series for is there), stocks take the last month's
-- figure. A unit's own quarter or year report wins over the rollup.
create or replace temp table rolled as
with kinds as (
  select i.indicator_id, m.kind, i.denominator is null as is_count
  from core.measures i join core.metrics m on m.metric_id = i.numerator
),
months as (
  -- every month of the quarters and years the scope touches (the calendar's, from setScope)
  select month, month_end, quarter, year from scope_year_months
),
span as (
  -- a unit has a series while it exists, and before that if it has predecessors
  select u.unit_id, u.valid_from, u.valid_to,
         exists (select 1 from core.unit_succession s where s.to_unit_id = u.unit_id) as has_preds
  from core.units u
),
expected as (
  select s.unit_id, m.quarter, m.year
  from span s join months m
    on (s.valid_to is null or s.valid_to >= m.month_end)
   and (s.valid_from is null or s.valid_from <= m.month_end or s.has_preds)
),
expected_n as (
  select unit_id, 'quarter' as grain, quarter as period, count(*) as n from expected group by all
  union all
  select unit_id, 'year', year, count(*) from expected group by all
),
monthly as (
  select a.*, m.quarter, m.year, k.kind
  from core.actuals a join months m on m.month = a.period join kinds k using (indicator_id)
  where a.grain = 'month'
),
by_grain as (
  select 'quarter' as g, quarter as p, * from monthly
  where quarter in (select quarter from scope_months)
  union all
  select 'year', year, * from monthly
)
select b.indicator_id, b.unit_id, b.p as period, b.g as grain,
  case when any_value(b.kind) = 'flow' then sum(b.numerator)
       else arg_max(b.numerator, b.period) end as numerator,
  case when any_value(b.kind) = 'flow' then sum(b.denominator)
       else arg_max(b.denominator, b.period) end as denominator,
  case when any_value(b.kind) = 'flow' then min(b.coverage)
       else arg_max(b.coverage, b.period) end as coverage,
  case when bool_and(b.source = 'own') then 'own'
       when arg_max(b.source, b.period) = 'predecessors' then 'predecessors'
       else 'children' end as source,
  bool_or(b.reconstructed) as reconstructed,
  arg_max(b.children_total, b.period) as children_total,
  arg_max(b.children_reported, b.period) as children_reported,
  count(*) as months,
  any_value(e.n) as months_expected,
  any_value(b.kind) as kind
from by_grain b
left join expected_n e on e.unit_id = b.unit_id and e.grain = b.g and e.period = b.p
group by b.indicator_id, b.unit_id, b.p, b.g;

-- name: own_periods
-- A unit's own quarter and year reports (period 2024-Q3, 2024), paired like the months.
create or replace temp table own_periods as
with own as (
  select unit_id, metric, period, value from observations
  where (regexp_full_match(period, '\d{4}-Q[1-4]') and period in (select quarter from scope_months))
     or (regexp_full_match(period, '\d{4}') and period in (select year from scope_months))
)
select i.indicator_id, n.unit_id, n.period,
       case when length(n.period) = 4 then 'year' else 'quarter' end as grain,
       n.value as numerator, d.value as denominator
from core.measures i
join own n on n.metric = i.numerator
left join own d on d.metric = i.denominator and d.unit_id = n.unit_id and d.period = n.period
where i.denominator is null or d.value is not null;

-- name: write_periods
-- Quarter and year results replace those the scope touches.
delete from core.actuals
where (grain = 'quarter' and period in (select quarter from scope_months))
   or (grain = 'year' and period in (select year from scope_months));

insert into core.actuals
select r.indicator_id, r.unit_id, r.period, r.grain,
       -- a flow short of months is missing, not a smaller number: no partial sums are shown
       case when o.unit_id is null and r.kind = 'flow' and r.months < r.months_expected then null
            else coalesce(o.numerator, r.numerator) end,
       case when o.unit_id is null and r.kind = 'flow' and r.months < r.months_expected then null
            else coalesce(o.denominator, r.denominator) end,
       case
         when o.unit_id is null and r.kind = 'flow' and r.months < r.months_expected then null
         when i.denominator is null then coalesce(o.numerator, r.numerator)
         when coalesce(o.denominator, r.denominator) = 0 then null
         else 100.0 * coalesce(o.numerator, r.numerator) / coalesce(o.denominator, r.denominator)
       end,
       case when o.unit_id is not null then 1.0 else r.coverage end,
       case when o.unit_id is not null then 'own' else r.source end,
       o.unit_id is null and r.reconstructed,
       r.children_total, r.children_reported, r.months, r.months_expected, current_timestamp
from rolled r
join core.measures i using (indicator_id)
left join own_periods o
  on o.indicator_id = r.indicator_id and o.unit_id = r.unit_id and o.period = r.period;

insert into core.actuals
select o.indicator_id, o.unit_id, o.period, o.grain, o.numerator, o.denominator,
       case when i.denominator is null then o.numerator
            when o.denominator = 0 then null
            else 100.0 * o.numerator / o.denominator end,
       1.0, 'own', false, null, null, null, null, current_timestamp
from own_periods o
join core.measures i using (indicator_id)
anti join rolled r on r.indicator_id = o.indicator_id and r.unit_id = o.unit_id and r.period = o.period;
