package dev.confide.rights;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.chat.Conversations;
import dev.confide.crypto.FieldRef;
import dev.confide.crypto.Sealer;
import dev.confide.testing.CryptoFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's reading thread hands everything over once, in order, and stops when the writer gives up. */
@Tag("P27")
class ConversationReaderTest {
  @TempDir Path tmp;

  @Test
  void everyConversationAndVersionArrivesOnceInOrderPastEveryPageAndBatch() throws Exception {
    try (CryptoFixture f = CryptoFixture.open(TestBackend.H2, tmp, MutableClock.at("2026-11-01T09:00:00Z"))) {
      UUID subject = UUID.randomUUID();
      List<UUID> ids = new ArrayList<>();
      f.database.jdbi().useTransaction(h -> {
        Sealer sealer = f.subjectKeys.create(h, subject);
        for (int i = 0; i < 130; i++) { // more than a page of conversations; one longer than a page of versions
          ids.add(conversation(h, sealer, subject, i == 7 ? 300 : 1));
        }
      });
      ids.sort(java.util.Comparator.comparing(UUID::toString)); // the database orders UUIDs as unsigned bytes
      Conversations conversations = new Conversations(f.database.jdbi(), f.subjectKeys, f.clock);

      List<UUID> begun = new ArrayList<>();
      List<List<String>> contents = new ArrayList<>();
      try (ConversationReader reader = ConversationReader.start(conversations, subject)) {
        for (ConversationReader.Item item = reader.next(); ; item = reader.next()) {
          if (item instanceof ConversationReader.Begin begin) {
            begun.add(begin.conversation().summary().id());
            contents.add(new ArrayList<>());
          } else if (item instanceof ConversationReader.Messages messages) {
            assertThat(messages.versions()).hasSizeBetween(1, ConversationReader.BATCH);
            messages.versions().forEach(v -> contents.get(contents.size() - 1).add(v.message().content()));
          } else {
            assertThat(((ConversationReader.End) item).failure()).isNull();
            break;
          }
        }
      }
      assertThat(begun).isEqualTo(ids);
      List<String> longest = contents.stream().filter(c -> c.size() > 1).findFirst().orElseThrow();
      assertThat(longest).hasSize(300);
      for (int i = 0; i < 300; i++) {
        assertThat(longest.get(i)).isEqualTo("message " + i);
      }
      assertThat(contents).filteredOn(c -> c.size() == 1).hasSize(129);
    }
  }

  @Test
  void aWriterThatGivesUpLetsTheReaderStop() throws Exception {
    try (CryptoFixture f = CryptoFixture.open(TestBackend.H2, tmp, MutableClock.at("2026-11-01T09:00:00Z"))) {
      UUID subject = UUID.randomUUID();
      f.database.jdbi().useTransaction(h -> {
        Sealer sealer = f.subjectKeys.create(h, subject);
        for (int i = 0; i < 20; i++) {
          conversation(h, sealer, subject, 100); // far more than the queue holds
        }
      });
      Conversations conversations = new Conversations(f.database.jdbi(), f.subjectKeys, f.clock);
      ConversationReader reader = ConversationReader.start(conversations, subject);
      reader.next();
      Thread.sleep(200); // the reader fills the queue and waits
      assertThat(readerThreads()).isNotEmpty();
      reader.close();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
      while (!readerThreads().isEmpty() && Instant.now().isBefore(deadline)) {
        Thread.sleep(20);
      }
      assertThat(readerThreads()).as("stopped at its next hand-over").isEmpty();
    }
  }

  private static List<Thread> readerThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("access-report-reader") && t.isAlive())
        .toList();
  }

  /** A conversation of {@code messages} messages, each the child of the one before, contents "message i". */
  private static UUID conversation(Handle h, Sealer sealer, UUID subject, int messages) {
    UUID id = UUID.randomUUID();
    Instant at = Instant.parse("2026-11-01T09:00:00Z");
    UUID parent = null;
    for (int i = 0; i < messages; i++) {
      UUID message = UUID.randomUUID();
      h.createUpdate("""
              INSERT INTO messages (id, subject_id, conversation_id, parent_id, role, content_sealed, model, status, created_at)
              VALUES (:id, :s, :c, :p, 'user', :content, 'builtin-echo', 'complete', :at)""")
          .bind("id", message).bind("s", subject).bind("c", id).bind("p", parent)
          .bind("content", sealer.sealString(FieldRef.of("messages", "content", message), "message " + i)).bind("at", at).execute();
      parent = message;
    }
    h.createUpdate("""
            INSERT INTO conversations (id, subject_id, title_sealed, head_message_id, created_at, last_activity_at)
            VALUES (:id, :s, :title, :head, :at, :at)""")
        .bind("id", id).bind("s", subject).bind("title", sealer.sealString(FieldRef.of("conversations", "title", id), "chat"))
        .bind("head", parent).bind("at", at).execute();
    return id;
  }
}
