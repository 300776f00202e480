package dev.confide.models;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Offline models that ship inside Confide, so a fresh install chats with no network and no key:
 * {@code builtin-echo} repeats the last user message; {@code builtin-tiny} writes a deterministic
 * multi-sentence answer (the same prompt always gets the same answer) streamed word by word.
 */
public final class BuiltInModels implements ModelProvider {
  public static final String ECHO = "builtin-echo";
  public static final String TINY = "builtin-tiny";

  private static final String[] OPENERS = {
      "Here is a short answer.", "Good question.", "Let me think about that.", "In brief:", "A few thoughts follow."};
  private static final String[] SUBJECTS = {
      "The idea", "A careful approach", "This question", "The simplest option", "A privacy-first design", "Your request"};
  private static final String[] VERBS = {
      "depends on", "starts with", "benefits from", "comes down to", "is shaped by", "rests on"};
  private static final String[] OBJECTS = {
      "clear goals", "small steps", "good data hygiene", "the context you give", "testing each assumption",
      "keeping personal data out of the loop", "what matters most to you"};
  private static final String[] CLOSERS = {
      "I hope this helps.", "Ask again for more detail.", "That is the gist of it.", "Let me know if you want examples."};

  private final Duration delayPerWord;

  public BuiltInModels(Duration delayPerWord) {
    this.delayPerWord = delayPerWord;
  }

  @Override
  public Description description() {
    return new Description("confide-builtin", "builtin", true, "local", true, "off");
  }

  @Override
  public List<String> models() {
    return List.of(ECHO, TINY);
  }

  @Override
  public Completion complete(ChatRequest request, DeltaSink sink) {
    String prompt = lastUserMessage(request.messages());
    String answer = ECHO.equals(request.model()) ? prompt : compose(prompt);
    int limit = request.maxTokens() == null ? Integer.MAX_VALUE : request.maxTokens();
    StringBuilder sent = new StringBuilder();
    List<String> pieces = words(answer);
    String finish = "stop";
    for (int i = 0; i < pieces.size(); i++) {
      if (i >= limit) {
        finish = "length";
        break;
      }
      pause();
      sink.accept(pieces.get(i));
      sent.append(pieces.get(i));
    }
    return new Completion(sent.toString(), finish, null);
  }

  private static String compose(String prompt) {
    Random random = new Random(prompt.hashCode());
    StringBuilder answer = new StringBuilder(pick(random, OPENERS));
    int sentences = 2 + random.nextInt(3);
    for (int i = 0; i < sentences; i++) {
      answer.append(' ').append(pick(random, SUBJECTS)).append(' ').append(pick(random, VERBS)).append(' ')
          .append(pick(random, OBJECTS)).append('.');
    }
    return answer.append(' ').append(pick(random, CLOSERS)).toString();
  }

  /** Splits into words, each carrying its leading space, so the pieces concatenate to the text. */
  static List<String> words(String text) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == ' ') {
        pieces.add(text.substring(start, i));
        start = i;
      }
    }
    return pieces;
  }

  private static String lastUserMessage(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if ("user".equals(messages.get(i).role())) {
        return messages.get(i).content();
      }
    }
    return "";
  }

  private static String pick(Random random, String[] options) {
    return options[random.nextInt(options.length)];
  }

  private void pause() {
    if (!delayPerWord.isZero()) {
      try {
        Thread.sleep(delayPerWord.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeltaSink.ClientGoneException(e);
      }
    }
  }
}
