package dev.confide.pii;

import java.util.List;

/** Replaces each entity with its type in angle brackets: {@code <PERSON>}. */
public final class Redaction {
  private Redaction() {}

  public static String replaceWithTypes(String text, List<PiiEntity> entities) {
    return PiiOperators.apply(text, entities, e -> "<" + e.type() + ">");
  }
}
