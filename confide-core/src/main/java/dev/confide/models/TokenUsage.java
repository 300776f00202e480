package dev.confide.models;

/** Token counts for one completion. */
public record TokenUsage(int promptTokens, int completionTokens) {
  public int totalTokens() {
    return promptTokens + completionTokens;
  }
}
