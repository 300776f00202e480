package dev.confide.audit;

/**
 * The outcome of walking the chain.
 *
 * @param firstBadSeq the first sequence number where the chain does not hold, or null when valid
 * @param problem a stable code, or null when valid: {@code missing_entry} (a gap: deleted or cut
 *     off), {@code chain_broken} (an entry does not follow its predecessor: reordered or
 *     inserted), {@code mac_mismatch} (edited or forged), {@code head_mismatch} (the head row
 *     does not match the last entry: entries appended or cut off behind its back), {@code
 *     truncated} (an exported head's entry is gone), {@code rewritten} (an exported head's entry
 *     is there but is not the one exported)
 */
public record AuditVerification(boolean valid, long entriesChecked, Long firstBadSeq, String problem) {

  static AuditVerification ok(long checked) {
    return new AuditVerification(true, checked, null, null);
  }

  static AuditVerification bad(long checked, long seq, String problem) {
    return new AuditVerification(false, checked, seq, problem);
  }
}
