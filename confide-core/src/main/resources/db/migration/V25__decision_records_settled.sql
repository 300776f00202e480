-- analytics: decision records are written in the order decisions are made, so a row's position on disk
-- (H2's row id, PostgreSQL's ctid) could be matched against the subject's own comparisons of that day (P05).
-- Once their day is over, records are rewritten in random order and marked settled; existing rows wait for that.
ALTER TABLE decision_records ADD COLUMN settled BOOLEAN DEFAULT FALSE NOT NULL;
