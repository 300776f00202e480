-- rights: support tickets (P11), sealed with the subject's key; part of access, export and erasure.
CREATE TABLE support_tickets (
  id             UUID PRIMARY KEY,
  subject_id     UUID NOT NULL,
  subject_sealed BYTEA NOT NULL,
  body_sealed    BYTEA NOT NULL,
  status         VARCHAR(16) NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX support_tickets_by_subject ON support_tickets (subject_id, created_at);
