package dev.confide.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the shield sends when detection finds a value in one place but not where it appears again. */
@Tag("P15")
@Tag("P31")
class PiiShieldTest {
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /** Finds only the first occurrence of each of {@code values} in each text, as context-driven detection may. */
  private static PiiDetector firstOnly(String type, String... values) {
    return text -> {
      List<PiiEntity> out = new ArrayList<>();
      for (String v : values) {
        int at = text.indexOf(v);
        if (at >= 0) {
          out.add(new PiiEntity(type, at, at + v.length(), 0.9));
        }
      }
      out.sort((a, b) -> Integer.compare(a.start(), b.start()));
      return out;
    };
  }

  private PiiShield shield(PiiDetector detector) {
    return new PiiShield(detector, executor, Duration.ofSeconds(2));
  }

  @Test
  void aValueFoundOnceIsReplacedWhereverItAppearsAgainInAnyCase() {
    List<String> texts = List.of("My friend Zorvek Quill called.",
        "Ask zorvek quill whether ZORVEK QUILL and Zorvek Quill's sister agree.");
    PiiShield.Shielded s = shield(firstOnly("PERSON", "Zorvek Quill")).apply(texts, ShieldMode.PSEUDONYMIZE);

    assertThat(s.texts().get(0)).isEqualTo("My friend <PERSON_1> called.");
    // each spelling keeps its own placeholder, so restoring gives back exactly what the user wrote
    assertThat(s.texts().get(1)).isEqualTo("Ask <PERSON_2> whether <PERSON_3> and <PERSON_1>'s sister agree.");
    assertThat(String.join(" ", s.texts()).toLowerCase()).doesNotContain("zorvek", "quill");
    assertThat(s.pseudonymizer().mapping()).containsOnly(java.util.Map.entry("<PERSON_1>", "Zorvek Quill"),
        java.util.Map.entry("<PERSON_2>", "zorvek quill"), java.util.Map.entry("<PERSON_3>", "ZORVEK QUILL"));
    assertThat(s.counts()).containsEntry("PERSON", 4);
    assertThat(s.pseudonymizer().restore(s.texts().get(1))).isEqualTo(texts.get(1));

    PiiShield.Shielded redacted = shield(firstOnly("PERSON", "Zorvek Quill")).apply(texts, ShieldMode.REDACT);
    assertThat(redacted.texts().get(1)).isEqualTo("Ask <PERSON> whether <PERSON> and <PERSON>'s sister agree.");
  }

  @Test
  void repeatsAreWholeWordsAndShortValuesAreLeftAlone() {
    List<String> texts = List.of("Ann is 35 and lives in Oslo.", "Annual report: Ann, 35 pages, Osloveien, oslo.");
    PiiDetector detector = text -> {
      List<PiiEntity> out = new ArrayList<>(firstOnly("PERSON", "Ann ").detect(text).stream()
          .map(e -> new PiiEntity(e.type(), e.start(), e.end() - 1, e.score())).toList());
      out.addAll(firstOnly("AGE", "35 and").detect(text).stream()
          .map(e -> new PiiEntity(e.type(), e.start(), e.start() + 2, e.score())).toList());
      out.addAll(firstOnly("LOCATION", "Oslo.").detect(text).stream()
          .map(e -> new PiiEntity(e.type(), e.start(), e.end() - 1, e.score())).toList());
      out.sort((a, b) -> Integer.compare(a.start(), b.start()));
      return out;
    };
    PiiShield.Shielded s = shield(detector).apply(texts, ShieldMode.PSEUDONYMIZE);

    assertThat(s.texts().get(0)).isEqualTo("<PERSON_1> is <AGE_1> and lives in <LOCATION_1>.");
    // "Ann" again as a word, not inside "Annual"; "35" is too short to search; "Oslo" not inside "Osloveien";
    // a single word is not looked for in lower case ("oslo" might be a word, as "will" or "mark" are)
    assertThat(s.texts().get(1)).isEqualTo("Annual report: <PERSON_1>, 35 pages, Osloveien, oslo.");

    PiiShield.Shielded will = shield(firstOnly("PERSON", "Will")).apply(
        List.of("Will called.", "I will ask WILL and Will tomorrow."), ShieldMode.PSEUDONYMIZE);
    assertThat(will.texts().get(1)).isEqualTo("I will ask <PERSON_2> and <PERSON_1> tomorrow.");
  }

  @Test
  void theSearchForRepeatsIsBoundedPerRequestAndPerFirstWord() {
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < PiiShield.MAX_SEARCHED + 20; i++) {
      first.append("user").append(i).append("@example.org ");
    }
    StringBuilder sameStart = new StringBuilder();
    for (int i = 0; i < PiiShield.MAX_PER_FIRST_WORD + 4; i++) {
      sameStart.append("zz@host").append(i).append(".org ");
    }
    PiiDetector addresses = text -> {
      List<PiiEntity> out = new ArrayList<>();
      int at = 0;
      for (String word : text.split(" ")) {
        if (word.contains("@") && !text.startsWith("again")) {
          out.add(new PiiEntity("EMAIL_ADDRESS", at, at + word.length(), 1.0));
        }
        at += word.length() + 1;
      }
      return out;
    };
    String again = "again user5@example.org user" + (PiiShield.MAX_SEARCHED + 10) + "@example.org";
    PiiShield.Shielded s = shield(addresses).apply(List.of(first.toString(), again), ShieldMode.REDACT);
    assertThat(s.texts().get(1)).isEqualTo("again <EMAIL_ADDRESS> user" + (PiiShield.MAX_SEARCHED + 10) + "@example.org");

    String againSameStart = "again zz@host2.org zz@host" + (PiiShield.MAX_PER_FIRST_WORD + 2) + ".org";
    PiiShield.Shielded t = shield(addresses).apply(List.of(sameStart.toString(), againSameStart), ShieldMode.REDACT);
    assertThat(t.texts().get(1)).isEqualTo("again <EMAIL_ADDRESS> zz@host" + (PiiShield.MAX_PER_FIRST_WORD + 2) + ".org");
  }

  @Test
  void hostileInputWithThousandsOfValuesSharingAFirstWordIsShielded() {
    StringBuilder addresses = new StringBuilder();
    for (int i = 0; i < 7_000; i++) {
      addresses.append("q@d").append(i).append(".io ");
    }
    String probes = "q ".repeat(50_000);
    List<String> texts = List.of(addresses.toString(), probes);
    PiiDetector everyAddress = text -> {
      List<PiiEntity> out = new ArrayList<>();
      for (int at = text.indexOf("q@"); at >= 0; at = text.indexOf("q@", at + 1)) {
        out.add(new PiiEntity("EMAIL_ADDRESS", at, text.indexOf(' ', at), 1.0));
      }
      return out;
    };
    // Unbounded, this would be 7,000 × 50,000 comparisons; bounded, it is 16 per "q".
    PiiShield.Shielded s = new PiiShield(everyAddress, executor, Duration.ofSeconds(30), 0).apply(texts, ShieldMode.REDACT);
    assertThat(s.texts().get(1)).isEqualTo(probes);
    assertThat(s.counts()).containsEntry("EMAIL_ADDRESS", 7_000);
  }

  @Test
  void spansThatDoNotFitOrAStoppedExecutorRefuseTheRequest() {
    List<String> texts = List.of("Short.");
    PiiDetector outOfRange = text -> List.of(new PiiEntity("PERSON", 2, 40, 0.9));
    PiiDetector overlapping = text -> List.of(new PiiEntity("PERSON", 0, 4, 0.9), new PiiEntity("PERSON", 2, 5, 0.9));
    for (PiiDetector broken : List.of(outOfRange, overlapping)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> shield(broken).apply(texts, ShieldMode.PSEUDONYMIZE))
          .isInstanceOfSatisfying(dev.confide.problem.Problem.class,
              p -> assertThat(p.code()).isEqualTo("pii_shield_unavailable"));
    }
    ExecutorService stopped = Executors.newSingleThreadExecutor();
    stopped.shutdown();
    PiiShield viaExecutor = new PiiShield(text -> List.of(), stopped, Duration.ofSeconds(2), 0);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> viaExecutor.apply(texts, ShieldMode.REDACT))
        .isInstanceOfSatisfying(dev.confide.problem.Problem.class,
            p -> assertThat(p.code()).isEqualTo("pii_shield_unavailable"));
  }

  @Test
  void withNothingFoundTheTextsGoOutAsTheyAre() {
    List<String> texts = List.of("Nothing personal here.", "Nor here.");
    PiiShield.Shielded s = shield(text -> List.of()).apply(texts, ShieldMode.PSEUDONYMIZE);
    assertThat(s.texts()).isEqualTo(texts);
    assertThat(s.counts()).isEmpty();
  }
}
