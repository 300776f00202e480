package dev.confide.rights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.confide.chat.ConversationSummary;
import dev.confide.chat.ConversationView;
import dev.confide.chat.Conversations;
import dev.confide.chat.Page;
import dev.confide.consent.SubjectSettings;
import dev.confide.crypto.FieldRef;
import dev.confide.crypto.SubjectKeys;
import dev.confide.disclosure.LegalDisclosures;
import dev.confide.disclosure.SubjectRegions;
import dev.confide.identity.AccessLog;
import dev.confide.identity.Accounts;
import dev.confide.identity.Profile;
import dev.confide.pii.ProviderConsents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jdbi.v3.core.Jdbi;

/**
 * Everything held about a subject (P23), as one portable archive (P27): {@code report.json} with
 * all of it, and CSV files for the tabular parts. Includes every message version and rating, and a
 * note on anonymized decision data, which exists but cannot be tied back to anyone. Lists the
 * subject's data region (P36) and the disclosures about them made because the law required it,
 * except those under a legal hold still in force (P16).
 */
public final class AccessReport {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

  private final Jdbi jdbi;
  private final Accounts accounts;
  private final SubjectSettings settings;
  private final ProviderConsents consents;
  private final Conversations conversations;
  private final AccessLog accessLog;
  private final SubjectKeys subjectKeys;
  private final SupportTickets tickets;
  private final SubjectRegions regions;
  private final LegalDisclosures legalDisclosures;

  public AccessReport(Jdbi jdbi, Accounts accounts, SubjectSettings settings, ProviderConsents consents,
      Conversations conversations, AccessLog accessLog, SubjectKeys subjectKeys, SupportTickets tickets,
      SubjectRegions regions, LegalDisclosures legalDisclosures) {
    this.jdbi = jdbi;
    this.accounts = accounts;
    this.settings = settings;
    this.consents = consents;
    this.conversations = conversations;
    this.accessLog = accessLog;
    this.subjectKeys = subjectKeys;
    this.tickets = tickets;
    this.regions = regions;
    this.legalDisclosures = legalDisclosures;
  }

  /** The archive as zip bytes. */
  public byte[] archive(UUID subject) {
    ObjectNode report = JSON.createObjectNode();
    Profile profile = accounts.profile(subject).orElseThrow(() -> dev.confide.problem.Problem.notFound("no such account"));
    report.set("account", JSON.valueToTree(profile));
    report.put("dataRegion", regions.region(subject));
    report.set("settings", JSON.valueToTree(settings.get(subject)));
    report.set("consentHistory", JSON.valueToTree(settings.ledger(subject)));
    report.set("providerConsents", JSON.valueToTree(consents.current(subject).values()));
    ArrayNode chats = report.putArray("conversations");
    StringBuilder messagesCsv = new StringBuilder("conversation_id,message_id,parent_id,role,model,status,created_at,rating,content\n");
    String cursor = null;
    do {
      Page<ConversationSummary> page = conversations.list(subject, 100, cursor);
      for (ConversationSummary c : page.items()) {
        ConversationView view = conversations.view(subject, c.id());
        ObjectNode chat = chats.addObject();
        chat.put("id", c.id().toString()).put("title", c.title()).put("createdAt", c.createdAt().toString())
            .put("lastActivityAt", c.lastActivityAt().toString());
        chat.set("currentBranch", JSON.valueToTree(view.messages()));
        ArrayNode all = chat.putArray("allVersions");
        for (var m : allVersions(subject, c.id())) {
          all.add(JSON.valueToTree(m));
          messagesCsv.append(csv(c.id(), m.get("id"), m.get("parentId"), m.get("role"), m.get("model"), m.get("status"),
              m.get("createdAt"), m.get("rating"), m.get("content"))).append('\n');
        }
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    List<Map<String, Object>> usage = jdbi.withHandle(h -> h.createQuery("""
            SELECT created_at, endpoint, model, provider, input_chars, output_chars, prompt_tokens, completion_tokens,
                   latency_ms, status, pii_mode, pii_counts
            FROM usage_records WHERE subject_id = :s ORDER BY created_at""").bind("s", subject).mapToMap().list());
    report.set("usage", JSON.valueToTree(usage));
    report.set("accessLog", JSON.valueToTree(accessLog.of(subject)));
    report.set("supportTickets", JSON.valueToTree(tickets.of(subject)));
    List<Map<String, Object>> requests = jdbi.withHandle(h -> h.createQuery("""
            SELECT id, request_type, status, jurisdiction, received_at, due_at, completed_at
            FROM privacy_requests WHERE subject_id = :s ORDER BY received_at""").bind("s", subject).mapToMap().list());
    report.set("privacyRequests", JSON.valueToTree(requests));
    report.set("legalDisclosures", JSON.valueToTree(legalDisclosures.forSubject(subject)));
    report.put("decisionData", "When you chose between two compared answers with data collection on, the conversation up to"
        + " that choice was stored with personal data removed, the day only, the two models and your choice, and with no link"
        + " to you. Because nothing ties it to you, it cannot be found, exported or deleted as yours.");
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
        // Compression was three quarters of the export's time (docs/benchmarks.md); the fastest
        // level costs ~16% in size and makes the archive four times quicker to build.
        zip.setLevel(java.util.zip.Deflater.BEST_SPEED);
        put(zip, "report.json", JSON.writeValueAsBytes(report));
        put(zip, "messages.csv", messagesCsv.toString().getBytes(StandardCharsets.UTF_8));
        put(zip, "usage.csv", table(usage).getBytes(StandardCharsets.UTF_8));
        put(zip, "README.txt", ("Your data held by this service, as of the time of your request.\n"
            + "report.json holds everything; the CSV files repeat the tables for spreadsheets.\n").getBytes(StandardCharsets.UTF_8));
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Map<String, Object>> allVersions(UUID subject, UUID conversation) {
    List<Map<String, Object>> rows = jdbi.withHandle(h -> h.createQuery("""
            SELECT m.id, m.parent_id, m.role, m.model, m.status, m.created_at, m.content_sealed, f.rating
            FROM messages m LEFT JOIN message_feedback f ON f.message_id = m.id
            WHERE m.conversation_id = :c AND m.subject_id = :s ORDER BY m.seq""")
        .bind("c", conversation).bind("s", subject).mapToMap().list());
    var sealer = subjectKeys.sealer(subject);
    for (Map<String, Object> row : rows) {
      byte[] sealed = (byte[]) row.remove("content_sealed");
      row.put("content", sealer.openString(FieldRef.of("messages", "content", row.get("id")), sealed));
      row.put("parentId", row.remove("parent_id"));
      row.put("createdAt", String.valueOf(row.remove("created_at")));
    }
    return rows;
  }

  private static String table(List<Map<String, Object>> rows) {
    if (rows.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(String.join(",", rows.get(0).keySet())).append('\n');
    for (Map<String, Object> row : rows) {
      out.append(csv(row.values().toArray())).append('\n');
    }
    return out.toString();
  }

  private static String csv(Object... values) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      String v = values[i] == null ? "" : String.valueOf(values[i]);
      if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
        v = "\"" + v.replace("\"", "\"\"") + "\"";
      }
      line.append(i == 0 ? "" : ",").append(v);
    }
    return line.toString();
  }

  private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }
}
