package dev.confide.audit;

import java.time.Instant;
import java.util.SortedMap;
import java.util.UUID;

/**
 * One stored audit entry. {@code mac} is the keyed MAC of the entry's fields and {@code prevMac};
 * both are hex (prevMac is empty for the first entry).
 */
public record AuditEntry(long seq, Instant at, Actor actor, String action, UUID subject, String targetKind,
    String targetId, SortedMap<String, String> detail, String prevMac, String mac) {}
