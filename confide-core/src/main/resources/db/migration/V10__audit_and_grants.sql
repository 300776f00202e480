-- audit: the append-only, hash-chained audit log (P22). Each entry's mac is a keyed MAC (the audit
-- keyring) over its fields and the previous entry's mac, so an edited, deleted, inserted or
-- reordered entry breaks the chain. Entries hold ids, kinds and counts only, never personal values;
-- they outlive an erasure (the subject id is a random id that no longer leads anywhere).
CREATE TABLE audit_entries (
  seq         BIGINT PRIMARY KEY,
  occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
  actor_kind  VARCHAR(16) NOT NULL,
  actor_id    UUID,
  action      VARCHAR(64) NOT NULL,
  subject_id  UUID,
  target_kind VARCHAR(32),
  target_id   VARCHAR(64),
  detail      VARCHAR(2000) NOT NULL,
  prev_mac    BYTEA,
  mac         BYTEA NOT NULL
);
CREATE INDEX audit_entries_by_subject ON audit_entries (subject_id, seq);
CREATE INDEX audit_entries_by_actor ON audit_entries (actor_id, seq);
CREATE INDEX audit_entries_by_action ON audit_entries (action, seq);
CREATE INDEX audit_entries_by_time ON audit_entries (occurred_at);

-- audit: the chain head, one row. Every append updates it first, so its row lock serializes appends
-- from all threads and instances; it is also what an outside party keeps to detect a cut-off tail.
CREATE TABLE audit_head (
  id       INTEGER PRIMARY KEY,
  last_seq BIGINT NOT NULL,
  last_mac BYTEA,
  last_at  TIMESTAMP WITH TIME ZONE,
  CONSTRAINT audit_head_single_row CHECK (id = 1)
);
INSERT INTO audit_head (id, last_seq) VALUES (1, 0);

-- audit: break-glass grants (P21): one staff member, one subject, a reason (sealed with the
-- subject's key: it may describe the subject's problem) and a ticket, at most an hour.
CREATE TABLE break_glass_grants (
  id            UUID PRIMARY KEY,
  staff_id      UUID NOT NULL,
  subject_id    UUID NOT NULL,
  reason_sealed BYTEA NOT NULL,
  ticket        VARCHAR(64) NOT NULL,
  minutes       INTEGER NOT NULL,
  status        VARCHAR(16) NOT NULL,
  requested_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  decided_by    UUID,
  decided_at    TIMESTAMP WITH TIME ZONE,
  opened_at     TIMESTAMP WITH TIME ZONE,
  expires_at    TIMESTAMP WITH TIME ZONE,
  closed_at     TIMESTAMP WITH TIME ZONE,
  CONSTRAINT break_glass_grants_minutes CHECK (minutes BETWEEN 1 AND 60)
);
CREATE INDEX break_glass_grants_by_staff_subject ON break_glass_grants (staff_id, subject_id, status);
CREATE INDEX break_glass_grants_by_subject ON break_glass_grants (subject_id);
CREATE INDEX break_glass_grants_by_status ON break_glass_grants (status, requested_at);
