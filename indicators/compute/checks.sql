-- Reporting timeliness and data-quality findings (DESIGN.md §3, §4). The calendar is the
-- TypeScript's (pipelines/normalize/calendar.ts): parameters $today (the day the statuses are
-- computed on, in Vietnam) and $last_month (the last full month before it, YYYY-MM), and the
-- months' ends in scope_months and reporting_months; no date arithmetic and no clock here.

-- name: reporting
-- grain: one row per (unit, month) that owes a report: the month's report is due on a plan's day
-- of the next month. A plan that sets a day binds its own unit and every unit under it (those
-- that existed at the month's end) over its window: from the month it was issued to its last
-- target's deadline (first_month and last_month, written by the plan import), cut short where a
-- newer plan of the same unit that sets a day begins, and never past the last full month. Where
-- several plans bind a unit in a month, the nearest plan above it wins (its own unit's before its
-- parent's, the province's before the country's); between plans of one unit, the newer.
-- received_at is when the month's first figure arrived: its batch's load time, as the date and
-- time in Vietnam (loaded_at is the server's wall clock in DuckDB's TimeZone, UTC on most
-- servers: a report loaded at 06:30 on the 6th in Hà Nội is 23:30 on the 5th in UTC, and is due
-- by the plan's day in Vietnam). declared_at is the earliest reported_at the unit's files gave
-- for the month (what the unit says; never after today nor before the period: the ingest
-- refuses those). On time or late reads the arrival, the one date the server witnessed: a
-- declared date is honoured only for figures the database's operator loaded from the command
-- line (`chitieu ingest`, the demo: loaded_by 'cli' or 'demo'), who enters reports that arrived
-- on paper or by mail and is the authority on when they did; an upload through the API (a
-- reporter's token, or an admin's) is judged by its arrival, so that no unit can make a late
-- report on time by writing an earlier date in its own file. Months are those of
-- reporting_months (refresh.ts: every month a duty
-- covers in a full refresh or after a plan import; otherwise the months in scope, those still
-- pending and those that came due since).
delete from core.reporting_status where period in (select month from reporting_months);

insert into core.reporting_status
with recursive obligations as (
  select plan_id, unit_id, report_due_day, first_month, last_month,
         -- the month a newer duty of the same unit takes over from this one
         lead(first_month) over (partition by unit_id order by first_month, plan_id) as superseded_from
  from core.reporting_obligations
  where unit_id is not null and first_month is not null
),
tree(plan_id, unit_id, depth) as (
  select plan_id, unit_id, 0 from obligations
  union all
  select t.plan_id, u.unit_id, t.depth + 1 from tree t join core.units u on u.parent_id = t.unit_id
),
owed as (
  -- the duty that binds each unit in each month, with the month's calendar
  select t.unit_id, m.month, o.plan_id, o.report_due_day, m.next_month_start, m.next_month_end
  from obligations o
  join reporting_months m
    on m.month >= o.first_month and m.month <= least(o.last_month, $last_month)
   and (o.superseded_from is null or m.month < o.superseded_from)
  join tree t on t.plan_id = o.plan_id
  join core.units u on u.unit_id = t.unit_id
  where (u.valid_from is null or u.valid_from <= m.month_end)
    and (u.valid_to is null or u.valid_to >= m.month_end)
  qualify row_number() over (
    partition by t.unit_id, m.month order by t.depth, o.first_month desc, o.plan_id desc) = 1
),
due as (
  select unit_id, month, plan_id,
         -- the report for month M is due on day D of month M+1 (the month's last day if shorter)
         least(next_month_start + (report_due_day - 1), next_month_end) as due_on
  from owed
),
arrivals as (
  select unit_id, month, min(arrived) as received_at, min(reported_at) as declared_at,
         min(case when trusted then coalesce(reported_at, arrived) else arrived end) as counted_at
  from (
    select r.unit_id, substr(r.period, 1, 7) as month, r.reported_at,
           timezone('Asia/Ho_Chi_Minh', b.loaded_at::timestamptz) as arrived,
           b.loaded_by in ('cli', 'demo') as trusted
    from core.observation_revisions r join core.batches b using (batch_id)
    where regexp_full_match(r.period, '\d{4}-\d{2}(-\d{2})?')
      and substr(r.period, 1, 7) in (select month from reporting_months))
  group by all
)
select d.unit_id, u.code, d.month, d.plan_id, d.due_on, a.received_at,
       case when a.counted_at is not null and a.counted_at::date <= d.due_on then 'on_time'
            when a.counted_at is not null then 'late'
            when $today::date > d.due_on then 'missing'
            else 'pending' end,
       a.declared_at
from due d
join core.units u using (unit_id)
left join arrivals a on a.unit_id = d.unit_id and a.month = d.month;

-- name: all_month
-- grain: one row per (unit, metric, month) the unit reported, over the months the checks of the
-- scope need (context_months, from the calendar in refresh.ts: six months either side of a
-- scope month, and the same calendar month of the thirty years before; monthly_report_rows is
-- defined in actuals.sql).
create or replace temp table all_month as
select unit_id, metric, month, arg_max(value, priority) as value
from monthly_report_rows
where month in (select month from context_months)
group by all;

-- name: history
-- grain: one row per (unit, metric, month) with what outliers are judged on. The signal is a
-- flow's value, or a stock's change from the month before (a cumulative level is judged by how
-- it moves). It is compared with the 13 months centred on it (median and median absolute
-- deviation), so a trend is not an outlier; a flow with the same calendar month in three or
-- more earlier years is compared instead with those months, after dividing each by its own
-- local median (so a Tết dip every February is usual, and growth does not count).
create or replace temp table history as
with signal as (
  select o.unit_id, o.metric, o.month, m.kind, o.value,
         -- a stock's change per month (a gap of two months spreads the change over both)
         case when m.kind = 'stock' then (o.value - lag(o.value) over w) /
           date_diff('month', strptime(lag(o.month) over w || '-01', '%Y-%m-%d'), strptime(o.month || '-01', '%Y-%m-%d'))
           else o.value end as x,
         case when m.kind = 'stock' then lag(o.value) over w end as prev,
         count(*) over (partition by o.unit_id, o.metric) as n
  from all_month o join core.metrics m on m.metric_id = o.metric
  window w as (partition by o.unit_id, o.metric order by o.month)
),
local as (
  select *, median(x) over w as med
  from signal where x is not null
  window w as (partition by unit_id, metric order by month rows between 6 preceding and 6 following)
),
local_dev as (
  select *, median(abs(x - med)) over w as mad, avg(abs(x - med)) over w as meanad,
         case when kind = 'flow' and med > 0 then x / med end as ratio
  from local
  window w as (partition by unit_id, metric order by month rows between 6 preceding and 6 following)
),
seasonal as (
  select *,
         median(ratio) over e as season_med,
         count(ratio) over e as season_n
  from local_dev
  window e as (partition by unit_id, metric, substr(month, 6, 2) order by month
               rows between unbounded preceding and 1 preceding)
)
select *,
       median(abs(ratio - season_med)) over e as season_mad
from seasonal
window e as (partition by unit_id, metric, substr(month, 6, 2) order by month
             rows between unbounded preceding and 1 preceding);

-- name: quality
-- Findings from the engine (batch_id null) for the months in scope are recomputed; the ingest's
-- own warnings stay.
delete from core.quality_findings
where batch_id is null and period in (select month from scope_months);

insert into core.quality_findings
select * from (
-- a numerator above its denominator in a unit's own report: once per pair of metrics, whichever
-- measures read it (two targets may declare the same pair)
select null as batch_id, n.unit_id, n.month as period, i.numerator, 'numerator_above_denominator', 'warning',
       i.numerator || ' ' || n.value || ' is above ' || i.denominator || ' ' || d.value ||
       ' (' || i.indicator_id || ')',
       n.value::varchar, null, current_timestamp
from (select numerator, denominator, min(indicator_id) as indicator_id from core.measures
      where denominator is not null group by numerator, denominator) i
join all_month n on n.metric = i.numerator
join all_month d on d.metric = i.denominator and d.unit_id = n.unit_id and d.month = n.month
where n.value > d.value
union all
-- a stock (a cumulative level) that fell from one month to the next
select null, unit_id, month, metric, 'stock_fell', 'warning',
       metric || ' fell from ' || prev || ' in ' || prev_month || ' to ' || value,
       value::varchar, null, current_timestamp
from (
  select o.*, lag(o.value) over w as prev, lag(o.month) over w as prev_month
  from all_month o join core.metrics m on m.metric_id = o.metric and m.kind = 'stock'
  window w as (partition by o.unit_id, o.metric order by o.month)
)
where value < prev
union all
-- a zero where the unit reported more than zero the month before: zero, or missing written as 0?
select null, unit_id, month, metric, 'zero_after_values', 'info',
       metric || ' is 0 after ' || prev || ' in ' || prev_month || ': a real zero, or a missing figure?',
       '0', null, current_timestamp
from (
  select o.*, lag(o.value) over w as prev, lag(o.month) over w as prev_month
  from all_month o
  window w as (partition by o.unit_id, o.metric order by o.month)
)
where value = 0 and prev > 0
union all
-- robust outliers: a modified z-score above 3.5 (Iglewicz and Hoaglin) against the history
-- described in `history`, and a move that matters (a flow 40 % off its local median or off its
-- usual seasonal ratio; a stock's change 5 % of its level off its usual change). When the
-- median absolute deviation is zero the mean absolute deviation (× 1.2533) stands in; a history
-- with no spread at all, or under six months, is not judged.
select null, unit_id, month, metric, 'outlier', 'warning',
       case when kind = 'stock'
            then metric || ' moved by ' || round(x, 1) || ' a month to ' || value || '; it usually moves by about ' || round(med, 1)
            when seasonal
            then metric || ' ' || value || ' is ' || round(ratio, 2) || '× its local median; in this month of earlier years it was ' || round(season_med, 2) || '×'
            else metric || ' ' || value || ' is far from its usual ' || round(med, 1) end ||
       ' (modified z-score ' || round(z, 1) || ')',
       value::varchar, null, current_timestamp
from (
  select *,
    season_n >= 3 and kind = 'flow' as seasonal,
    case when season_n >= 3 and kind = 'flow' then
           case when season_mad > 0 then 0.6745 * (ratio - season_med) / season_mad end
         when mad > 0 then 0.6745 * (x - med) / mad
         when meanad > 0 then (x - med) / (1.2533 * meanad) end as z
  from history
  where n >= 6
)
where abs(z) > 3.5
  and ((kind = 'flow' and seasonal and abs(ratio - season_med) > 0.4)
    or (kind = 'flow' and not seasonal and abs(x - med) > 0.4 * abs(med))
    or (kind = 'stock' and abs(x - med) > 0.05 * abs(prev)))
) where period in (select month from scope_months);
