package dev.confide.pii;

/** Finds candidate spans of one kind of entity. Implementations are stateless and thread-safe. */
interface Recognizer {
  void scan(Text text, Candidates out);
}
