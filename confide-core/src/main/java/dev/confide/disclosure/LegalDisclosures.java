package dev.confide.disclosure;

import dev.confide.problem.Problem;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Disclosures made because the law required them (P16), recorded by staff: to which authority, on
 * which legal basis, which data categories, about which subjects. A subject's access report shows
 * the disclosures about them, except while a recorded legal hold (an order not to tell them) is in
 * force; once it ends they appear. The authority and basis are the company's records, not the
 * subjects' data, so they are stored as text; the list of subjects is never shown to a subject.
 */
public final class LegalDisclosures {
  public static final int MAX_AUTHORITY = 300;
  public static final int MAX_LEGAL_BASIS = 1000;
  public static final int MAX_HOLD_REASON = 500;
  public static final int MAX_CATEGORIES = 20;
  public static final int MAX_SUBJECTS = 1000;
  public static final int MAX_LIST = 1000;

  private final Jdbi jdbi;
  private final Clock clock;

  /** An order to keep the disclosure from its subjects until {@code until}. */
  public record LegalHold(Instant until, String reason) {}

  /**
   * A disclosure as staff enter it. {@code disclosedAt} may be null (now); {@code hold} is null when
   * the subjects may be told.
   */
  public record NewDisclosure(String authority, String legalBasis, List<String> categories, List<UUID> subjects,
      Instant disclosedAt, LegalHold hold) {}

  /** A recorded disclosure, as staff see it; {@code subjects} in UUID order. */
  public record Disclosure(UUID id, String authority, String legalBasis, List<String> categories, List<UUID> subjects,
      UUID recordedBy, Instant disclosedAt, Instant recordedAt, LegalHold hold) {}

  /** A disclosure as its subject sees it in the access report: no other subjects, no staff, no hold. */
  public record SubjectView(UUID id, String authority, String legalBasis, List<String> categories, Instant disclosedAt) {}

  public LegalDisclosures(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /**
   * Records a disclosure made by the staff member {@code recordedBy}.
   *
   * @throws Problem INVALID for a missing or overlong field, a disclosure in the future or a hold
   *     that has already ended
   */
  public Disclosure record(NewDisclosure d, UUID recordedBy) {
    if (recordedBy == null) {
      throw Problem.invalid("invalid_recorded_by", "the recording staff member is required");
    }
    String authority = text("authority", d.authority(), MAX_AUTHORITY);
    String basis = text("legalBasis", d.legalBasis(), MAX_LEGAL_BASIS);
    List<String> categories = categories(d.categories());
    List<UUID> subjects = subjects(d.subjects());
    Instant now = clock.instant();
    Instant disclosedAt = d.disclosedAt() == null ? now : d.disclosedAt();
    if (disclosedAt.isAfter(now)) {
      throw Problem.invalid("invalid_disclosedAt", "disclosedAt must not be in the future");
    }
    LegalHold hold = hold(d.hold(), now);
    Disclosure recorded = new Disclosure(UUID.randomUUID(), authority, basis, categories, subjects, recordedBy, disclosedAt,
        now, hold);
    jdbi.useTransaction(h -> {
      h.createUpdate("""
              INSERT INTO legal_disclosures (id, authority, legal_basis, categories, recorded_by, disclosed_at, recorded_at,
                                             hold_until, hold_reason)
              VALUES (:id, :authority, :basis, :categories, :by, :disclosed, :recorded, :holdUntil, :holdReason)""")
          .bind("id", recorded.id()).bind("authority", authority).bind("basis", basis)
          .bind("categories", String.join(",", categories)).bind("by", recordedBy).bind("disclosed", disclosedAt)
          .bind("recorded", now).bind("holdUntil", hold == null ? null : hold.until())
          .bind("holdReason", hold == null ? null : hold.reason()).execute();
      var batch = h.prepareBatch("INSERT INTO legal_disclosure_subjects (disclosure_id, subject_id) VALUES (:d, :s)");
      subjects.forEach(s -> batch.bind("d", recorded.id()).bind("s", s).add());
      batch.execute();
    });
    return recorded;
  }

  /**
   * Places, extends or (with null) lifts the legal hold of a disclosure.
   *
   * @throws Problem {@code not_found} for an unknown disclosure
   */
  public Disclosure setHold(UUID disclosure, LegalHold hold) {
    LegalHold checked = hold(hold, clock.instant());
    int updated = jdbi.withHandle(h -> h.createUpdate(
            "UPDATE legal_disclosures SET hold_until = :until, hold_reason = :reason WHERE id = :id")
        .bind("until", checked == null ? null : checked.until()).bind("reason", checked == null ? null : checked.reason())
        .bind("id", disclosure).execute());
    if (updated == 0) {
      throw Problem.notFound("no such disclosure");
    }
    return get(disclosure);
  }

  public Disclosure get(UUID disclosure) {
    return jdbi.withHandle(h -> load(h, "WHERE id = :id", Map.of("id", disclosure), 1)).stream().findFirst()
        .orElseThrow(() -> Problem.notFound("no such disclosure"));
  }

  /** Every disclosure, newest recorded first (staff only). */
  public List<Disclosure> list(int limit) {
    if (limit < 1 || limit > MAX_LIST) {
      throw Problem.invalid("invalid_limit", "limit must be from 1 to " + MAX_LIST);
    }
    return jdbi.withHandle(h -> load(h, "", Map.of(), limit));
  }

  /** The disclosures about {@code subject} that its access report shows: none under a hold still in force. */
  public List<SubjectView> forSubject(UUID subject) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT d.id, d.authority, d.legal_basis, d.categories, d.disclosed_at
            FROM legal_disclosures d JOIN legal_disclosure_subjects s ON s.disclosure_id = d.id
            WHERE s.subject_id = :s AND (d.hold_until IS NULL OR d.hold_until <= :now)
            ORDER BY d.seq""")
        .bind("s", subject).bind("now", clock.instant())
        .map((rs, ctx) -> new SubjectView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
            split(rs.getString(4)), instant(rs.getObject(5, OffsetDateTime.class))))
        .list());
  }

  private static List<Disclosure> load(Handle h, String where, Map<String, Object> binds, int limit) {
    List<Disclosure> found = h.createQuery("""
            SELECT id, authority, legal_basis, categories, recorded_by, disclosed_at, recorded_at, hold_until, hold_reason
            FROM legal_disclosures""" + " " + where + " ORDER BY seq DESC LIMIT :limit")
        .bindMap(binds).bind("limit", limit)
        .map((rs, ctx) -> {
          OffsetDateTime holdUntil = rs.getObject(8, OffsetDateTime.class);
          return new Disclosure(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), split(rs.getString(4)),
              List.of(), rs.getObject(5, UUID.class), instant(rs.getObject(6, OffsetDateTime.class)),
              instant(rs.getObject(7, OffsetDateTime.class)),
              holdUntil == null ? null : new LegalHold(holdUntil.toInstant(), rs.getString(9)));
        })
        .list();
    List<Disclosure> withSubjects = new ArrayList<>(found.size());
    for (Disclosure d : found) {
      List<UUID> subjects = h.createQuery("SELECT subject_id FROM legal_disclosure_subjects WHERE disclosure_id = :d")
          .bind("d", d.id()).mapTo(UUID.class).stream().sorted().toList();
      withSubjects.add(new Disclosure(d.id(), d.authority(), d.legalBasis(), d.categories(), subjects, d.recordedBy(),
          d.disclosedAt(), d.recordedAt(), d.hold()));
    }
    return withSubjects;
  }

  private static LegalHold hold(LegalHold hold, Instant now) {
    if (hold == null) {
      return null;
    }
    if (hold.until() == null || !hold.until().isAfter(now)) {
      throw Problem.invalid("invalid_hold", "a legal hold needs an end in the future");
    }
    return new LegalHold(hold.until(), text("holdReason", hold.reason(), MAX_HOLD_REASON));
  }

  private static List<String> categories(List<String> categories) {
    if (categories == null || categories.isEmpty() || categories.size() > MAX_CATEGORIES) {
      throw Problem.invalid("invalid_categories", "name 1 to " + MAX_CATEGORIES + " data categories");
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (String c : categories) {
      if (c == null || !Processor.TERM.matcher(c).matches()) {
        throw Problem.invalid("invalid_categories", "data categories are lower-case words with digits and '_'");
      }
      distinct.add(c);
    }
    return List.copyOf(distinct);
  }

  private static List<UUID> subjects(List<UUID> subjects) {
    if (subjects == null || subjects.isEmpty() || subjects.size() > MAX_SUBJECTS
        || subjects.stream().anyMatch(Objects::isNull)) {
      throw Problem.invalid("invalid_subjects", "name 1 to " + MAX_SUBJECTS + " subjects");
    }
    return List.copyOf(new TreeSet<>(subjects));
  }

  /** Strips, NFC-normalizes and refuses empty, overlong or control-character text. */
  private static String text(String field, String value, int max) {
    String cleaned = value == null ? "" : Normalizer.normalize(value.strip(), Normalizer.Form.NFC);
    if (cleaned.isEmpty() || cleaned.codePointCount(0, cleaned.length()) > max
        || cleaned.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
      throw Problem.invalid("invalid_" + field, field + " must be 1 to " + max + " characters without control characters");
    }
    return cleaned;
  }

  private static List<String> split(String joined) {
    return joined.isEmpty() ? List.of() : Arrays.stream(joined.split(",")).collect(Collectors.toUnmodifiableList());
  }

  private static Instant instant(OffsetDateTime t) {
    return t.toInstant();
  }
}
