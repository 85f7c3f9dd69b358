-- 004: who wrote what through the server. grain: one row per write request (an upload, a token
-- created or revoked) whatever its outcome — loaded, unchanged, dry run, rejected (422), out of
-- the reporter's scope or the wrong role (403), no or a bad token (401), too large (413), failed
-- (500). `detail` is JSON (file, sha256, counts, error code, address). Appended, never updated.
--
-- No view in `main`: the analyst contract is the data, not the people who hold tokens (labels
-- name them). Whoever opens the file reads core.audit; the API's SQL sandbox must not list it.
create table core.audit (
  "at"     timestamp not null,  -- quoted: AT is a keyword in DuckDB
  token_id varchar,             -- null when the request carried no valid token
  role     varchar,
  label    varchar,
  action   varchar not null,    -- ingest | token.create | token.revoke | …
  method   varchar not null,
  route    varchar not null,
  status   integer not null,    -- the HTTP status answered
  batch_id varchar,             -- the batch loaded, when one was
  detail   varchar
);
