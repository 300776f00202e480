package dev.confide.models;

import java.util.List;

/** What is sent to a provider. Optional sampling settings are null when the caller gave none. */
public record ChatRequest(String model, List<ChatMessage> messages, Double temperature, Double topP, Integer maxTokens) {
  public ChatRequest {
    messages = List.copyOf(messages);
  }

  public static ChatRequest of(String model, List<ChatMessage> messages) {
    return new ChatRequest(model, messages, null, null, null);
  }

  public ChatRequest withModel(String otherModel) {
    return new ChatRequest(otherModel, messages, temperature, topP, maxTokens);
  }
}
