-- 014: a plan note in Vietnamese beside the English one (issue 15.2: a Vietnamese page shows no
-- English prose). `text` keeps its meaning (the note as the encoder wrote it, in English); `text_vi`
-- is the same note in Vietnamese, null for a plan file that has none yet.
-- grain: unchanged, one row per plan note.
alter table core.plan_notes add column if not exists text_vi varchar;
