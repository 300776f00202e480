package dev.confide.models;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;

/**
 * Counts tokens with the cl100k_base encoding (jtokkit, bundled: nothing is downloaded) when a
 * provider does not report usage. Chat framing adds a few tokens per message, as OpenAI counts it.
 */
public final class TokenCounter {
  private static final int PER_MESSAGE = 3;
  private static final int PER_REPLY = 3;
  private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

  public int count(String text) {
    return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
  }

  public int countPrompt(List<ChatMessage> messages) {
    int total = PER_REPLY;
    for (ChatMessage m : messages) {
      total += PER_MESSAGE + count(m.role()) + count(m.content());
    }
    return total;
  }
}
