package dev.confide.incidents;

import dev.confide.audit.BreakGlassGrants;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Update;

/**
 * Turns a scope into rows of {@code incident_subjects}, in the database where it can (a scope may
 * cover millions of subjects), noting for each whether it is a HIPAA account. Only adds: subjects
 * already listed keep their notice state.
 */
final class ScopeResolver {
  /** Usage records of purged subjects carry a tombstone instead of the subject id; they are nobody to notify. */
  private static final String NOT_A_TOMBSTONE = " AND NOT EXISTS (SELECT 1 FROM erasure_ledger e WHERE e.tombstone = u.subject_id)";

  private final BreakGlassGrants grants;

  ScopeResolver(BreakGlassGrants grants) {
    this.grants = grants;
  }

  /** @return how many subjects were added */
  int apply(Handle h, UUID incident, IncidentScope scope, Instant now) {
    if (scope instanceof IncidentScope.Subjects s) {
      return addEach(h, incident, s.ids(), now);
    }
    if (scope instanceof IncidentScope.ReadUnderGrants g) {
      return addEach(h, incident, grants.subjectsReadUnder(g.grantIds()), now);
    }
    if (scope instanceof IncidentScope.ApiKey k) {
      String usage = "SELECT u.subject_id FROM usage_records u WHERE u.api_key_id = :key" + NOT_A_TOMBSTONE
          + (k.from() == null ? "" : " AND u.created_at >= :from") + (k.to() == null ? "" : " AND u.created_at < :to");
      Update insert = h.createUpdate(insertFrom("SELECT k.subject_id FROM api_keys k WHERE k.key_id = :key UNION " + usage))
          .bind("key", k.keyId());
      if (k.from() != null) {
        insert.bind("from", k.from());
      }
      if (k.to() != null) {
        insert.bind("to", k.to());
      }
      return insert.bind("incident", incident).bind("now", now).execute();
    }
    IncidentScope.ActiveBetween w = (IncidentScope.ActiveBetween) scope;
    return h.createUpdate(insertFrom("""
            SELECT a.subject_id FROM access_logs a WHERE a.accessed_at >= :from AND a.accessed_at < :to
            UNION
            SELECT u.subject_id FROM usage_records u WHERE u.created_at >= :from AND u.created_at < :to""" + NOT_A_TOMBSTONE))
        .bind("from", w.from()).bind("to", w.to()).bind("incident", incident).bind("now", now)
        .execute();
  }

  private static String insertFrom(String candidates) {
    return """
        INSERT INTO incident_subjects (incident_id, subject_id, hipaa, added_at, notice_status)
        SELECT :incident, c.subject_id, COALESCE((SELECT ac.hipaa FROM accounts ac WHERE ac.subject_id = c.subject_id), FALSE),
               :now, 'pending'
        FROM (""" + candidates + """
        ) c
        WHERE NOT EXISTS (SELECT 1 FROM incident_subjects i WHERE i.incident_id = :incident AND i.subject_id = c.subject_id)""";
  }

  private static int addEach(Handle h, UUID incident, Collection<UUID> subjects, Instant now) {
    if (subjects.isEmpty()) {
      return 0;
    }
    PreparedBatch batch = h.prepareBatch("""
        INSERT INTO incident_subjects (incident_id, subject_id, hipaa, added_at, notice_status)
        SELECT :incident, :subject, COALESCE((SELECT ac.hipaa FROM accounts ac WHERE ac.subject_id = :subject), FALSE),
               :now, 'pending'
        WHERE NOT EXISTS (SELECT 1 FROM incident_subjects i WHERE i.incident_id = :incident AND i.subject_id = :subject)""");
    for (UUID subject : new LinkedHashSet<>(subjects)) {
      batch.bind("incident", incident).bind("subject", subject).bind("now", now).add();
    }
    int added = 0;
    for (int n : batch.execute()) {
      added += n;
    }
    return added;
  }
}
