-- identity: hashes made so far passed the password to Argon2 with zero padding after its UTF-8 bytes.
-- They are marked, still verify, and are replaced by standard Argon2id hashes at the next sign-in.
UPDATE accounts SET password_hash = 'padded' || password_hash WHERE password_hash LIKE '$argon2id$%';
UPDATE staff_members SET password_hash = 'padded' || password_hash WHERE password_hash LIKE '$argon2id$%';
