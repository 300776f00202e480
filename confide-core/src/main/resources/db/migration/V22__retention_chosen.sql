-- consent: whether the subject chose their chat retention, or follows the policy's default (P04). Before, any
-- change of another setting wrote the default of the day into the row, and a later change of the default
-- passed that subject by. Rows whose consent ledger never recorded a retention choice follow the default.
ALTER TABLE subject_settings ADD COLUMN retention_chosen BOOLEAN DEFAULT TRUE NOT NULL;
UPDATE subject_settings SET retention_chosen = FALSE
WHERE NOT EXISTS (SELECT 1 FROM consent_ledger l WHERE l.subject_id = subject_settings.subject_id AND l.setting = 'chatRetentionDays');
