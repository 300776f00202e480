package dev.confide.pii;

import java.util.List;

/** Finds personal data in text. Thread-safe; results sorted by start and non-overlapping. */
public interface PiiDetector {
  List<PiiEntity> detect(String text);
}
