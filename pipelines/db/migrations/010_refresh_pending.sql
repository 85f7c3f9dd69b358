-- Refresh work owed: a batch writes its row here in the transaction that stores its figures, and
-- the engine's refresh of the batch's months deletes it in the transaction that stores the
-- results. A crash between the two leaves the row, and whoever opens the database for writing
-- next (a server before it serves, an ingest, `chitieu refresh`) completes the work first: no
-- one is ever served results older than the figures. Grain: one row per batch still owed.
create table if not exists core.refresh_pending (
  batch_id    varchar primary key,
  recorded_at timestamp not null
);
