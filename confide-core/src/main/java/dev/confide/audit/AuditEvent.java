package dev.confide.audit;

import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What is about to be audited: who, what action, about which subject, on which target, with a few
 * details. Built by {@link #of} and the {@code about}/{@code on}/{@code with} steps.
 *
 * <p>Audit entries must never hold message text or personal values, and this type is where that is
 * enforced: detail values and target ids can only be UUIDs, integers, booleans, instants, enum
 * constants or short lower-case tokens starting with a letter ({@code [a-z][a-z0-9_.:-]{0,63}}).
 * No spaces, no {@code @}, no upper case and no leading digit rule out names, emails, free text,
 * addresses and phone numbers written as text. A refused value is never echoed in the exception.
 *
 * @param detail canonical string forms of the values, sorted by key
 */
public record AuditEvent(Actor actor, String action, UUID subject, String targetKind, String targetId,
    SortedMap<String, String> detail) {

  private static final int MAX_DETAIL_ENTRIES = 16;
  private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]{0,31}(\\.[a-z][a-z0-9_]{0,31}){0,3}");
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,31}");
  private static final Pattern TOKEN = Pattern.compile("[a-z][a-z0-9_.:-]{0,63}");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");
  private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern INSTANT_TEXT = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?Z");

  public AuditEvent {
    Objects.requireNonNull(actor, "actor");
    if (action == null || action.length() > 64 || !ACTION.matcher(action).matches()) {
      throw new IllegalArgumentException("an audit action is a dotted lower-case name such as content.read");
    }
    if ((targetKind == null) != (targetId == null)) {
      throw new IllegalArgumentException("an audit target needs both a kind and an id");
    }
    if (targetKind != null && !KEY.matcher(targetKind).matches()) {
      throw new IllegalArgumentException("an audit target kind is a short lower-case name");
    }
    if (targetId != null && !isAllowedValue(targetId)) {
      throw new IllegalArgumentException("an audit target id must be a UUID, a number or a short lower-case token");
    }
    Objects.requireNonNull(detail, "detail");
    if (detail.size() > MAX_DETAIL_ENTRIES) {
      throw new IllegalArgumentException("an audit entry holds at most " + MAX_DETAIL_ENTRIES + " details");
    }
    detail.forEach((key, value) -> {
      if (key == null || !KEY.matcher(key).matches()) {
        throw new IllegalArgumentException("audit detail keys are short lower-case names");
      }
      if (value == null || !isAllowedValue(value)) {
        throw new IllegalArgumentException("audit detail '" + key + "' is not an id, number, flag, instant or short token");
      }
    });
    detail = Collections.unmodifiableSortedMap(new TreeMap<>(detail));
  }

  public static AuditEvent of(Actor actor, String action) {
    return new AuditEvent(actor, action, null, null, null, new TreeMap<>());
  }

  /** The data subject whose data the action concerns. */
  public AuditEvent about(UUID subjectId) {
    return new AuditEvent(actor, action, subjectId, targetKind, targetId, detail);
  }

  /** What the action was done to, e.g. {@code on("conversation", id)}. */
  public AuditEvent on(String kind, Object id) {
    return new AuditEvent(actor, action, subject, kind, render(kind, id), detail);
  }

  /**
   * Adds a detail. Accepted values: {@link UUID}, integral numbers, {@link Boolean}, {@link
   * Instant}, enum constants (lower-cased) and strings of the token form; anything else throws.
   */
  public AuditEvent with(String key, Object value) {
    SortedMap<String, String> next = new TreeMap<>(detail);
    next.put(key, render(key, value));
    return new AuditEvent(actor, action, subject, targetKind, targetId, next);
  }

  /** The details as one string: {@code key=value} pairs sorted by key, joined by commas. */
  public String canonicalDetail() {
    return canonical(detail);
  }

  static String canonical(SortedMap<String, String> detail) {
    StringBuilder out = new StringBuilder();
    detail.forEach((k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return out.toString();
  }

  static SortedMap<String, String> parseDetail(String canonical) {
    SortedMap<String, String> detail = new TreeMap<>();
    if (!canonical.isEmpty()) {
      for (String pair : canonical.split(",")) {
        int eq = pair.indexOf('=');
        detail.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return detail;
  }

  private static String render(String key, Object value) {
    String text;
    if (value instanceof UUID || value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte || value instanceof Boolean || value instanceof Instant) {
      text = value.toString();
    } else if (value instanceof Enum<?> e) {
      text = e.name().toLowerCase(Locale.ROOT);
    } else if (value instanceof String s && TOKEN.matcher(s).matches()) {
      text = s;
    } else {
      throw new IllegalArgumentException("audit value for '" + key + "' is not an id, number, flag, instant or short token");
    }
    return text;
  }

  private static boolean isAllowedValue(String value) {
    return value.length() <= 64 && (TOKEN.matcher(value).matches() || INTEGER.matcher(value).matches()
        || UUID_TEXT.matcher(value).matches() || INSTANT_TEXT.matcher(value).matches());
  }
}
