-- analytics: anonymized decision data (P05). No subject link, time cut to the day, the conversation
-- up to (not including) the compared answers, PII replaced by type placeholders. Survives erasure.
CREATE TABLE decision_records (
  id           UUID PRIMARY KEY,
  decided_on   DATE NOT NULL,
  model_a      VARCHAR(200) NOT NULL,
  model_b      VARCHAR(200) NOT NULL,
  choice       VARCHAR(16) NOT NULL,
  conversation VARCHAR(1000000) NOT NULL
);
CREATE INDEX decision_records_by_day ON decision_records (decided_on);

-- rights: the erasure ledger. One row per erased subject; re-applied after a backup restore so that
-- erased subjects stay erased. purged_at is set once every row of the subject is gone.
CREATE TABLE erasure_ledger (
  subject_id   UUID PRIMARY KEY,
  tombstone    UUID NOT NULL,
  reason       VARCHAR(32) NOT NULL,
  erased_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  purge_due_at TIMESTAMP WITH TIME ZONE NOT NULL,
  purged_at    TIMESTAMP WITH TIME ZONE
);
