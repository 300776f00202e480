package dev.confide.testing;

import dev.confide.app.Confide;
import dev.confide.crypto.FieldRef;
import dev.confide.rights.ErasureLedgerFile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What a crash must never leave behind, checked through the engine and SQL after a restart. A row
 * is <em>half-written</em> when it points at a row that is not there, when it belongs to a subject
 * who has neither a key nor an erasure record (so it can never be opened nor purged), when its
 * sealed content does not open, or when a conversation has no message at all. Each check returns
 * the offending ids, so a failure says what is wrong. An erased subject's rows are exempt from the
 * reference checks: their key is gone (nothing of them opens) and a purge in progress deletes them
 * table by table.
 */
public final class Integrity {
  /** Name of each check, and the SQL that lists what violates it (none means whole). */
  private static final Map<String, String> CHECKS = new java.util.LinkedHashMap<>();

  static {
    String live = "NOT EXISTS (SELECT 1 FROM erasure_ledger e WHERE e.subject_id = %s.subject_id)";
    CHECKS.put("conversation head points at a missing message", """
        SELECT c.id FROM conversations c WHERE c.head_message_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = c.head_message_id AND m.conversation_id = c.id)
          AND\s""" + live.formatted("c"));
    CHECKS.put("conversation without any message", """
        SELECT c.id FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)
          AND\s""" + live.formatted("c"));
    CHECKS.put("message whose parent is missing", """
        SELECT m.id FROM messages m WHERE m.parent_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM messages p WHERE p.id = m.parent_id AND p.conversation_id = m.conversation_id)
          AND\s""" + live.formatted("m"));
    CHECKS.put("message whose conversation is missing", """
        SELECT m.id FROM messages m WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = m.conversation_id)
          AND\s""" + live.formatted("m"));
    CHECKS.put("comparison pointing at a missing message", """
        SELECT x.id FROM comparisons x WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = x.prompt_message_id)
          OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = x.answer_a_id)
          OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = x.answer_b_id)""");
    CHECKS.put("account without a subject key", """
        SELECT a.subject_id FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM subject_keys k WHERE k.subject_id = a.subject_id)""");
    CHECKS.put("message of a subject with neither key nor erasure record", """
        SELECT m.id FROM messages m WHERE NOT EXISTS (SELECT 1 FROM subject_keys k WHERE k.subject_id = m.subject_id)
          AND\s""" + live.formatted("m"));
    CHECKS.put("erased subject whose key or account survived", """
        SELECT e.subject_id FROM erasure_ledger e WHERE EXISTS (SELECT 1 FROM subject_keys k WHERE k.subject_id = e.subject_id)
          OR EXISTS (SELECT 1 FROM accounts a WHERE a.subject_id = e.subject_id)""");
  }

  private Integrity() {}

  /** Every violation found, as "check: ids"; empty when the data is whole. */
  public static List<String> problems(Confide confide) {
    List<String> problems = new ArrayList<>();
    var jdbi = confide.database.jdbi();
    CHECKS.forEach((name, sql) -> {
      List<String> ids = jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
      if (!ids.isEmpty()) {
        problems.add(name + ": " + ids);
      }
    });
    // Every live subject key opens: the account's sealed profile and every sealed message.
    List<UUID> subjects = jdbi.withHandle(h -> h.createQuery("SELECT subject_id FROM subject_keys").mapTo(UUID.class).list());
    for (UUID subject : subjects) {
      try {
        if (jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM accounts WHERE subject_id = :s").bind("s", subject)
            .mapTo(Integer.class).one()) > 0) {
          confide.accounts.profile(subject).orElseThrow();
        }
        var sealer = confide.subjectKeys.sealer(subject);
        jdbi.useHandle(h -> h.createQuery("SELECT id, content_sealed FROM messages WHERE subject_id = :s").bind("s", subject)
            .map((rs, ctx) -> sealer.openString(FieldRef.of("messages", "content", rs.getObject(1, UUID.class)), rs.getBytes(2)))
            .list());
      } catch (RuntimeException e) {
        problems.add("subject key or sealed row does not open for " + subject + ": " + e);
      }
    }
    // Every erasure in the database has its line in the ledger file outside it.
    Set<UUID> inFile = new ErasureLedgerFile(confide.config.dataPath().resolve("erasure-ledger.jsonl")).entries().stream()
        .map(ErasureLedgerFile.Entry::subject).collect(Collectors.toCollection(HashSet::new));
    List<UUID> inDatabase = jdbi.withHandle(h -> h.createQuery("SELECT subject_id FROM erasure_ledger").mapTo(UUID.class).list());
    List<UUID> missing = inDatabase.stream().filter(s -> !inFile.contains(s)).toList();
    if (!missing.isEmpty()) {
      problems.add("erasure without its ledger file line: " + missing);
    }
    var audit = confide.auditLog.verify();
    if (!audit.valid()) {
      problems.add("audit chain does not verify: " + audit);
    }
    return problems;
  }
}
