-- disclosure: every call to a provider adds to today's row for its processor, purpose and category,
-- so under load all concurrent requests queued for the lock of that one row until their commits
-- (on PostgreSQL, until each WAL flush). The day's total is now kept in up to 16 stripes, each flow
-- adding to one picked at random; readers sum the stripes. Still counts only, per day.
CREATE TABLE disclosure_log_striped (
  disclosed_on DATE NOT NULL,
  processor    VARCHAR(100) NOT NULL,
  purpose      VARCHAR(64) NOT NULL,
  category     VARCHAR(64) NOT NULL,
  stripe       SMALLINT NOT NULL,
  flow_count   BIGINT NOT NULL,
  record_count BIGINT NOT NULL,
  PRIMARY KEY (disclosed_on, processor, purpose, category, stripe)
);
INSERT INTO disclosure_log_striped (disclosed_on, processor, purpose, category, stripe, flow_count, record_count)
  SELECT disclosed_on, processor, purpose, category, 0, flow_count, record_count FROM disclosure_log;
DROP TABLE disclosure_log;
ALTER TABLE disclosure_log_striped RENAME TO disclosure_log;
