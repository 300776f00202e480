-- rights: an access/export archive is stored as the ciphertext of one streaming-AEAD stream, cut into
-- rows of about 1 MB, so neither writing nor downloading it ever holds the whole archive in memory.
-- The stream's key is sealed with the subject's key in privacy_requests.archive_key_sealed: erasing
-- the subject shreds the archive, and the purge deletes the rows. archive_sealed (the whole archive
-- in one value) is read only for archives made before this version.
ALTER TABLE privacy_requests ADD COLUMN archive_key_sealed BYTEA;
CREATE TABLE export_chunks (
  request_id UUID NOT NULL,
  seq        INTEGER NOT NULL,
  subject_id UUID NOT NULL,
  chunk      BYTEA NOT NULL,
  PRIMARY KEY (request_id, seq)
);
CREATE INDEX export_chunks_by_subject ON export_chunks (subject_id);

-- retention: the chat sweep pages through idle conversations in (last_activity_at, id) order; without
-- this index every batch scanned the table (docs/benchmarks.md, retention sweep under write load).
CREATE INDEX conversations_by_activity ON conversations (last_activity_at, id);
