package dev.confide.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.crypto.CannotOpenException;
import dev.confide.crypto.FieldRef;
import dev.confide.testing.CryptoFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("P15")
class OperatorsTest {
  @TempDir Path tmp;

  private static final String TEXT = "Ada Lovelace wrote to ada@example.com; Ada Lovelace called 555-0100.";
  private static final List<PiiEntity> ENTITIES = List.of(
      new PiiEntity("PERSON", 0, 12, 0.9), new PiiEntity("EMAIL_ADDRESS", 22, 37, 1.0),
      new PiiEntity("PERSON", 39, 51, 0.9), new PiiEntity("PHONE_NUMBER", 59, 67, 0.8));

  @Test
  void irreversibleOperators() {
    assertThat(PiiOperators.redact(TEXT, ENTITIES)).isEqualTo("[REDACTED] wrote to [REDACTED]; [REDACTED] called [REDACTED].");
    assertThat(Redaction.replaceWithTypes(TEXT, ENTITIES))
        .isEqualTo("<PERSON> wrote to <EMAIL_ADDRESS>; <PERSON> called <PHONE_NUMBER>.");
    assertThat(PiiOperators.mask(TEXT, List.of(ENTITIES.get(3)), '*', 2)).endsWith("called ******00.");
    assertThat(PiiOperators.mask("Zoë", List.of(new PiiEntity("PERSON", 0, 3, 1)), '#', 0)).isEqualTo("###");
    assertThatThrownBy(() -> PiiOperators.redact(TEXT, List.of(ENTITIES.get(1), ENTITIES.get(0))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keyedHashesAreStablePerValueAndKey() throws Exception {
    try (CryptoFixture f = CryptoFixture.open(TestBackend.H2, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      String hashed = PiiOperators.keyedHash(TEXT, ENTITIES, f.blindIndex);
      String[] persons = hashed.split("<PERSON#");
      assertThat(persons).hasSize(3);
      assertThat(persons[1].substring(0, 16)).as("same value, same hash").isEqualTo(persons[2].substring(0, 16));
      assertThat(hashed).doesNotContain("Ada").doesNotContain("example.com");
    }
  }

  @Test
  void pseudonymsAreConsistentAndReversible() {
    Pseudonymizer p = new Pseudonymizer();
    String out = p.pseudonymize(TEXT, ENTITIES);
    assertThat(out).isEqualTo("<PERSON_1> wrote to <EMAIL_ADDRESS_1>; <PERSON_1> called <PHONE_NUMBER_1>.");
    String second = p.pseudonymize("Grace Hopper met Ada Lovelace", List.of(new PiiEntity("PERSON", 0, 12, 1), new PiiEntity("PERSON", 17, 29, 1)));
    assertThat(second).isEqualTo("<PERSON_2> met <PERSON_1>");
    assertThat(p.restore("Dear <PERSON_2>, <PERSON_1> says hi. <PERSON_9> and <NOT A PLACEHOLDER>"))
        .isEqualTo("Dear Grace Hopper, Ada Lovelace says hi. <PERSON_9> and <NOT A PLACEHOLDER>");
    assertThat(p.countsByType()).containsEntry("PERSON", 2).containsEntry("EMAIL_ADDRESS", 1);
  }

  @Test
  void theStreamRestorerHandlesEveryWayOfSplittingTheAnswer() {
    Pseudonymizer p = new Pseudonymizer();
    p.pseudonymize(TEXT, ENTITIES);
    String answer = "Hi <PERSON_1>! I wrote <EMAIL_ADDRESS_1> <<x> a<b <PHONE_NUMBER_1>";
    String expected = p.restore(answer);
    Random random = new Random(42);
    for (int trial = 0; trial < 2000; trial++) {
      StringBuilder received = new StringBuilder();
      List<String> chunks = new ArrayList<>();
      Pseudonymizer.Restorer restorer = p.restorer(chunk -> {
        chunks.add(chunk);
        received.append(chunk);
      });
      int at = 0;
      while (at < answer.length()) {
        int next = Math.min(answer.length(), at + 1 + random.nextInt(7));
        restorer.accept(answer.substring(at, next));
        at = next;
      }
      restorer.finish();
      assertThat(received.toString()).isEqualTo(expected);
      assertThat(chunks).noneMatch(c -> c.contains("<PERSON_1>") || c.contains("<EMAIL_ADDRESS_1>"));
    }
  }

  @Test
  void theMappingIsSealedWithTheSubjectsKey() throws Exception {
    try (CryptoFixture f = CryptoFixture.open(TestBackend.H2, tmp, MutableClock.at("2026-11-01T10:00:00Z"))) {
      UUID subject = UUID.randomUUID();
      UUID other = UUID.randomUUID();
      f.database.jdbi().useTransaction(h -> {
        f.subjectKeys.create(h, subject);
        f.subjectKeys.create(h, other);
      });
      Pseudonymizer p = new Pseudonymizer();
      p.pseudonymize(TEXT, ENTITIES);
      FieldRef where = FieldRef.of("pii_mappings", "mapping", "conversation-1");
      byte[] sealed = p.seal(f.subjectKeys.sealer(subject), where);
      assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("Ada");

      Pseudonymizer reopened = Pseudonymizer.open(f.subjectKeys.sealer(subject), where, sealed);
      assertThat(reopened.restore("<PERSON_1> / <EMAIL_ADDRESS_1>")).isEqualTo("Ada Lovelace / ada@example.com");
      assertThat(reopened.pseudonymize("Ada Lovelace and Alan Turing",
          List.of(new PiiEntity("PERSON", 0, 12, 1), new PiiEntity("PERSON", 17, 28, 1))))
          .as("the same value keeps its placeholder; a new one gets the next number").isEqualTo("<PERSON_1> and <PERSON_2>");
      assertThatThrownBy(() -> Pseudonymizer.open(f.subjectKeys.sealer(other), where, sealed)).isInstanceOf(CannotOpenException.class);
    }
  }

  @Test
  void syntheticValuesKeepTheTypeAndConsistency() {
    SyntheticReplacer fake = new SyntheticReplacer(7);
    String out = fake.replace(TEXT, ENTITIES);
    assertThat(out).doesNotContain("Ada Lovelace").doesNotContain("ada@example.com").doesNotContain("555-0100");
    String[] parts = out.split(" wrote to |; | called ");
    assertThat(parts[0]).as("the same person, the same fake").isEqualTo(parts[2]);
    assertThat(parts[1]).contains("@");
    assertThat(new SyntheticReplacer(7).replace(TEXT, ENTITIES)).as("deterministic per seed").isEqualTo(out);
  }
}
