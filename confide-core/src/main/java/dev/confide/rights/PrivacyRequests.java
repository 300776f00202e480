package dev.confide.rights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.confide.consent.Settings;
import dev.confide.consent.SubjectSettings;
import dev.confide.crypto.FieldRef;
import dev.confide.crypto.ReceiptSigner;
import dev.confide.crypto.SubjectKeys;
import dev.confide.problem.Problem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Privacy requests (P23, P25–P30): each gets its statutory deadline (GDPR one month, CCPA 45 days)
 * and a status history. What can be done at once is done at once and completed with a signed
 * receipt: access and export build the archive (sealed with the subject's key until downloaded,
 * link valid seven days), restriction, objections and opt-outs change the settings, erasure erases.
 * A rectification the subject cannot make themselves waits for staff.
 */
public final class PrivacyRequests {
  public static final Set<String> TYPES = Set.of("access", "export", "rectify", "erase", "restrict", "object",
      "opt_out_sale", "limit_sensitive");
  private static final Duration DOWNLOAD_VALID = Duration.ofDays(7);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final Jdbi jdbi;
  private final SubjectSettings settings;
  private final AccessReport reports;
  private final Erasure erasure;
  private final SubjectKeys subjectKeys;
  private final ReceiptSigner signer;
  private final Clock clock;

  /** A request as its subject sees it. */
  public record Request(UUID id, String type, String status, String jurisdiction, Instant receivedAt, Instant dueAt,
      Instant completedAt, String extensionReason, boolean downloadable, Instant downloadExpiresAt, Receipt receipt) {}

  public PrivacyRequests(Jdbi jdbi, SubjectSettings settings, AccessReport reports, Erasure erasure, SubjectKeys subjectKeys,
      ReceiptSigner signer, Clock clock) {
    this.jdbi = jdbi;
    this.settings = settings;
    this.reports = reports;
    this.erasure = erasure;
    this.subjectKeys = subjectKeys;
    this.signer = signer;
    this.clock = clock;
  }

  /**
   * Files a request and carries out what can be done at once.
   *
   * @param purposes for {@code object}: the purposes objected to
   */
  public Request submit(UUID subject, String type, String jurisdiction, List<String> purposes) {
    if (type == null || !TYPES.contains(type)) {
      throw Problem.invalid("invalid_type", "type must be one of " + TYPES.stream().sorted().collect(Collectors.joining(", ")));
    }
    String law = jurisdiction == null ? "gdpr" : jurisdiction.toLowerCase(Locale.ROOT);
    if (!law.equals("gdpr") && !law.equals("ccpa")) {
      throw Problem.invalid("invalid_jurisdiction", "jurisdiction must be gdpr or ccpa");
    }
    if (type.equals("object") && (purposes == null || purposes.isEmpty() || !Settings.PURPOSES.containsAll(purposes))) {
      throw Problem.invalid("invalid_purposes", "an objection names purposes among " + String.join(", ", new java.util.TreeSet<>(Settings.PURPOSES)));
    }
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    Instant due = law.equals("gdpr") ? OffsetDateTime.ofInstant(now, ZoneOffset.UTC).plusMonths(1).toInstant()
        : now.plus(Duration.ofDays(45));
    jdbi.useTransaction(h -> {
      h.createUpdate("""
              INSERT INTO privacy_requests (id, subject_id, request_type, status, jurisdiction, received_at, due_at)
              VALUES (:id, :s, :type, 'received', :law, :now, :due)""")
          .bind("id", id).bind("s", subject).bind("type", type).bind("law", law).bind("now", now).bind("due", due).execute();
      event(h, id, subject, "received", null, now);
    });
    switch (type) {
      case "access", "export" -> {
        byte[] archive = reports.archive(subject);
        byte[] sealed = subjectKeys.sealer(subject).seal(archiveField(id), archive);
        jdbi.useHandle(h -> h.createUpdate("UPDATE privacy_requests SET archive_sealed = :a, download_expires_at = :exp WHERE id = :id")
            .bind("a", sealed).bind("exp", now.plus(DOWNLOAD_VALID)).bind("id", id).execute());
        complete(subject, id, "your data is ready to download for seven days");
      }
      case "restrict" -> {
        settings.change(subject, SubjectSettings.Change.none().withRestricted(true), "privacy_request", null);
        complete(subject, id, "processing restricted: no analytics, training or decision data until lifted");
      }
      case "object" -> {
        Map<String, Boolean> objections = purposes.stream().collect(Collectors.toMap(p -> p, p -> true, (a, b) -> a));
        settings.change(subject, new SubjectSettings.Change(java.util.Optional.empty(), java.util.Optional.empty(),
            java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
            java.util.Optional.empty(), objections, Map.of()), "privacy_request", null);
        complete(subject, id, "objection recorded for: " + String.join(", ", new java.util.TreeSet<>(purposes)));
      }
      case "opt_out_sale" -> {
        settings.change(subject, SubjectSettings.Change.none().withOptOutOfSale(true), "privacy_request", null);
        complete(subject, id, "opted out of sale and sharing");
      }
      case "limit_sensitive" -> {
        settings.change(subject, new SubjectSettings.Change(java.util.Optional.empty(), java.util.Optional.empty(),
            java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.of(true), java.util.Optional.empty(),
            java.util.Optional.empty(), Map.of(), Map.of()), "privacy_request", null);
        complete(subject, id, "use of sensitive data limited");
      }
      case "erase" -> {
        Request done = complete(subject, id, "account erased; see the erasure receipt");
        Receipt erasureReceipt = erasure.erase(subject, "privacy_request");
        return new Request(done.id(), done.type(), done.status(), done.jurisdiction(), done.receivedAt(), done.dueAt(),
            done.completedAt(), null, false, null, erasureReceipt);
      }
      default -> { } // rectify: waits for staff; the subject can correct most data directly (PATCH /api/me)
    }
    return get(subject, id);
  }

  public Request get(UUID subject, UUID id) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT id, request_type, status, jurisdiction, received_at, due_at, completed_at, extension_reason,
                   archive_sealed IS NOT NULL AS downloadable, download_expires_at, receipt_payload, receipt_signature
            FROM privacy_requests WHERE id = :id AND subject_id = :s""")
        .bind("id", id).bind("s", subject)
        .map((rs, ctx) -> new Request(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
            instant(rs.getObject(5, OffsetDateTime.class)), instant(rs.getObject(6, OffsetDateTime.class)),
            instant(rs.getObject(7, OffsetDateTime.class)), rs.getString(8), rs.getBoolean(9),
            instant(rs.getObject(10, OffsetDateTime.class)),
            rs.getString(11) == null ? null : new Receipt(rs.getString(11), rs.getString(12))))
        .findOne())
        .orElseThrow(() -> Problem.notFound("no such privacy request"));
  }

  public List<Request> list(UUID subject) {
    List<UUID> ids = jdbi.withHandle(h -> h.createQuery("SELECT id FROM privacy_requests WHERE subject_id = :s ORDER BY received_at DESC, id")
        .bind("s", subject).mapTo(UUID.class).list());
    return ids.stream().map(id -> get(subject, id)).toList();
  }

  /** The archive of an access or export request, while its link is valid. */
  public byte[] download(UUID subject, UUID id) {
    Request request = get(subject, id);
    if (!request.downloadable()) {
      throw Problem.notFound("this request has nothing to download");
    }
    if (clock.instant().isAfter(request.downloadExpiresAt())) {
      throw new Problem(Problem.Kind.NOT_FOUND, "download_expired", "the download link has expired; file a new request");
    }
    byte[] sealed = jdbi.withHandle(h -> h.createQuery("SELECT archive_sealed FROM privacy_requests WHERE id = :id AND subject_id = :s")
        .bind("id", id).bind("s", subject).mapTo(byte[].class).one());
    return subjectKeys.sealer(subject).open(archiveField(id), sealed);
  }

  /** Staff extend a deadline once, with a reason (GDPR: two more months; CCPA: 45 more days). */
  public void extend(UUID id, String reason) {
    if (reason == null || reason.isBlank()) {
      throw Problem.invalid("missing_reason", "an extension needs a recorded reason");
    }
    record Row(UUID subject, String law, Instant due, String reason) {}
    Row row = jdbi.withHandle(h -> h.createQuery("SELECT subject_id, jurisdiction, due_at, extension_reason FROM privacy_requests WHERE id = :id")
        .bind("id", id).map((rs, ctx) -> new Row(rs.getObject(1, UUID.class), rs.getString(2),
            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4))).findOne())
        .orElseThrow(() -> Problem.notFound("no such privacy request"));
    if (row.reason() != null) {
      throw new Problem(Problem.Kind.CONFLICT, "already_extended", "a deadline can be extended once");
    }
    Instant due = row.law().equals("gdpr") ? OffsetDateTime.ofInstant(row.due(), ZoneOffset.UTC).plusMonths(2).toInstant()
        : row.due().plus(Duration.ofDays(45));
    jdbi.useTransaction(h -> {
      h.createUpdate("UPDATE privacy_requests SET due_at = :due, extension_reason = :r, status = 'extended' WHERE id = :id")
          .bind("due", due).bind("r", reason).bind("id", id).execute();
      event(h, id, row.subject(), "extended", reason, clock.instant());
    });
  }

  /** Open requests past their deadline (the staff queue's overdue flag). */
  public List<UUID> overdue() {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT id FROM privacy_requests WHERE status IN ('received', 'extended') AND due_at < :now ORDER BY due_at")
        .bind("now", clock.instant()).mapTo(UUID.class).list());
  }

  private Request complete(UUID subject, UUID id, String outcome) {
    Instant now = clock.instant();
    Request request = get(subject, id);
    ObjectNode r = JSON.createObjectNode();
    r.put("type", "privacy_request").put("requestId", id.toString()).put("subject", subject.toString())
        .put("requestType", request.type()).put("jurisdiction", request.jurisdiction())
        .put("receivedAt", request.receivedAt().toString()).put("dueAt", request.dueAt().toString())
        .put("completedAt", now.toString()).put("outcome", outcome);
    String payload = r.toString();
    String signature = signer.sign(payload);
    jdbi.useTransaction(h -> {
      h.createUpdate("""
              UPDATE privacy_requests SET status = 'completed', completed_at = :now, receipt_payload = :p, receipt_signature = :sig
              WHERE id = :id""")
          .bind("now", now).bind("p", payload).bind("sig", signature).bind("id", id).execute();
      event(h, id, subject, "completed", null, now);
    });
    return get(subject, id);
  }

  private static void event(org.jdbi.v3.core.Handle h, UUID request, UUID subject, String status, String note, Instant at) {
    h.createUpdate("INSERT INTO privacy_request_events (id, request_id, subject_id, status, note, at) VALUES (:id, :r, :s, :st, :n, :at)")
        .bind("id", UUID.randomUUID()).bind("r", request).bind("s", subject).bind("st", status).bind("n", note).bind("at", at).execute();
  }

  private static FieldRef archiveField(UUID request) {
    return FieldRef.of("privacy_requests", "archive", request);
  }

  private static Instant instant(OffsetDateTime value) {
    return value == null ? null : value.toInstant();
  }
}
