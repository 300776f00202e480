package dev.confide.models;

import java.util.List;

/** Something that answers chat requests for the models it lists. Implementations are thread-safe. */
public interface ModelProvider {

  /** Where and how a provider runs; the policy engine decides what may be sent to it. */
  record Description(String name, String type, boolean builtIn, String country, boolean baa, String shield) {}

  Description description();

  List<String> models();

  /**
   * Answers, streaming each piece of text to {@code sink} as it arrives, and returns the whole.
   *
   * @throws ProviderException on any upstream failure, with what streamed so far
   * @throws DeltaSink.ClientGoneException when the sink gave up; the upstream call is abandoned
   */
  Completion complete(ChatRequest request, DeltaSink sink);
}
