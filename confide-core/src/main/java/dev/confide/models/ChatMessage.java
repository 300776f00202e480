package dev.confide.models;

/** One turn as a model sees it: role is {@code system}, {@code user} or {@code assistant}. */
public record ChatMessage(String role, String content) {
  public static ChatMessage user(String content) {
    return new ChatMessage("user", content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage("assistant", content);
  }
}
