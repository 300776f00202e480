-- identity: access log (P09): sign-ins, sign-ups and API-key use, with client address and browser.
-- The address is truncated after 30 days and the row deleted after two years by the sweeps.
CREATE TABLE access_logs (
  id           UUID PRIMARY KEY,
  subject_id   UUID NOT NULL,
  kind         VARCHAR(16) NOT NULL,
  ip           VARCHAR(64),
  ip_truncated BOOLEAN NOT NULL,
  user_agent   VARCHAR(300),
  accessed_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX access_logs_by_subject ON access_logs (subject_id, accessed_at);
CREATE INDEX access_logs_by_time ON access_logs (accessed_at);
