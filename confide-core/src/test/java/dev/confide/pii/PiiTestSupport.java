package dev.confide.pii;

import java.util.List;
import java.util.stream.Collectors;

/** Helpers for asserting on detections. */
final class PiiTestSupport {
  static final PiiEngine ENGINE = PiiEngine.standard();

  private PiiTestSupport() {}

  /** "TYPE:text" for each entity found, in order. */
  static List<String> found(String text) {
    return found(ENGINE, text);
  }

  static List<String> found(PiiDetector detector, String text) {
    return detector.detect(text).stream().map(e -> e.type() + ":" + text.substring(e.start(), e.end()))
        .collect(Collectors.toList());
  }

  /** The texts of entities of one type. */
  static List<String> ofType(String text, String type) {
    return ENGINE.detect(text).stream().filter(e -> e.type().equals(type)).map(e -> text.substring(e.start(), e.end()))
        .collect(Collectors.toList());
  }
}
