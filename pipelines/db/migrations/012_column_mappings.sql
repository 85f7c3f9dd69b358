-- Column mappings remembered per unit for the browser upload: an office sends the same form every
-- month, so the mapping its officer gave once (a header as the form writes it → a metric id, or
-- unit_name, unit_code, period, note, ignore) is offered again (pipelines/load/mapping-store.ts).
-- Grain: one row per unit and header.
create table if not exists core.column_mappings (
  unit_id  varchar not null,
  header   varchar not null,
  target   varchar not null,
  saved_by varchar,
  saved_at timestamp not null,
  primary key (unit_id, header)
);
