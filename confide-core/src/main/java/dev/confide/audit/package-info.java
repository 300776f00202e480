/**
 * Accountability for everything done to subjects' data (P21, P22): the append-only audit log,
 * hash-chained with a keyed MAC so that an edited, deleted, inserted or reordered entry is found by
 * {@link dev.confide.audit.AuditLog#verify()}, and break-glass grants, the only way a staff member
 * reads a subject's content: one subject, a reason and a ticket, at most an hour, every read
 * audited. Audit entries carry ids, kinds and counts, never personal values
 * ({@link dev.confide.audit.AuditEvent} enforces it). Owns the tables {@code audit_entries},
 * {@code audit_head} and {@code break_glass_grants}.
 */
package dev.confide.audit;
