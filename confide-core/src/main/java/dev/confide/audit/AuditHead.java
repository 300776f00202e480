package dev.confide.audit;

import java.time.Instant;

/**
 * The end of the chain, for export: an outside party that keeps it can later check, with {@link
 * AuditLog#verifyAgainst}, that nothing up to it was cut off or rewritten. An empty log has seq 0,
 * an empty mac and no time.
 *
 * @param mac hex of the last entry's MAC
 */
public record AuditHead(long seq, String mac, Instant at) {}
