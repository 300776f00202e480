package dev.confide.audit;

import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/** Who did an audited action: a staff member, a data subject, or the system itself (id null). */
public record Actor(Kind kind, UUID id) {

  public enum Kind {
    STAFF, SUBJECT, SYSTEM;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind fromWireName(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  public Actor {
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.SYSTEM) != (id == null)) {
      throw new IllegalArgumentException("a system actor has no id; staff and subjects have one");
    }
  }

  public static Actor staff(UUID id) {
    return new Actor(Kind.STAFF, Objects.requireNonNull(id, "id"));
  }

  public static Actor subject(UUID id) {
    return new Actor(Kind.SUBJECT, Objects.requireNonNull(id, "id"));
  }

  public static Actor system() {
    return new Actor(Kind.SYSTEM, null);
  }
}
