package dev.confide.incidents;

import dev.confide.problem.Problem;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * How the affected subjects are found. Resolved once, when applied, into a stored list; applying
 * another scope later adds to the list (an incident's scope only grows).
 */
public sealed interface IncidentScope {
  int MAX_IDS = 100_000;

  /** What was asked, without personal values, for the timeline and the report. */
  String describe();

  /** Exactly these subjects. */
  record Subjects(List<UUID> ids) implements IncidentScope {
    public Subjects {
      ids = checkIds(ids, "subjects");
    }

    @Override
    public String describe() {
      return "explicit list of " + ids.size() + " subject(s)";
    }
  }

  /** Subjects whose content staff read under any of these break-glass grants. */
  record ReadUnderGrants(List<UUID> grantIds) implements IncidentScope {
    public ReadUnderGrants {
      grantIds = checkIds(grantIds, "grants");
    }

    @Override
    public String describe() {
      return "content read under grant(s) " + grantIds.stream().map(UUID::toString).collect(Collectors.joining(", "));
    }
  }

  /**
   * Subjects whose data the API key touched: its owner, and the subjects of requests made with it,
   * within {@code [from, to)} when given.
   */
  record ApiKey(UUID keyId, Instant from, Instant to) implements IncidentScope {
    public ApiKey {
      if (keyId == null) {
        throw Problem.invalid("invalid_scope", "an API key scope names the key");
      }
      checkWindow(from, to, false);
    }

    @Override
    public String describe() {
      return "data touched by API key " + keyId + (from == null ? "" : " from " + from) + (to == null ? "" : " until " + to);
    }
  }

  /** Subjects who signed in, used an API key or made a model request within {@code [from, to)}. */
  record ActiveBetween(Instant from, Instant to) implements IncidentScope {
    public ActiveBetween {
      checkWindow(from, to, true);
    }

    @Override
    public String describe() {
      return "subjects active from " + from + " until " + to;
    }
  }

  private static List<UUID> checkIds(List<UUID> ids, String what) {
    if (ids == null || ids.isEmpty() || ids.size() > MAX_IDS || ids.stream().anyMatch(java.util.Objects::isNull)) {
      throw Problem.invalid("invalid_scope", "a scope of " + what + " lists 1 to " + MAX_IDS + " ids");
    }
    return List.copyOf(ids);
  }

  private static void checkWindow(Instant from, Instant to, boolean required) {
    if (required && (from == null || to == null)) {
      throw Problem.invalid("invalid_scope", "a time window needs a start and an end");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw Problem.invalid("invalid_scope", "a time window must end after it starts");
    }
  }
}
