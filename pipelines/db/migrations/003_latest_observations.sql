-- 003: the latest revision without a window over every revision. Almost every figure has one
-- revision, so "no newer revision exists" is an anti-join against the few revised rows (a small
-- build side) instead of a sort of the whole table; the same rows, several times faster.
drop view observations;
create view observations as
  select r.unit_id, r.unit_code, r.period, r.metric, r.value, r.batch_id, r.loaded_at
  from core.observation_revisions r
  anti join (select unit_id, period, metric, revision from core.observation_revisions
             where revision > 1) newer
    on newer.unit_id = r.unit_id and newer.period = r.period and newer.metric = r.metric
   and newer.revision > r.revision;
