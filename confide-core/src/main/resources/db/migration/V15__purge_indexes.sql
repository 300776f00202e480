-- retention: the purge of an erased subject deletes by subject_id in batches; without these indexes
-- each batch scanned the whole table (found by the erasure benchmark, docs/benchmarks.md).
CREATE INDEX message_feedback_by_subject ON message_feedback (subject_id);
CREATE INDEX comparisons_by_subject ON comparisons (subject_id);
CREATE INDEX privacy_request_events_by_subject ON privacy_request_events (subject_id);
CREATE INDEX request_reminders_by_subject ON request_reminders (subject_id);
