package dev.confide.rights;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.confide.chat.Conversations;
import dev.confide.consent.SubjectSettings;
import dev.confide.crypto.SpillBuffer;
import dev.confide.disclosure.LegalDisclosures;
import dev.confide.disclosure.SubjectRegions;
import dev.confide.identity.AccessLog;
import dev.confide.identity.Accounts;
import dev.confide.identity.Profile;
import dev.confide.pii.ProviderConsents;
import dev.confide.problem.Problem;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jdbi.v3.core.Jdbi;

/**
 * Everything held about a subject (P23), as one portable archive (P27): {@code report.json} with
 * all of it, and a CSV file for each part. Includes every message version and rating, and a note
 * on anonymized decision data, which exists but cannot be tied back to anyone. Lists the subject's
 * data region (P36) and the disclosures about them made because the law required it, except those
 * under a legal hold still in force (P16).
 *
 * <p>The archive is streamed: JSON through a {@link JsonGenerator} and CSV through a CSV writer,
 * straight into the zip entries, each message read, opened and written once per format; the
 * messages are read and opened on a second thread ({@link ConversationReader}) while the calling
 * thread writes. The parts that grow with the subject (conversations, messages, usage) are read a
 * page at a time, by key; their CSV rows wait in {@link SpillBuffer}s (in memory up to {@link
 * #CSV_IN_MEMORY} bytes each, past that in a scratch file holding ciphertext only) until {@code
 * report.json} is done, since a zip holds one entry after another. Memory therefore stays bounded
 * whatever the subject's size: besides those buffers and the pages in flight, what is kept per
 * conversation is only each message's id and parent, to name the current branch.
 */
public final class AccessReport {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private static final TypeReference<LinkedHashMap<String, Object>> ROW = new TypeReference<>() {};
  private static final int USAGE_PAGE = 500;
  /**
   * Bytes of one large part's CSV kept in memory while {@code report.json} is written; past this
   * they go to a sealed scratch file. Most subjects' parts fit (5,000 messages of 1,000 characters
   * make 5.4 MB of messages.csv), and sparing them the file's two passes of encryption and its disk
   * writes was a third of an archive's CPU time once compression was off (docs/benchmarks.md);
   * three parts make at most 24 MiB per archive being written.
   */
  static final long CSV_IN_MEMORY = 8L << 20;
  static final String DECISION_DATA_NOTE = "When you chose between two compared answers with data collection on, the conversation up to"
      + " that choice was stored with personal data removed, the day only, the two models and your choice, and with no link"
      + " to you. Because nothing ties it to you, it cannot be found, exported or deleted as yours.";
  private static final List<String> MESSAGE_COLUMNS =
      List.of("conversation_id", "message_id", "parent_id", "role", "model", "status", "created_at", "rating", "content");
  private static final List<String> CONVERSATION_COLUMNS = List.of("id", "title", "created_at", "last_activity_at");
  private static final List<String> USAGE_COLUMNS = List.of("created_at", "endpoint", "model", "provider", "input_chars",
      "output_chars", "prompt_tokens", "completion_tokens", "latency_ms", "status", "pii_mode", "pii_counts");

  private final Jdbi jdbi;
  private final Accounts accounts;
  private final SubjectSettings settings;
  private final ProviderConsents consents;
  private final Conversations conversations;
  private final AccessLog accessLog;
  private final SupportTickets tickets;
  private final SubjectRegions regions;
  private final LegalDisclosures legalDisclosures;
  private final Path scratchDir;
  private final int deflateLevel;

  /**
   * @param scratchDir where the CSV rows of the large parts wait, sealed, while an archive is written
   * @param deflateLevel the zip's deflate level, {@link Deflater#NO_COMPRESSION} to {@link Deflater#BEST_COMPRESSION}:
   *     compression is most of an archive's CPU time (docs/benchmarks.md, "Export throughput")
   */
  public AccessReport(Jdbi jdbi, Accounts accounts, SubjectSettings settings, ProviderConsents consents,
      Conversations conversations, AccessLog accessLog, SupportTickets tickets, SubjectRegions regions,
      LegalDisclosures legalDisclosures, Path scratchDir, int deflateLevel) {
    if (deflateLevel < Deflater.NO_COMPRESSION || deflateLevel > Deflater.BEST_COMPRESSION) {
      throw new IllegalArgumentException("deflate level must be from 0 to 9, not " + deflateLevel);
    }
    this.jdbi = jdbi;
    this.accounts = accounts;
    this.settings = settings;
    this.consents = consents;
    this.conversations = conversations;
    this.accessLog = accessLog;
    this.tickets = tickets;
    this.regions = regions;
    this.legalDisclosures = legalDisclosures;
    this.scratchDir = scratchDir;
    this.deflateLevel = deflateLevel;
  }

  /** The same report compressed at another level (to compare levels on the same data). */
  public AccessReport withDeflateLevel(int level) {
    return new AccessReport(jdbi, accounts, settings, consents, conversations, accessLog, tickets, regions, legalDisclosures,
        scratchDir, level);
  }

  /** Writes the subject's archive, a zip, to {@code out}, which is left open. */
  public void write(UUID subject, OutputStream out) throws IOException {
    Profile profile = accounts.profile(subject).orElseThrow(() -> Problem.notFound("no such account"));
    // The small parts, bounded by what a person does by hand, are read into memory once.
    Map<String, List<?>> small = new LinkedHashMap<>();
    small.put("account", List.of(profile));
    small.put("settings", List.of(settings.get(subject)));
    small.put("consentHistory", settings.ledger(subject));
    small.put("providerConsents", List.copyOf(consents.current(subject).values()));
    small.put("accessLog", accessLog.of(subject));
    small.put("supportTickets", tickets.of(subject));
    small.put("privacyRequests", rows("""
        SELECT id, request_type, status, jurisdiction, received_at, due_at, completed_at, extension_reason,
               download_expires_at, receipt_payload, receipt_signature
        FROM privacy_requests WHERE subject_id = :s ORDER BY received_at, id""", subject));
    small.put("privacyRequestHistory", rows("""
        SELECT request_id, status, note, at FROM privacy_request_events WHERE subject_id = :s ORDER BY request_id, seq""", subject));
    small.put("legalDisclosures", legalDisclosures.forSubject(subject));

    ZipOutputStream zip = new ZipOutputStream(new KeepOpen(out), StandardCharsets.UTF_8);
    zip.setLevel(deflateLevel);
    for (var part : small.entrySet()) {
      zip.putNextEntry(new ZipEntry(csvName(part.getKey())));
      writeCsv(new KeepOpen(zip), part.getValue());
      zip.closeEntry();
    }
    try (SpillBuffer conversationsCsv = SpillBuffer.create(scratchDir, CSV_IN_MEMORY);
         SpillBuffer messagesCsv = SpillBuffer.create(scratchDir, CSV_IN_MEMORY);
         SpillBuffer usageCsv = SpillBuffer.create(scratchDir, CSV_IN_MEMORY)) {
      zip.putNextEntry(new ZipEntry("report.json"));
      try (JsonGenerator json = JSON.getFactory().createGenerator(zip);
           CsvWriter conversationRows = csvRows(conversationsCsv.output(), CONVERSATION_COLUMNS);
           CsvWriter messageRows = csvRows(messagesCsv.output(), MESSAGE_COLUMNS);
           CsvWriter usageRows = csvRows(usageCsv.output(), USAGE_COLUMNS)) {
        json.writeStartObject();
        json.writePOJOField("account", profile);
        json.writeStringField("dataRegion", regions.region(subject));
        json.writePOJOField("settings", small.get("settings").get(0));
        for (String part : List.of("consentHistory", "providerConsents", "accessLog", "supportTickets", "privacyRequests",
            "privacyRequestHistory", "legalDisclosures")) {
          json.writeArrayFieldStart(part);
          for (Object item : small.get(part)) {
            json.writeObject(item);
          }
          json.writeEndArray();
        }
        json.writeArrayFieldStart("conversations");
        writeConversations(subject, json, conversationRows, messageRows);
        json.writeEndArray();
        json.writeArrayFieldStart("usage");
        writeUsage(subject, json, usageRows);
        json.writeEndArray();
        json.writeStringField("decisionData", DECISION_DATA_NOTE);
        json.writeEndObject();
      }
      zip.closeEntry();
      copyEntry(zip, "conversations.csv", conversationsCsv);
      copyEntry(zip, "messages.csv", messagesCsv);
      copyEntry(zip, "usage.csv", usageCsv);
    }
    zip.putNextEntry(new ZipEntry("README.txt"));
    zip.write(readme().getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
    zip.finish();
  }

  /**
   * Each conversation with every version of its messages; {@code currentBranch} names the versions
   * on the branch shown, from the first turn, by id (the messages themselves are in
   * {@code allVersions} once).
   */
  private void writeConversations(UUID subject, JsonGenerator json, CsvWriter conversationRows, CsvWriter messageRows)
      throws IOException {
    try (ConversationReader reader = ConversationReader.start(conversations, subject)) {
      Conversations.Listed open = null;
      String conversation = null;
      Map<UUID, UUID> parents = new HashMap<>();
      while (true) {
        ConversationReader.Item item = reader.next();
        if (item instanceof ConversationReader.Messages messages) {
          for (var version : messages.versions()) {
            var m = version.message();
            parents.put(m.id(), m.parentId());
            String id = m.id().toString();
            String parent = m.parentId() == null ? null : m.parentId().toString();
            String created = m.createdAt().toString();
            json.writeStartObject();
            json.writeStringField("id", id);
            json.writeStringField("parentId", parent);
            json.writeStringField("role", m.role());
            json.writeStringField("model", m.model());
            json.writeStringField("status", m.status());
            json.writeStringField("createdAt", created);
            json.writeStringField("rating", version.rating());
            json.writeStringField("content", m.content());
            json.writeEndObject();
            messageRows.cell(conversation).cell(id).cell(parent).cell(m.role()).cell(m.model()).cell(m.status()).cell(created)
                .cell(version.rating()).cell(m.content()).endRow();
          }
          continue;
        }
        if (open != null) {
          endConversation(json, open, parents);
          parents.clear();
        }
        if (item instanceof ConversationReader.End end) {
          if (end.failure() != null) {
            throw end.failure();
          }
          return;
        }
        open = ((ConversationReader.Begin) item).conversation();
        var summary = open.summary();
        conversation = summary.id().toString();
        json.writeStartObject();
        json.writeStringField("id", conversation);
        json.writeStringField("title", summary.title());
        json.writeStringField("createdAt", summary.createdAt().toString());
        json.writeStringField("lastActivityAt", summary.lastActivityAt().toString());
        conversationRows.row(List.of(conversation, summary.title(), summary.createdAt().toString(),
            summary.lastActivityAt().toString()));
        json.writeArrayFieldStart("allVersions");
      }
    }
  }

  /** Closes a conversation's versions and names its current branch. */
  private static void endConversation(JsonGenerator json, Conversations.Listed c, Map<UUID, UUID> parents) throws IOException {
    json.writeEndArray();
    json.writeArrayFieldStart("currentBranch");
    for (UUID id : branch(c.head(), parents)) {
      json.writeString(id.toString());
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /** The ids from the first turn to {@code head}, following parents. */
  private static List<UUID> branch(UUID head, Map<UUID, UUID> parents) {
    List<UUID> path = new ArrayList<>();
    for (UUID id = head; id != null && parents.containsKey(id); id = parents.get(id)) {
      path.add(id);
    }
    java.util.Collections.reverse(path);
    return path;
  }

  /** Usage records, one per model request (the part that grows fastest), read in pages by key. */
  private void writeUsage(UUID subject, JsonGenerator json, CsvWriter usageRows) throws IOException {
    Instant afterAt = Instant.EPOCH;
    UUID afterId = new UUID(0, 0);
    while (true) {
      Instant at = afterAt;
      UUID id = afterId;
      List<Map<String, Object>> page = jdbi.withHandle(h -> h.createQuery("SELECT id, " + String.join(", ", USAGE_COLUMNS) + """
               FROM usage_records WHERE subject_id = :s AND created_at >= :at AND (created_at > :at OR id > :id)
              ORDER BY created_at, id LIMIT :limit""")
          .bind("s", subject).bind("at", at).bind("id", id).bind("limit", USAGE_PAGE).mapToMap().list());
      for (Map<String, Object> row : page) {
        json.writeStartObject();
        List<String> cells = new ArrayList<>(USAGE_COLUMNS.size());
        for (String column : USAGE_COLUMNS) {
          Object value = plain(row.get(column));
          json.writeObjectField(column, value);
          cells.add(cell(value));
        }
        json.writeEndObject();
        usageRows.row(cells);
      }
      if (page.size() < USAGE_PAGE) {
        return;
      }
      Map<String, Object> last = page.get(page.size() - 1);
      afterAt = Instant.parse((String) plain(last.get("created_at")));
      afterId = (UUID) last.get("id");
    }
  }

  private List<Map<String, Object>> rows(String sql, UUID subject) {
    return jdbi.withHandle(h -> h.createQuery(sql).bind("s", subject).mapToMap().list()).stream()
        .map(row -> {
          Map<String, Object> plain = new LinkedHashMap<>();
          row.forEach((k, v) -> plain.put(k, plain(v)));
          return plain;
        })
        .toList();
  }

  /** Writes items (records or maps) as CSV: a header from the first item's fields, then one row each. */
  private static void writeCsv(OutputStream entry, List<?> items) throws IOException {
    List<Map<String, Object>> rows = items.stream().<Map<String, Object>>map(item -> JSON.convertValue(item, ROW)).toList();
    try (CsvWriter out = csvRows(entry, rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).keySet()))) {
      for (Map<String, Object> row : rows) {
        out.row(row.values().stream().map(AccessReport::cell).toList());
      }
    }
  }

  private static void copyEntry(ZipOutputStream zip, String name, SpillBuffer rows) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    rows.transferTo(zip);
    zip.closeEntry();
  }

  /** A CSV writer into {@code out}, closed with it, starting with the header row. */
  private static CsvWriter csvRows(OutputStream out, List<String> header) throws IOException {
    CsvWriter rows = new CsvWriter(out);
    if (!header.isEmpty()) {
      rows.row(header);
    }
    return rows;
  }

  /** One CSV cell: nested lists and maps as JSON text, nothing as empty. */
  private static String cell(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      try {
        return JSON.writeValueAsString(value);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return String.valueOf(value);
  }

  /** Database timestamps as ISO-8601 instants, on both backends. */
  private static Object plain(Object value) {
    if (value instanceof OffsetDateTime t) {
      return t.toInstant().toString();
    }
    if (value instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    return value;
  }

  /** account → account.csv, consentHistory → consent_history.csv. */
  private static String csvName(String part) {
    return part.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT) + ".csv";
  }

  private static String readme() {
    return "Your data held by this service, as of the time of your request.\n"
        + "report.json holds everything; each CSV file holds one part of it as a table, for spreadsheets:\n"
        + "account, settings, consent_history, provider_consents, access_log, support_tickets, privacy_requests\n"
        + "(with their signed receipts), privacy_request_history, legal_disclosures, conversations, messages (every\n"
        + "version of every message, with your rating) and usage. In report.json each conversation lists allVersions,\n"
        + "and currentBranch gives the ids of the versions on the branch you last saw, from the first message.\n\n"
        + DECISION_DATA_NOTE + "\n";
  }

  /** Hands writes through but not close: the entry or stream below stays open for what follows. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
