-- identity: staff sign in separately from end users, with a password and a TOTP second factor (P21).
-- The TOTP secret is sealed with the staff member's own subject key; the last accepted time step
-- is kept so a code cannot be replayed.
ALTER TABLE staff_members ADD COLUMN totp_sealed BYTEA;
ALTER TABLE staff_members ADD COLUMN totp_last_step BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE staff_members ADD COLUMN password_change_required BOOLEAN DEFAULT FALSE NOT NULL;

CREATE TABLE staff_sessions (
  session_hash BYTEA PRIMARY KEY,
  subject_id   UUID NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  revoked_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX staff_sessions_by_subject ON staff_sessions (subject_id);

-- identity: the business associate agreement that makes an account a HIPAA account (P31), set by staff.
ALTER TABLE accounts ADD COLUMN baa_reference VARCHAR(200);

-- rights: requests that arrived by email are verified by a one-time code mailed to the account (P30);
-- the code is sealed with the subject's key (an 8-digit hash could be brute-forced from a copy). Reminders before a deadline are sent once each.
CREATE TABLE request_verifications (
  request_id   UUID PRIMARY KEY,
  subject_id   UUID NOT NULL,
  code_sealed  BYTEA NOT NULL,
  expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  attempts     INT DEFAULT 0 NOT NULL,
  verified_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX request_verifications_by_subject ON request_verifications (subject_id);

CREATE TABLE request_reminders (
  request_id   UUID NOT NULL,
  subject_id   UUID NOT NULL,
  reminder     VARCHAR(32) NOT NULL,
  sent_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (request_id, reminder)
);

-- rights: where a request came from (app, or email taken in by staff) and, for objections, the purposes.
ALTER TABLE privacy_requests ADD COLUMN channel VARCHAR(16) DEFAULT 'app' NOT NULL;
ALTER TABLE privacy_requests ADD COLUMN purposes VARCHAR(500);

-- store: when each leased job last finished, whichever instance ran it (for `policy verify` self-checks).
ALTER TABLE job_leases ADD COLUMN last_success_at TIMESTAMP WITH TIME ZONE;
