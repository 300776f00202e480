package dev.confide.rights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.confide.consent.Settings;
import dev.confide.consent.SubjectSettings;
import dev.confide.crypto.FieldRef;
import dev.confide.crypto.ReceiptSigner;
import dev.confide.crypto.ScratchFile;
import dev.confide.crypto.Sealer;
import dev.confide.crypto.StreamKey;
import dev.confide.crypto.SubjectKeys;
import dev.confide.problem.Problem;
import dev.confide.problem.Unexplained;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Privacy requests (P23, P25–P30): each gets its statutory deadline (GDPR one month, CCPA 45 days)
 * and a status history. What can be done at once is done at once and completed with a signed
 * receipt: access and export build the archive (sealed with the subject's key until downloaded,
 * link valid seven days), restriction, objections and opt-outs change the settings, erasure erases.
 * A rectification the subject cannot make themselves waits for staff.
 */
public final class PrivacyRequests {
  private static final Logger LOG = LoggerFactory.getLogger(PrivacyRequests.class);
  public static final Set<String> TYPES = Set.of("access", "export", "rectify", "erase", "restrict", "object",
      "opt_out_sale", "limit_sensitive");
  private static final Duration DOWNLOAD_VALID = Duration.ofDays(7);
  /** Ciphertext bytes per stored row of an archive. */
  static final int CHUNK_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final Jdbi jdbi;
  private final SubjectSettings settings;
  private final AccessReport reports;
  private final Erasure erasure;
  private final SubjectKeys subjectKeys;
  private final ReceiptSigner signer;
  private final Deadlines deadlines;
  private final Path scratchDir;
  private final Clock clock;

  /** A request as its subject sees it. */
  public record Request(UUID id, String type, String status, String jurisdiction, Instant receivedAt, Instant dueAt,
      Instant completedAt, String extensionReason, boolean downloadable, Instant downloadExpiresAt, Receipt receipt) {}

  /** A request taken in by staff, and the one-time code to mail to the account's address. */
  public record Intake(Request request, String verificationCode) {}

  /** One line of the staff queue: metadata only, no personal values. */
  public record QueueEntry(UUID id, UUID subject, String type, String status, String channel, String jurisdiction,
      Instant receivedAt, Instant dueAt, boolean overdue) {}

  /** A reminder that became due: sent once per request and kind. */
  public record Reminder(UUID requestId, String kind, String type, Instant dueAt) {}

  public static final Duration CODE_VALID = Duration.ofHours(48);
  private static final int MAX_CODE_ATTEMPTS = 5;
  private static final String OPEN = "('received', 'extended', 'verifying')";

  /** @param scratchDir where an archive's ciphertext waits while it is written, before it is stored */
  public PrivacyRequests(Jdbi jdbi, SubjectSettings settings, AccessReport reports, Erasure erasure, SubjectKeys subjectKeys,
      ReceiptSigner signer, Deadlines deadlines, Path scratchDir, Clock clock) {
    this.jdbi = jdbi;
    this.settings = settings;
    this.reports = reports;
    this.erasure = erasure;
    this.subjectKeys = subjectKeys;
    this.signer = signer;
    this.deadlines = deadlines;
    this.scratchDir = scratchDir;
    this.clock = clock;
  }

  /** Access and export requests one subject may file in the app within any 24 hours. */
  public static final int ARCHIVES_PER_DAY = 5;
  private static final DailyAllowance ARCHIVES = new DailyAllowance(ARCHIVES_PER_DAY, "privacy_request_limit", "at most "
      + ARCHIVES_PER_DAY + " access or export requests a day; the archives already built stay downloadable for seven days");

  /**
   * Refuses one more access or export request from the app once the subject filed
   * {@link #ARCHIVES_PER_DAY} of them in the last 24 hours (429 {@code privacy_request_limit}, with
   * the seconds until the oldest leaves the window). Each such request builds and stores a whole
   * archive of the account, so an unlimited stream of them would let one account (or a stolen API
   * key) load the server and fill its storage; the archives already built stay downloadable for
   * seven days, and GDPR Art. 12(5) lets a controller refuse manifestly excessive, repetitive
   * requests. Other types change settings or erase, and cost nothing to repeat.
   */
  public void requireArchiveAllowance(UUID subject, String type) {
    if (!"access".equals(type) && !"export".equals(type)) {
      return;
    }
    Instant now = clock.instant();
    ARCHIVES.require(jdbi.withHandle(h -> h.createQuery("""
            SELECT received_at FROM privacy_requests
            WHERE subject_id = :s AND channel = 'app' AND request_type IN ('access', 'export') AND received_at > :since
            ORDER BY received_at LIMIT :n""")
        .bind("s", subject).bind("since", DailyAllowance.windowStart(now)).bind("n", ARCHIVES_PER_DAY)
        .map((rs, ctx) -> rs.getObject(1, OffsetDateTime.class).toInstant())
        .list()), now);
  }

  /**
   * Files a request and carries out what can be done at once.
   *
   * @param purposes for {@code object}: the purposes objected to
   */
  public Request submit(UUID subject, String type, String jurisdiction, List<String> purposes) {
    UUID id = file(subject, type, jurisdiction, purposes, clock.instant(), "app", "received");
    return carryOut(subject, id, type, purposes);
  }

  /**
   * Staff take in a request that arrived by email (P30). Its deadline runs from {@code receivedAt};
   * nothing happens until the requester proves control of the account's address with the returned
   * code, which the caller mails to that address (never to the address the request came from).
   */
  public Intake intake(UUID subject, String type, String jurisdiction, List<String> purposes, Instant receivedAt) {
    if (receivedAt != null && receivedAt.isAfter(clock.instant())) {
      throw Problem.invalid("invalid_received_at", "receivedAt must not be in the future");
    }
    UUID id = file(subject, type, jurisdiction, purposes, receivedAt == null ? clock.instant() : receivedAt, "email", "verifying");
    String code = String.format(Locale.ROOT, "%08d", new java.security.SecureRandom().nextInt(100_000_000));
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO request_verifications (request_id, subject_id, code_sealed, expires_at) VALUES (:r, :s, :code, :exp)""")
        .bind("r", id).bind("s", subject).bind("code", subjectKeys.sealer(subject).sealString(codeField(id), code)).bind("exp", clock.instant().plus(CODE_VALID))
        .execute());
    return new Intake(get(subject, id), code);
  }

  /**
   * The requester's code, relayed by staff: a match carries the request out like one made in the
   * app; five wrong codes, or an expired one, close it unverified.
   */
  public Request verify(UUID requestId, String code) {
    record Pending(UUID subject, byte[] sealedCode, Instant expires, int attempts, String type, String purposes) {}
    Pending p = jdbi.withHandle(h -> h.createQuery("""
            SELECT v.subject_id, v.code_sealed, v.expires_at, v.attempts, r.request_type, r.purposes
            FROM request_verifications v JOIN privacy_requests r ON r.id = v.request_id
            WHERE v.request_id = :id AND v.verified_at IS NULL AND r.status = 'verifying'""")
        .bind("id", requestId)
        .map((rs, ctx) -> new Pending(rs.getObject(1, UUID.class), rs.getBytes(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
            rs.getInt(4), rs.getString(5), rs.getString(6)))
        .findOne())
        .orElseThrow(() -> Problem.notFound("no request waiting for verification"));
    Instant now = clock.instant();
    byte[] expected = subjectKeys.sealer(p.subject()).openString(codeField(requestId), p.sealedCode())
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    boolean matches = code != null
        && java.security.MessageDigest.isEqual(expected, code.strip().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    if (!matches || now.isAfter(p.expires())) {
      boolean exhausted = now.isAfter(p.expires()) || p.attempts() + 1 >= MAX_CODE_ATTEMPTS;
      jdbi.useTransaction(h -> {
        h.createUpdate("UPDATE request_verifications SET attempts = attempts + 1 WHERE request_id = :id").bind("id", requestId).execute();
        if (exhausted) {
          h.createUpdate("UPDATE privacy_requests SET status = 'unverified', completed_at = :now WHERE id = :id")
              .bind("now", now).bind("id", requestId).execute();
          event(h, requestId, p.subject(), "unverified", "identity not verified", now);
        }
      });
      throw new Problem(Problem.Kind.FORBIDDEN, exhausted ? "verification_failed" : "wrong_code",
          exhausted ? "the request was closed: identity could not be verified" : "the code does not match");
    }
    jdbi.useTransaction(h -> {
      h.createUpdate("UPDATE request_verifications SET verified_at = :now WHERE request_id = :id").bind("now", now).bind("id", requestId).execute();
      h.createUpdate("UPDATE privacy_requests SET status = 'received' WHERE id = :id").bind("id", requestId).execute();
      event(h, requestId, p.subject(), "verified", null, now);
    });
    List<String> purposes = p.purposes() == null ? List.of() : List.of(p.purposes().split(","));
    return carryOut(p.subject(), requestId, p.type(), purposes);
  }

  /** The staff queue: open requests first, soonest deadline first. */
  public List<QueueEntry> queue(boolean openOnly) {
    return jdbi.withHandle(h -> h.createQuery(QUEUE_COLUMNS + (openOnly ? " WHERE status IN " + OPEN : "")
            + " ORDER BY CASE WHEN status IN " + OPEN + " THEN 0 ELSE 1 END, due_at, id LIMIT 1000")
        .map(this::queueEntry).list());
  }

  /** One request as the staff queue shows it, whoever's it is. */
  public QueueEntry entry(UUID id) {
    return jdbi.withHandle(h -> h.createQuery(QUEUE_COLUMNS + " WHERE id = :id").bind("id", id).map(this::queueEntry).findOne())
        .orElseThrow(() -> Problem.notFound("no such privacy request"));
  }

  private static final String QUEUE_COLUMNS =
      "SELECT id, subject_id, request_type, status, channel, jurisdiction, received_at, due_at FROM privacy_requests";

  private QueueEntry queueEntry(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
    String status = rs.getString(4);
    Instant due = rs.getObject(8, OffsetDateTime.class).toInstant();
    return new QueueEntry(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), status,
        rs.getString(5), rs.getString(6), rs.getObject(7, OffsetDateTime.class).toInstant(), due,
        isOpen(status) && due.isBefore(clock.instant()));
  }

  /**
   * Reminders that fell due: a week and two days before the deadline, and once overdue. Each is
   * recorded as it is returned, so each goes out once even when two instances ask.
   */
  public List<Reminder> remindersDue() {
    Instant now = clock.instant();
    record Open(UUID id, UUID subject, String type, Instant due) {}
    List<Open> open = jdbi.withHandle(h -> h.createQuery(
            "SELECT id, subject_id, request_type, due_at FROM privacy_requests WHERE status IN " + OPEN + " AND due_at < :horizon")
        .bind("horizon", now.plus(Duration.ofDays(7)))
        .map((rs, ctx) -> new Open(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
            rs.getObject(4, OffsetDateTime.class).toInstant()))
        .list());
    List<Reminder> due = new java.util.ArrayList<>();
    for (Open o : open) {
      String kind = o.due().isBefore(now) ? "overdue" : o.due().isBefore(now.plus(Duration.ofDays(2))) ? "due_in_2_days" : "due_in_7_days";
      int inserted;
      try {
        inserted = jdbi.withHandle(h -> h.createUpdate("""
                INSERT INTO request_reminders (request_id, subject_id, reminder, sent_at)
                SELECT :r, :s, :k, :now FROM (VALUES (0)) AS one (x)
                WHERE NOT EXISTS (SELECT 1 FROM request_reminders WHERE request_id = :r AND reminder = :k)""")
            .bind("r", o.id()).bind("s", o.subject()).bind("k", kind).bind("now", now).execute());
      } catch (RuntimeException e) {
        if (!dev.confide.store.SqlErrors.isUniqueViolation(e)) {
          throw e;
        }
        inserted = 0; // another instance recorded it first
      }
      if (inserted > 0) {
        due.add(new Reminder(o.id(), kind, o.type(), o.due()));
      }
    }
    return due;
  }

  private UUID file(UUID subject, String type, String jurisdiction, List<String> purposes, Instant receivedAt,
      String channel, String status) {
    if (type == null || !TYPES.contains(type)) {
      throw Problem.invalid("invalid_type", "type must be one of " + TYPES.stream().sorted().collect(Collectors.joining(", ")));
    }
    String law = deadlines.jurisdiction(jurisdiction);
    if (type.equals("object") && (purposes == null || purposes.isEmpty() || !Settings.PURPOSES.containsAll(purposes))) {
      throw Problem.invalid("invalid_purposes", "an objection names purposes among " + String.join(", ", new java.util.TreeSet<>(Settings.PURPOSES)));
    }
    UUID id = UUID.randomUUID();
    Instant due = deadlines.due(law, receivedAt);
    jdbi.useTransaction(h -> {
      h.createUpdate("""
              INSERT INTO privacy_requests (id, subject_id, request_type, status, jurisdiction, received_at, due_at, channel, purposes)
              VALUES (:id, :s, :type, :status, :law, :at, :due, :channel, :purposes)""")
          .bind("id", id).bind("s", subject).bind("type", type).bind("status", status).bind("law", law).bind("at", receivedAt)
          .bind("due", due).bind("channel", channel)
          .bind("purposes", type.equals("object") ? String.join(",", new java.util.TreeSet<>(purposes)) : null).execute();
      event(h, id, subject, status, null, clock.instant());
    });
    return id;
  }

  private Request carryOut(UUID subject, UUID id, String type, List<String> purposes) {
    Instant now = clock.instant();
    switch (type) {
      case "access", "export" -> {
        storeArchive(subject, id, now.plus(DOWNLOAD_VALID));
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
        // Erase first: if erasing fails, the request stays open (and on the staff queue) instead of
        // carrying a signed receipt for an erasure that did not happen.
        Receipt erasureReceipt = erasure.erase(subject, "privacy_request");
        Request done;
        try {
          done = complete(subject, id, "account erased; see the erasure receipt");
        } catch (RuntimeException e) {
          // The erasure has committed, so the subject must still get its receipt (there is no
          // account left to fetch it later); settleErased() completes the request on its next run.
          LOG.error("erasure request {} was carried out but could not be marked completed; it will be settled", id,
              Unexplained.of(e));
          done = get(subject, id);
        }
        return new Request(done.id(), done.type(), done.status(), done.jurisdiction(), done.receivedAt(), done.dueAt(),
            done.completedAt(), null, false, null, erasureReceipt);
      }
      default -> { } // rectify: waits for staff; the subject can correct most data directly (PATCH /api/me)
    }
    return get(subject, id);
  }

  /**
   * Completes the open requests of subjects who have been erased: an erasure request whose
   * completion failed after the erasure committed, and any request the erasure overtook (a
   * rectification waiting for staff, an emailed request still waiting for its code, which can no
   * longer be opened). Without this they would stay open and overdue with nobody able to act on
   * them. Run by the reminder job before it reminds; idempotent.
   *
   * @return how many requests were completed
   */
  public int settleErased() {
    record Overtaken(UUID id, UUID subject, String type, Instant erasedAt) {}
    List<Overtaken> open = jdbi.withHandle(h -> h.createQuery("""
            SELECT r.id, r.subject_id, r.request_type, e.erased_at FROM privacy_requests r
            JOIN erasure_ledger e ON e.subject_id = r.subject_id
            WHERE r.status IN\s""" + OPEN + " ORDER BY r.received_at, r.id LIMIT 1000")
        .map((rs, ctx) -> new Overtaken(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
            rs.getObject(4, OffsetDateTime.class).toInstant()))
        .list());
    int completed = 0;
    for (Overtaken o : open) {
      try {
        complete(o.subject(), o.id(), o.type().equals("erase")
            ? "account erased at " + o.erasedAt() + "; the erasure receipt was given at that time"
            : "the account was erased at " + o.erasedAt() + " before this request was carried out; nothing is held about"
                + " the subject any more, so there is nothing further to do");
        completed++;
      } catch (Problem e) {
        if (!"already_completed".equals(e.code())) {
          throw e;
        }
      }
    }
    return completed;
  }

  public Request get(UUID subject, UUID id) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT id, request_type, status, jurisdiction, received_at, due_at, completed_at, extension_reason,
                   (archive_key_sealed IS NOT NULL OR archive_sealed IS NOT NULL) AS downloadable, download_expires_at,
                   receipt_payload, receipt_signature
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

  /**
   * Writes the subject's archive sealed: the zip goes through a fresh {@link StreamKey} into a
   * scratch file (ciphertext only), then in one transaction into {@code export_chunks} with the key,
   * sealed with the subject's key, on the request. Nothing holds the whole archive in memory, and it
   * is never on disk or in the database in plaintext.
   */
  private void storeArchive(UUID subject, UUID id, Instant expires) {
    Sealer sealer = subjectKeys.sealer(subject);
    StreamKey key = StreamKey.generate();
    try (ScratchFile sealed = ScratchFile.create(scratchDir)) {
      try (OutputStream out = key.encrypting(sealed.output(), archiveStream(subject, id))) {
        reports.write(subject, out);
      }
      jdbi.<IOException>useTransaction(h -> {
        try (InputStream in = sealed.input()) {
          int seq = 0;
          for (byte[] chunk = in.readNBytes(CHUNK_BYTES); chunk.length > 0; chunk = in.readNBytes(CHUNK_BYTES)) {
            h.createUpdate("INSERT INTO export_chunks (request_id, seq, subject_id, chunk) VALUES (:r, :n, :s, :c)")
                .bind("r", id).bind("n", seq++).bind("s", subject).bind("c", chunk).execute();
          }
        }
        h.createUpdate("UPDATE privacy_requests SET archive_key_sealed = :k, download_expires_at = :exp WHERE id = :id")
            .bind("k", key.sealWith(sealer, archiveKeyField(id))).bind("exp", expires).bind("id", id).execute();
      });
    } catch (IOException e) {
      throw new UncheckedIOException("the archive could not be written", e);
    }
  }

  /**
   * The archive of an access or export request, while its link is valid: opened as it is read, a
   * stored chunk at a time. The caller closes it.
   */
  public InputStream download(UUID subject, UUID id) {
    Request request = get(subject, id);
    // Expiry first: the retention sweep deletes an expired archive, and its link still says why it is gone.
    if (request.downloadExpiresAt() != null && clock.instant().isAfter(request.downloadExpiresAt())) {
      throw new Problem(Problem.Kind.NOT_FOUND, "download_expired", "the download link has expired; file a new request");
    }
    if (!request.downloadable()) {
      throw Problem.notFound("this request has nothing to download");
    }
    record Stored(byte[] key, byte[] whole) {}
    Stored stored = jdbi.withHandle(h -> h.createQuery(
            "SELECT archive_key_sealed, archive_sealed FROM privacy_requests WHERE id = :id AND subject_id = :s")
        .bind("id", id).bind("s", subject).map((rs, ctx) -> new Stored(rs.getBytes(1), rs.getBytes(2))).one());
    Sealer sealer = subjectKeys.sealer(subject);
    if (stored.key() == null) {
      // Made before archives were streamed (V17): sealed whole; such links expire within a week.
      return new ByteArrayInputStream(sealer.open(archiveField(id), stored.whole()));
    }
    try {
      return StreamKey.open(sealer, archiveKeyField(id), stored.key()).decrypting(new StoredChunks(id), archiveStream(subject, id));
    } catch (IOException e) {
      throw new UncheckedIOException("the archive could not be opened", e);
    }
  }

  /** The stored ciphertext of an archive, fetched a chunk at a time as it is read. */
  private final class StoredChunks extends InputStream {
    private final UUID request;
    private int next;
    private byte[] chunk = new byte[0];
    private int position;

    StoredChunks(UUID request) {
      this.request = request;
    }

    @Override
    public int read() {
      return fill() ? chunk[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, chunk.length - position);
      System.arraycopy(chunk, position, b, off, n);
      position += n;
      return n;
    }

    private boolean fill() {
      while (chunk != null && position == chunk.length) {
        int seq = next++;
        chunk = jdbi.withHandle(h -> h.createQuery("SELECT chunk FROM export_chunks WHERE request_id = :r AND seq = :n")
            .bind("r", request).bind("n", seq).mapTo(byte[].class).findOne().orElse(null));
        position = 0;
      }
      return chunk != null;
    }
  }

  /**
   * Staff settle a rectification the subject could not make in the app (P24): corrected as asked,
   * or not, with the reason the requester must be given (GDPR Art. 12(4)). The reason is part of the
   * signed receipt, like an extension's reason, so it says why, not what the data is.
   *
   * @throws Problem CONFLICT {@code not_awaiting_staff} unless it is an open, verified rectification
   */
  public Request resolveRectification(UUID id, boolean corrected, String reason) {
    QueueEntry e = entry(id);
    if (!e.type().equals("rectify") || !(e.status().equals("received") || e.status().equals("extended"))) {
      throw new Problem(Problem.Kind.CONFLICT, "not_awaiting_staff", "only an open, verified rectification request waits for staff");
    }
    String why = reason == null || reason.isBlank() ? null : reason.strip();
    if (!corrected && why == null) {
      throw Problem.invalid("reason_required", "say why the data was not corrected: the requester must be told");
    }
    if (why != null && why.length() > MAX_REASON) {
      throw Problem.invalid("invalid_reason", "the reason is at most " + MAX_REASON + " characters");
    }
    return complete(e.subject(), id, corrected ? "corrected as requested" + (why == null ? "" : ": " + why) : "not corrected: " + why);
  }

  private static final int MAX_REASON = 500;

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
    Instant due = deadlines.extended(row.law(), row.due());
    jdbi.useTransaction(h -> {
      h.createUpdate("UPDATE privacy_requests SET due_at = :due, extension_reason = :r, status = 'extended' WHERE id = :id")
          .bind("due", due).bind("r", reason).bind("id", id).execute();
      event(h, id, row.subject(), "extended", reason, clock.instant());
    });
  }

  /** Open requests past their deadline (the staff queue's overdue flag). */
  public List<UUID> overdue() {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT id FROM privacy_requests WHERE status IN " + OPEN + " AND due_at < :now ORDER BY due_at")
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
      int updated = h.createUpdate("""
              UPDATE privacy_requests SET status = 'completed', completed_at = :now, receipt_payload = :p, receipt_signature = :sig
              WHERE id = :id AND status IN\s""" + OPEN)
          .bind("now", now).bind("p", payload).bind("sig", signature).bind("id", id).execute();
      if (updated == 0) {
        // Two completions raced (two staff members, or a staff member and the reminder job): the first one stands.
        throw new Problem(Problem.Kind.CONFLICT, "already_completed", "this request was completed already");
      }
      event(h, id, subject, "completed", null, now);
    });
    return get(subject, id);
  }

  private static void event(org.jdbi.v3.core.Handle h, UUID request, UUID subject, String status, String note, Instant at) {
    h.createUpdate("INSERT INTO privacy_request_events (id, request_id, subject_id, status, note, at) VALUES (:id, :r, :s, :st, :n, :at)")
        .bind("id", UUID.randomUUID()).bind("r", request).bind("s", subject).bind("st", status).bind("n", note).bind("at", at).execute();
  }

  private static boolean isOpen(String status) {
    return OPEN.contains("'" + status + "'");
  }

  private static FieldRef codeField(UUID request) {
    return FieldRef.of("request_verifications", "code", request);
  }

  private static FieldRef archiveField(UUID request) {
    return FieldRef.of("privacy_requests", "archive", request);
  }

  private static FieldRef archiveKeyField(UUID request) {
    return FieldRef.of("privacy_requests", "archive_key", request);
  }

  /** Binds an archive's stream to its request and subject. */
  private static String archiveStream(UUID subject, UUID request) {
    return "privacy_requests/archive/" + request + "/" + subject;
  }

  private static Instant instant(OffsetDateTime value) {
    return value == null ? null : value.toInstant();
  }
}
