-- Foundation schema. Written once for both H2 (PostgreSQL mode) and PostgreSQL.
-- Every table that holds a data subject's data carries subject_id (DESIGN.md section 5).

-- crypto: keyrings (Tink keysets encrypted by the root key) and the life of each key version.
CREATE TABLE keyrings (
  name             VARCHAR(32) PRIMARY KEY,
  encrypted_keyset BYTEA NOT NULL,
  revision         BIGINT NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE key_versions (
  keyring      VARCHAR(32) NOT NULL,
  key_id       BIGINT NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  destroyed_at TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (keyring, key_id)
);

-- crypto: one Tink keyset per data subject, wrapped by the key-encryption keyring.
CREATE TABLE subject_keys (
  subject_id     UUID PRIMARY KEY,
  wrapped_keyset BYTEA NOT NULL,
  kek_key_id     BIGINT NOT NULL,
  primary_day    DATE NOT NULL,
  revision       BIGINT NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX subject_keys_by_kek ON subject_keys (kek_key_id);

-- identity: end-user accounts. No plaintext email: email_index is a keyed MAC for log-in look-up.
CREATE TABLE accounts (
  subject_id     UUID PRIMARY KEY,
  email_index    BYTEA NOT NULL,
  email_sealed   BYTEA NOT NULL,
  name_sealed    BYTEA NOT NULL,
  profile_sealed BYTEA NOT NULL,
  password_hash  VARCHAR(255) NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT accounts_email_index_unique UNIQUE (email_index)
);

-- identity: server-side session records, so log-out and erasure revoke a sealed cookie at once.
CREATE TABLE sessions (
  session_hash BYTEA PRIMARY KEY,
  subject_id   UUID NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  revoked_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX sessions_by_subject ON sessions (subject_id);

-- identity: API keys; only a hash of the secret is kept.
CREATE TABLE api_keys (
  key_id        UUID PRIMARY KEY,
  subject_id    UUID NOT NULL,
  secret_hash   BYTEA NOT NULL,
  display_hint  VARCHAR(16) NOT NULL,
  name_sealed   BYTEA,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  last_used_at  TIMESTAMP WITH TIME ZONE,
  revoked_at    TIMESTAMP WITH TIME ZONE,
  CONSTRAINT api_keys_secret_hash_unique UNIQUE (secret_hash)
);
CREATE INDEX api_keys_by_subject ON api_keys (subject_id);

-- identity: staff members are data subjects too; their roles gate the staff API.
CREATE TABLE staff_members (
  subject_id    UUID PRIMARY KEY,
  email_index   BYTEA NOT NULL,
  email_sealed  BYTEA NOT NULL,
  name_sealed   BYTEA NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  roles         VARCHAR(255) NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  disabled_at   TIMESTAMP WITH TIME ZONE,
  CONSTRAINT staff_email_index_unique UNIQUE (email_index)
);

-- store: one row per background job; whoever holds an unexpired lease runs it.
CREATE TABLE job_leases (
  name       VARCHAR(64) PRIMARY KEY,
  holder     VARCHAR(128),
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
