package dev.confide.bench.privacy;

import dev.confide.app.Confide;
import dev.confide.bench.BenchSupport;
import dev.confide.chat.ChatService;
import dev.confide.chat.DecisionEvent;
import dev.confide.config.ConfideConfig;
import dev.confide.config.ConfigLoader;
import dev.confide.crypto.FieldRef;
import dev.confide.crypto.KeyRotation;
import dev.confide.crypto.Sealer;
import dev.confide.identity.NewAccount;
import dev.confide.models.BuiltInModels;
import dev.confide.models.ChatMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * A whole engine as the server wires it ({@link Confide#open}), on the embedded H2 file database in
 * a temporary directory or on PostgreSQL in a schema of its own, plus the data builders the drivers
 * share. Closing it drops the schema and deletes the directory.
 */
final class BenchEngine implements AutoCloseable {
  static final String POSTGRES_URL =
      System.getenv().getOrDefault("CONFIDE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String POSTGRES_USER = System.getenv().getOrDefault("CONFIDE_TEST_PG_USER", "postgres");
  private static final String MODEL = BuiltInModels.ECHO;
  private static final int BULK_BATCH = 1000;
  private static final String[] WORDS = ("the a of to and in that is for it with as was on be at by this had not are but from"
      + " or have an they which one you were her all she there would their we him been has when who will more no if out so"
      + " said what up its about into than them can only other new some could time these two may then do first any my now"
      + " such like our over man me even most made after also did many before must through back years where much your way"
      + " well down should because each just those people how too little state good very make world still own see men work"
      + " long get here between both life being under never day same another know while last might us great old year off"
      + " come since against go came right used take three").split(" ");

  final String backend;
  final ShiftableClock clock = new ShiftableClock();
  final Confide confide;
  private final Path dir;
  private final String schema;
  private final Random random = new Random(42);

  private BenchEngine(String backend, int poolSize, String extraYaml, Path dir) throws IOException {
    this.backend = backend;
    this.dir = dir;
    this.schema = backend.equals("postgresql") ? "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) : null;
    String database = switch (backend) {
      case "h2" -> "database: {maxPoolSize: " + poolSize + "}\n";
      case "postgresql" -> "database: {url: \"" + POSTGRES_URL + "\", user: " + POSTGRES_USER + ", schema: " + schema
          + ", maxPoolSize: " + poolSize + "}\n";
      default -> throw new IllegalArgumentException("backend is h2 or postgresql, not " + backend);
    };
    Path file = dir.resolve("bench.yaml");
    // Cheap password hashing (sign-up is set-up here, not measured); limits out of the way; the
    // built-in models answer at once.
    Files.writeString(file, "dataDir: \"" + dir.resolve("data") + "\"\n" + database
        + "passwords: {memoryKib: 8192, iterations: 1}\n"
        + "builtinModels: {enabled: true, delayMsPerWord: 0}\n"
        + "rateLimits:\n  perSubject: {requestsPerMinute: 1000000000, tokensPerMinute: 1000000000}\n"
        + "  perApiKey: {requestsPerMinute: 1000000000, tokensPerMinute: 1000000000}\n" + extraYaml);
    ConfideConfig config = new ConfigLoader().load(file, Map.of());
    // No PII detector: none of the measured paths runs it, and the standard one takes seconds to load.
    this.confide = Confide.open(config, clock, new Confide.Hooks(KeyRotation.Observer.NONE, DecisionEvent.Listener.NONE,
        text -> List.of()));
  }

  static BenchEngine open(String backend, int poolSize) {
    return open(backend, poolSize, "");
  }

  /** With {@code extraYaml} appended to the generated configuration (settings a driver varies). */
  static BenchEngine open(String backend, int poolSize, String extraYaml) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("confide-privacy-bench");
      return new BenchEngine(backend, poolSize, extraYaml, dir);
    } catch (IOException e) {
      BenchSupport.deleteRecursively(dir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      BenchSupport.deleteRecursively(dir);
      throw e;
    }
  }

  /** An account with one session and one API key, as a real user has; its sealed profile and key are the engine's. */
  UUID newSubject() {
    UUID subject = confide.accounts.signUp(new NewAccount("Bench Subject", "bench-" + UUID.randomUUID() + "@example.com",
        "a long bench passphrase 42".toCharArray(), LocalDate.of(1990, 1, 1)));
    confide.sessions.open(subject);
    confide.apiKeys.create(subject, "bench");
    return subject;
  }

  /**
   * A new conversation holding {@code messages} sealed messages (user and assistant in turn) of about
   * {@code chars} characters each, written by the engine's own path: one {@link ChatService#complete}
   * call, which seals and stores every message of the request in one transaction.
   */
  UUID conversation(UUID subject, int messages, int chars) {
    List<ChatMessage> turns = new ArrayList<>(messages);
    for (int i = 0; i < messages; i++) {
      turns.add(new ChatMessage(i % 2 == 0 ? "user" : "assistant", text(chars)));
    }
    return confide.chat.complete(caller(subject), null, turns, MODEL, ChatService.Options.DEFAULT).conversationId();
  }

  /**
   * The same rows as {@link #conversation}, for subjects too large to build through the engine in a
   * benchmark's time: the conversation and its first message go through {@link ChatService#complete};
   * the other messages are sealed with the subject's {@link Sealer} for the same {@link FieldRef} and
   * inserted into the same columns as {@code Conversations.insertMessage} fills, in JDBC batches, each
   * the child of the one before, and the conversation's head is moved to the last one.
   */
  UUID bulkConversation(UUID subject, int messages, int chars) {
    UUID conversation = conversation(subject, 1, chars);
    Sealer sealer = confide.subjectKeys.sealer(subject);
    confide.database.jdbi().useTransaction(h -> {
      UUID parent = h.createQuery("SELECT head_message_id FROM conversations WHERE id = :c").bind("c", conversation)
          .mapTo(UUID.class).one();
      PreparedBatch batch = h.prepareBatch("""
          INSERT INTO messages (id, subject_id, conversation_id, parent_id, role, content_sealed, model, status, created_at)
          VALUES (:id, :subject, :conversation, :parent, :role, :content, :model, :status, :now)""");
      for (int i = 1; i < messages; i++) {
        UUID id = UUID.randomUUID();
        boolean user = i % 2 == 0;
        batch.bind("id", id).bind("subject", subject).bind("conversation", conversation).bind("parent", parent)
            .bind("role", user ? "user" : "assistant")
            .bind("content", sealer.sealString(FieldRef.of("messages", "content", id), text(chars)))
            .bind("model", user ? null : MODEL).bind("status", "complete").bind("now", clock.instant()).add();
        parent = id;
        if (batch.size() == BULK_BATCH) {
          batch.execute();
        }
      }
      if (batch.size() > 0) {
        batch.execute();
      }
      h.createUpdate("UPDATE conversations SET head_message_id = :head, last_activity_at = :now WHERE id = :c")
          .bind("head", parent).bind("now", clock.instant()).bind("c", conversation).execute();
    });
    return conversation;
  }

  /** One more sealed user message in an existing conversation: the engine's single-message write. */
  void write(UUID subject, UUID conversation, String content) {
    confide.chat.complete(caller(subject), conversation, List.of(ChatMessage.user(content)), MODEL, ChatService.Options.DEFAULT);
  }

  /** About {@code chars} characters of English-looking words. */
  synchronized String text(int chars) {
    StringBuilder out = new StringBuilder(chars + 16);
    while (out.length() < chars) {
      out.append(out.length() == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return out.append('.').toString();
  }

  /** Writes the database's dirty pages now, so the next measurement does not pay for the build's. */
  void checkpoint() {
    confide.database.jdbi().useHandle(h -> h.execute("CHECKPOINT"));
  }

  long count(String sql) {
    return count(sql, Map.of());
  }

  long count(String sql, Map<String, ?> parameters) {
    return confide.database.jdbi().withHandle(h -> h.createQuery(sql).bindMap(parameters).mapTo(Long.class).one());
  }

  @Override
  public void close() {
    try {
      if (schema != null) {
        confide.database.jdbi().useHandle(h -> h.execute("DROP SCHEMA " + schema + " CASCADE"));
      }
    } finally {
      confide.close();
      BenchSupport.deleteRecursively(dir);
    }
  }

  private static ChatService.Caller caller(UUID subject) {
    return new ChatService.Caller(subject, null, "chat");
  }
}
