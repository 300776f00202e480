package dev.confide.consent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.identity.Accounts;
import dev.confide.problem.Problem;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads and changes subjects' settings. Every change is written together with its consent-ledger
 * rows in one transaction, so the ledger is a complete history of what the subject agreed to.
 */
public final class SubjectSettings {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, Boolean>> FLAGS = new TypeReference<>() {};
  private static final int MAX_RETENTION_DAYS = 3650;

  private final Jdbi jdbi;
  private final Accounts accounts;
  private final SettingsDefaults defaults;
  private final Clock clock;

  /** A change as asked for; absent fields stay as they are. */
  public record Change(
      Optional<Optional<Integer>> chatRetentionDays,
      Optional<Boolean> dataCollection,
      Optional<Boolean> trainingOptOut,
      Optional<Boolean> optOutOfSale,
      Optional<Boolean> limitSensitive,
      Optional<Boolean> analyticsCookies,
      Optional<Boolean> restricted,
      Map<String, Boolean> objections,
      Map<String, Boolean> communication) {

    public static Change none() {
      return new Change(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Map.of(), Map.of());
    }

    public Change withOptOutOfSale(boolean value) {
      return new Change(chatRetentionDays, dataCollection, trainingOptOut, Optional.of(value), limitSensitive,
          analyticsCookies, restricted, objections, communication);
    }

    public Change withAnalyticsCookies(boolean value) {
      return new Change(chatRetentionDays, dataCollection, trainingOptOut, optOutOfSale, limitSensitive,
          Optional.of(value), restricted, objections, communication);
    }

    public Change withRestricted(boolean value) {
      return new Change(chatRetentionDays, dataCollection, trainingOptOut, optOutOfSale, limitSensitive,
          analyticsCookies, Optional.of(value), objections, communication);
    }
  }

  /** One ledger row. */
  public record LedgerEntry(String setting, String oldValue, String newValue, String source, String policyVersion,
      Instant changedAt) {}

  public SubjectSettings(Jdbi jdbi, Accounts accounts, SettingsDefaults defaults, Clock clock) {
    this.jdbi = jdbi;
    this.accounts = accounts;
    this.defaults = defaults;
    this.clock = clock;
  }

  public Settings get(UUID subject) {
    return jdbi.withHandle(h -> load(h, subject)).orElseGet(() -> defaultsFor(subject));
  }

  /**
   * Applies a change and records every setting it really changed.
   *
   * @param source {@code app}, {@code api}, {@code gpc} or {@code staff}
   */
  public Settings change(UUID subject, Change change, String source, String policyVersion) {
    return change(subject, change, source, policyVersion, false);
  }

  /**
   * As {@link #change(UUID, Change, String, String)}; with {@code protectiveOnly}, a change that
   * {@link #givesConsent gives consent} is refused ({@code 403 session_required}) and changes nothing.
   */
  public Settings change(UUID subject, Change change, String source, String policyVersion, boolean protectiveOnly) {
    validate(change);
    return jdbi.inTransaction(h -> {
      // Changes of one subject's settings take turns, so each is checked and diffed against what it replaces.
      // Retention and data collection stay on the policy's defaults (for the account's kind), whatever they
      // become, until the subject sets them (even to the value the default has now).
      Chosen was = h.createQuery("SELECT retention_chosen, data_collection_chosen FROM subject_settings WHERE subject_id = :s FOR UPDATE")
          .bind("s", subject).map((rs, ctx) -> new Chosen(rs.getBoolean(1), rs.getBoolean(2))).findOne()
          .orElse(new Chosen(false, false));
      Settings before = load(h, subject).orElseGet(() -> defaultsFor(subject));
      if (protectiveOnly && givesConsent(before, change)) {
        throw new Problem(Problem.Kind.FORBIDDEN, "session_required",
            "giving consent or lifting an opt-out or objection is done from a signed-in session, not with an API key");
      }
      Settings after = apply(before, change);
      Map<String, String[]> diff = diff(before, after);
      Chosen chosen = new Chosen(was.retention() || change.chatRetentionDays().isPresent(),
          was.dataCollection() || change.dataCollection().isPresent());
      if (diff.isEmpty() && chosen.equals(was)) {
        return before;
      }
      Instant now = clock.instant();
      upsert(h, subject, after, chosen, now);
      diff.forEach((setting, values) -> h.createUpdate("""
              INSERT INTO consent_ledger (id, subject_id, setting, old_value, new_value, source, policy_version, changed_at)
              VALUES (:id, :s, :setting, :old, :new, :source, :version, :at)""")
          .bind("id", UUID.randomUUID()).bind("s", subject).bind("setting", setting).bind("old", values[0])
          .bind("new", values[1]).bind("source", source).bind("version", policyVersion).bind("at", now)
          .execute());
      return after;
    });
  }

  /**
   * Whether the change gives the person's consent or takes back an opt-out or objection. An API key may
   * only make changes that protect the person more: a key pasted into another tool must not be able to
   * consent on their behalf.
   */
  public static boolean givesConsent(Settings now, Change change) {
    boolean gives = change.dataCollection().filter(v -> v && !now.dataCollection()).isPresent()
        || change.trainingOptOut().filter(v -> !v && now.trainingOptOut()).isPresent()
        || change.optOutOfSale().filter(v -> !v && now.optOutOfSale()).isPresent()
        || change.limitSensitive().filter(v -> !v && now.limitSensitive()).isPresent()
        || change.analyticsCookies().filter(v -> v && !now.analyticsCookies()).isPresent();
    for (Map.Entry<String, Boolean> e : change.objections().entrySet()) {
      gives |= !e.getValue() && now.objectsTo(e.getKey());
    }
    for (Map.Entry<String, Boolean> e : change.communication().entrySet()) {
      gives |= e.getValue() && !now.communication().getOrDefault(e.getKey(), true);
    }
    return gives;
  }

  /** The subject's consent history, oldest first (part of the access report, P23). */
  public List<LedgerEntry> ledger(UUID subject) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT setting, old_value, new_value, source, policy_version, changed_at FROM consent_ledger
            WHERE subject_id = :s ORDER BY seq""")
        .bind("s", subject)
        .map((rs, ctx) -> new LedgerEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant()))
        .list());
  }

  private Settings defaultsFor(UUID subject) {
    boolean hipaa = accounts.isHipaa(subject);
    return new Settings(defaults.chatRetentionDays(), hipaa ? defaults.dataCollectionForHipaa() : defaults.dataCollection(),
        false, false, false, false, false, Map.of(), Map.of());
  }

  private static void validate(Change c) {
    c.chatRetentionDays().flatMap(v -> v).ifPresent(days -> {
      if (days < 1 || days > MAX_RETENTION_DAYS) {
        throw Problem.invalid("invalid_chatRetentionDays", "chatRetentionDays must be from 1 to " + MAX_RETENTION_DAYS + ", or \"keep\"");
      }
    });
    c.objections().keySet().forEach(purpose -> {
      if (!Settings.PURPOSES.contains(purpose)) {
        throw Problem.invalid("unknown_purpose", "objections can name: " + String.join(", ", new java.util.TreeSet<>(Settings.PURPOSES)));
      }
    });
    c.communication().keySet().forEach(kind -> {
      if (!Settings.COMMUNICATION.contains(kind)) {
        throw Problem.invalid("unknown_communication", "communication can name: " + String.join(", ", new java.util.TreeSet<>(Settings.COMMUNICATION)));
      }
    });
  }

  private static Settings apply(Settings s, Change c) {
    Map<String, Boolean> objections = new TreeMap<>(s.objections());
    objections.putAll(c.objections());
    Map<String, Boolean> communication = new TreeMap<>(s.communication());
    communication.putAll(c.communication());
    return new Settings(
        c.chatRetentionDays().isPresent() ? c.chatRetentionDays().get().orElse(null) : s.chatRetentionDays(),
        c.dataCollection().orElse(s.dataCollection()),
        c.trainingOptOut().orElse(s.trainingOptOut()),
        c.optOutOfSale().orElse(s.optOutOfSale()),
        c.limitSensitive().orElse(s.limitSensitive()),
        c.analyticsCookies().orElse(s.analyticsCookies()),
        c.restricted().orElse(s.restricted()),
        objections, communication);
  }

  private static Map<String, String[]> diff(Settings a, Settings b) {
    Map<String, String[]> diff = new LinkedHashMap<>();
    compare(diff, "chatRetentionDays", retention(a), retention(b));
    compare(diff, "dataCollection", a.dataCollection(), b.dataCollection());
    compare(diff, "trainingOptOut", a.trainingOptOut(), b.trainingOptOut());
    compare(diff, "optOutOfSale", a.optOutOfSale(), b.optOutOfSale());
    compare(diff, "limitSensitive", a.limitSensitive(), b.limitSensitive());
    compare(diff, "analyticsCookies", a.analyticsCookies(), b.analyticsCookies());
    compare(diff, "restricted", a.restricted(), b.restricted());
    for (String purpose : Settings.PURPOSES) {
      compare(diff, "objections." + purpose, a.objectsTo(purpose), b.objectsTo(purpose));
    }
    for (String kind : Settings.COMMUNICATION) {
      compare(diff, "communication." + kind, a.communication().getOrDefault(kind, true), b.communication().getOrDefault(kind, true));
    }
    return diff;
  }

  private static String retention(Settings s) {
    return s.chatRetentionDays() == null ? "keep" : String.valueOf(s.chatRetentionDays());
  }

  private static void compare(Map<String, String[]> diff, String name, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      diff.put(name, new String[] {String.valueOf(before), String.valueOf(after)});
    }
  }

  /** Which of the settings that follow a default the subject has set themselves. */
  private record Chosen(boolean retention, boolean dataCollection) {}

  private Optional<Settings> load(Handle h, UUID subject) {
    return h.createQuery("""
            SELECT chat_retention_days, keep_chats, data_collection, training_opt_out, opt_out_of_sale, limit_sensitive,
                   analytics_cookies, restricted, objections, communication, retention_chosen, data_collection_chosen,
                   (SELECT a.hipaa FROM accounts a WHERE a.subject_id = subject_settings.subject_id)
            FROM subject_settings WHERE subject_id = :s""")
        .bind("s", subject)
        .map((rs, ctx) -> new Settings(!rs.getBoolean(11) ? defaults.chatRetentionDays() : rs.getBoolean(2) ? null : rs.getInt(1),
            rs.getBoolean(12) ? rs.getBoolean(3) : rs.getBoolean(13) ? defaults.dataCollectionForHipaa() : defaults.dataCollection(),
            rs.getBoolean(4),
            rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8), flags(rs.getString(9)), flags(rs.getString(10))))
        .findOne();
  }

  private static void upsert(Handle h, UUID subject, Settings s, Chosen chosen, Instant now) {
    int updated = h.createUpdate("""
            UPDATE subject_settings SET chat_retention_days = :days, keep_chats = :keep, data_collection = :dc,
                   training_opt_out = :tr, opt_out_of_sale = :sale, limit_sensitive = :ls, analytics_cookies = :ac,
                   restricted = :rs, objections = :obj, communication = :comm, retention_chosen = :chosen,
                   data_collection_chosen = :dcChosen, updated_at = :now
            WHERE subject_id = :s""")
        .bindMap(row(subject, s)).bind("chosen", chosen.retention()).bind("dcChosen", chosen.dataCollection()).bind("now", now)
        .execute();
    if (updated == 0) {
      h.createUpdate("""
              INSERT INTO subject_settings (subject_id, chat_retention_days, keep_chats, data_collection, training_opt_out,
                     opt_out_of_sale, limit_sensitive, analytics_cookies, restricted, objections, communication,
                     retention_chosen, data_collection_chosen, updated_at)
              VALUES (:s, :days, :keep, :dc, :tr, :sale, :ls, :ac, :rs, :obj, :comm, :chosen, :dcChosen, :now)""")
          .bindMap(row(subject, s)).bind("chosen", chosen.retention()).bind("dcChosen", chosen.dataCollection()).bind("now", now)
          .execute();
    }
  }

  private static Map<String, Object> row(UUID subject, Settings s) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("s", subject);
    row.put("days", s.chatRetentionDays() == null ? 0 : s.chatRetentionDays());
    row.put("keep", s.chatRetentionDays() == null);
    row.put("dc", s.dataCollection());
    row.put("tr", s.trainingOptOut());
    row.put("sale", s.optOutOfSale());
    row.put("ls", s.limitSensitive());
    row.put("ac", s.analyticsCookies());
    row.put("rs", s.restricted());
    row.put("obj", write(s.objections()));
    row.put("comm", write(s.communication()));
    return row;
  }

  private static String write(Map<String, Boolean> flags) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(flags));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Boolean> flags(String json) {
    try {
      return JSON.readValue(json, FLAGS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored settings do not parse", e);
    }
  }
}
