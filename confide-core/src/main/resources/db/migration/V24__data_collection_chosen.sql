-- consent: whether the subject chose decision data collection (P05), or follows the default for their kind of
-- account. Before, the first change of any other setting (or a Sec-GPC request) wrote the default of that day
-- into the row, so an account marked HIPAA later, or a default lowered in the policy, kept collection on.
ALTER TABLE subject_settings ADD COLUMN data_collection_chosen BOOLEAN DEFAULT TRUE NOT NULL;
UPDATE subject_settings SET data_collection_chosen = FALSE
WHERE NOT EXISTS (SELECT 1 FROM consent_ledger l WHERE l.subject_id = subject_settings.subject_id AND l.setting = 'dataCollection');
