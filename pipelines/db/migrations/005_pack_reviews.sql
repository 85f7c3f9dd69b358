-- 005: quarterly packs saved "as reviewed". The pack's figures are kept as they were shown, so a
-- later reading says "as reviewed on <date>" and lists what changed since.

-- grain: one row per saving of a unit's pack for a quarter (the latest one is shown)
create table core.pack_reviews (
  review_id     varchar primary key,
  unit_id       varchar not null,
  quarter       varchar not null,
  reviewed_at   timestamp not null,
  reviewed_by   varchar not null,
  data_version  varchar not null,
  data_as_of    varchar,
  snapshot      varchar not null   -- the pack's data as JSON, exactly as it was rendered
);
