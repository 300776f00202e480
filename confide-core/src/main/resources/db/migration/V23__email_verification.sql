-- identity: e-mail ownership. email_verified_at is when a code mailed to the account's current address
-- came back; NULL until then. Accounts made before stay unverified (nobody proved their address): while
-- an address is unverified only legal mail goes to it, and its owner can verify it from the account page.
ALTER TABLE accounts ADD COLUMN email_verified_at TIMESTAMP WITH TIME ZONE;

-- identity: the code waiting to verify an address, one row per subject; a new code replaces the old one.
-- code_sealed is sealed with the subject's key, NULL when no code waits (voided after five wrong tries, or
-- an address change taken back). new_email_sealed and its blind index hold an address change until its
-- code comes back; NULL means the code is for the current address. window_started_at and codes_in_window
-- count the codes mailed in the current hour, so voiding or replacing a code does not reset that limit.
-- The row goes once the address is verified, and with the subject on erasure.
CREATE TABLE email_verifications (
  subject_id        UUID PRIMARY KEY,
  code_sealed       BYTEA,
  new_email_sealed  BYTEA,
  new_email_index   BYTEA,
  attempts          INT DEFAULT 0 NOT NULL,
  expires_at        TIMESTAMP WITH TIME ZONE,
  created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
  window_started_at TIMESTAMP WITH TIME ZONE NOT NULL,
  codes_in_window   INT NOT NULL
);
