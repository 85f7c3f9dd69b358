-- 011: browser accounts (issue 14). grain: one row per login. A password is stored only as its
-- scrypt hash with its own salt and cost (`scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`, base64url),
-- so the cost can rise later without a migration. unit_id is the unit a reporter or planner acts
-- for, resolved to its id when the account is made (an id never names another unit after a
-- reform; a code may). Sessions are not here: they live in the server's memory (one process),
-- die with it, and are dropped at sign-out and when their account is disabled. Sign-ins, sign-outs
-- and failures are rows of core.audit.
--
-- No view in `main`: people's accounts are not the analyst contract; the SQL sandbox must not
-- list core.accounts.
create table core.accounts (
  login               varchar primary key,  -- lowercase, [a-z0-9._-]
  role                varchar not null
                        check (role in ('viewer', 'reporter', 'planner', 'analyst', 'admin')),
  unit_id             varchar,              -- reporter and planner scope; null: everywhere
  password_hash       varchar not null,
  must_change         boolean not null,     -- a one-time password: changed at first sign-in
  created_at          timestamp not null,   -- UTC
  password_changed_at timestamp,            -- UTC, the last change by its holder
  disabled_at         timestamp             -- UTC; a disabled account signs nobody in
);
