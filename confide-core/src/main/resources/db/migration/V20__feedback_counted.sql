-- feedback: whether the rating was counted in the anonymous events (P06). A restricted or objecting
-- subject's rating is kept for them but not counted (P26, P28); a later change retracts only what was
-- counted, so the net figures never go below what consenting subjects gave.
ALTER TABLE message_feedback ADD COLUMN counted BOOLEAN NOT NULL DEFAULT TRUE;
