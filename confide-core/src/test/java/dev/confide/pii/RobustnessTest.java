package dev.confide.pii;

import static dev.confide.pii.PiiTestSupport.ENGINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile input, arbitrary Unicode and concurrent use. */
class RobustnessTest {
  private static final int SIZE = 200_000;

  static Stream<Arguments> hostileInputs() {
    return Stream.of(
        Arguments.of("emails", repeat("a@a.a@a.")),
        Arguments.of("digits", repeat("0123456789")),
        Arguments.of("spaces", repeat(" ")),
        Arguments.of("newlines", repeat("\n")),
        Arguments.of("spaced digits", repeat("1 ")),
        Arguments.of("dashed digits", repeat("12-")),
        Arguments.of("dotted digits", repeat("1.")),
        Arguments.of("colons", repeat(":")),
        Arguments.of("hex and colons", repeat("a:")),
        Arguments.of("urls", repeat("http://a")),
        Arguments.of("www", repeat("www.")),
        Arguments.of("dots", repeat("a.")),
        Arguments.of("capitalized words", repeat("Anna ")),
        Arguments.of("address-like", repeat("12 Main Street ")),
        Arguments.of("address lines", repeat("12 Main Street\nApt 4\n")),
        Arguments.of("one long word", repeat("a")),
        Arguments.of("iban-like", repeat("GB82")),
        Arguments.of("plus signs", repeat("+1 (")),
        Arguments.of("honorifics", repeat("Mr. ")),
        Arguments.of("quote markers", repeat("> ")),
        Arguments.of("commas and and", repeat("Smith, Jones and ")),
        Arguments.of("surrogates", repeat("😀𝒜")),
        Arguments.of("ships", repeat("USS A ")),
        Arguments.of("dashes around phones", repeat("------ 555-1234 ")),
        Arguments.of("intersections", repeat("corner of A and ")),
        Arguments.of("name cues", repeat("my name is ")),
        Arguments.of("hyphenated capitals", repeat("A-")),
        Arguments.of("signature lines", repeat("Anna Berg\nAcme\n")),
        Arguments.of("label lines", repeat("Name: A\n")),
        Arguments.of("dates", repeat("1/1/2000 ")),
        Arguments.of("opening quotes", repeat("\"(")),
        Arguments.of("mixed letters and digits", repeat("a1")));
  }

  private static String repeat(String unit) {
    return unit.repeat(SIZE / unit.length() + 1).substring(0, SIZE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileInputs")
  @Timeout(60)
  void hostileInputIsScannedInLinearTime(String name, String text) {
    // A ratio, not a time limit, so a slow or busy machine does not fail it: ten times the text may
    // take ten times as long, and the bound of 40 leaves room for noise while super-linear behaviour
    // (100 times for quadratic) fails. Thread CPU time, best of three, discounts waiting for a core.
    String tenth = text.substring(0, SIZE / 10);
    ENGINE.detect(tenth); // warm the code path
    long small = Math.max(bestCpuNanos(tenth), 1_000_000); // below 1 ms the ratio is noise
    long whole = bestCpuNanos(text);
    assertThat((double) whole / small).as("%s: %.1f ms for 200 KB, %.1f ms for 20 KB", name, whole / 1e6, small / 1e6)
        .isLessThan(40);
    assertValid(text, ENGINE.detect(text));
  }

  private static long bestCpuNanos(String text) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t0 = threads.getCurrentThreadCpuTime();
      ENGINE.detect(text);
      best = Math.min(best, threads.getCurrentThreadCpuTime() - t0);
    }
    return best;
  }

  @Test
  void arbitraryUnicodeNeverBreaksTheDetector() {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      StringBuilder b = new StringBuilder();
      int len = random.nextInt(300);
      for (int i = 0; i < len; i++) {
        int kind = random.nextInt(10);
        if (kind < 3) {
          b.append((char) (' ' + random.nextInt(95)));
        } else if (kind < 5) {
          b.append(" 0123456789@.-+:/()\n,#".charAt(random.nextInt(22)));
        } else if (kind < 8) {
          b.appendCodePoint(random.nextInt(0x3000));
        } else if (kind < 9) {
          b.appendCodePoint(0x10000 + random.nextInt(0x2000));
        } else {
          b.append((char) (0xD800 + random.nextInt(0x800))); // lone surrogates
        }
      }
      String text = b.toString();
      assertThatCode(() -> assertValid(text, ENGINE.detect(text))).as("input %s", text).doesNotThrowAnyException();
    }
    assertThat(ENGINE.detect("")).isEmpty();
    assertThat(ENGINE.detect(null)).isEmpty();
  }

  @Test
  void manyThreadsScanningConcurrentlyGetTheSameResults() throws Exception {
    List<String> texts = new ArrayList<>();
    IntFunction<String> sample = i -> "Msg " + i + ": Anna Berg (anna" + i + "@example.com) lives at " + (100 + i)
        + " Baker Street, London; call +44 20 7946 0" + (100 + i % 900) + ", card 4111 1111 1111 1111, IBAN GB82 WEST"
        + " 1234 5698 7654 32, SSN 536-22-1234, IP 10.0." + (i % 250) + ".1, born 2/16/1942, Mr. Pálffy of Acme Ltd.";
    for (int i = 0; i < 200; i++) {
      texts.add(sample.apply(i));
    }
    List<List<PiiEntity>> expected = new ArrayList<>();
    for (String t : texts) {
      expected.add(ENGINE.detect(t));
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int thread = 0; thread < 16; thread++) {
        int offset = thread;
        Callable<Boolean> job = () -> {
          for (int round = 0; round < 5; round++) {
            for (int k = 0; k < texts.size(); k++) {
              int i = (k + offset * 13) % texts.size();
              if (!ENGINE.detect(texts.get(i)).equals(expected.get(i))) {
                return false;
              }
            }
          }
          return true;
        };
        results.add(pool.submit(job));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(expected.get(7)).extracting(PiiEntity::type).contains(EntityTypes.EMAIL_ADDRESS, EntityTypes.CREDIT_CARD,
        EntityTypes.IBAN_CODE, EntityTypes.US_SSN, EntityTypes.IP_ADDRESS, EntityTypes.PHONE_NUMBER);
  }

  @Test
  void aLongTextWithManyCandidatesIsResolvedWithoutOverlapsAndLosesNone() {
    // far more than 64 candidates: overlap resolution takes its path for long texts
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      b.append("Note ").append(i).append(": write to anna").append(i).append("@example.com, card 4111 1111 1111 1111,")
          .append(" IBAN GB82 WEST 1234 5698 7654 32, or ask Mr. Pálffy.\n\n");
    }
    String text = b.toString();
    List<PiiEntity> found = ENGINE.detect(text);
    assertValid(text, found);
    assertThat(found.stream().filter(e -> e.type().equals(EntityTypes.EMAIL_ADDRESS))).hasSize(60);
    assertThat(found.stream().filter(e -> e.type().equals(EntityTypes.CREDIT_CARD))).hasSize(60);
    assertThat(found.stream().filter(e -> e.type().equals(EntityTypes.IBAN_CODE))).hasSize(60);
    // the same as one paragraph alone, shifted
    String first = text.substring(0, text.indexOf("\n\n") + 2);
    List<PiiEntity> alone = ENGINE.detect(first);
    assertThat(found.subList(0, alone.size())).isEqualTo(alone);
  }

  @Test
  void textWithoutDigitsStillGetsItsNamesAndNoNumbers() {
    String text = "Anna Berg wrote to anna.berg@example.com from Estonia.";
    assertThat(PiiTestSupport.found(text)).contains("PERSON:Anna Berg", "EMAIL_ADDRESS:anna.berg@example.com")
        .noneMatch(f -> f.startsWith(EntityTypes.PHONE_NUMBER) || f.startsWith(EntityTypes.CREDIT_CARD)
            || f.startsWith(EntityTypes.AGE) || f.startsWith(EntityTypes.US_SSN) || f.startsWith(EntityTypes.IBAN_CODE));
    assertThat(PiiTestSupport.found("Anna is 34 years old.")).contains("AGE:34");
  }

  @Test
  void enginesBuiltInParallelShareOneLexiconAndAgree() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<PiiEntity>>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> PiiEngine.standard().detect("Mr. Pálffy moved to Estonia in 2014.")));
      }
      List<PiiEntity> first = results.get(0).get();
      assertThat(first).isNotEmpty();
      for (Future<List<PiiEntity>> r : results) {
        assertThat(r.get()).isEqualTo(first);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Sorted by start, non-overlapping, within the text, known types. */
  static void assertValid(String text, List<PiiEntity> found) {
    int previousEnd = 0;
    for (PiiEntity e : found) {
      assertThat(e.start()).isGreaterThanOrEqualTo(previousEnd);
      assertThat(e.end()).isGreaterThan(e.start()).isLessThanOrEqualTo(text.length());
      assertThat(EntityTypes.ALL).contains(e.type());
      previousEnd = e.end();
    }
  }
}
