package dev.confide.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The short fuzzing run of the normal build. Jazzer's own fuzzing mode runs one {@code @FuzzTest}
 * per JVM and is not deterministic, so plain {@code ./mvnw verify} runs each target over its seed
 * inputs (Jazzer's regression mode) and then through this driver: a fixed number of inputs mutated
 * from the same seeds (bit flips, byte edits, cut, duplicated and spliced ranges, dictionary
 * tokens, and the target's own structure-aware mutation), from a fixed random seed, so every run
 * tries the same inputs. A failing input is written under {@code target/fuzz-findings/} with the
 * command to make it a regression seed. Long runs use Jazzer itself (docs/security.md); the
 * {@code confide.fuzz.executions} system property scales this driver for a longer offline run.
 */
public final class FuzzDriver {
  /** A fuzz target: the same method the {@code @FuzzTest} calls. */
  @FunctionalInterface
  public interface Target {
    void run(byte[] input) throws Exception;
  }

  private final Class<?> testClass;
  private final String method;
  private final List<byte[]> seeds;
  private int executions = 2_000;
  private int maxLength = 4_096;
  private List<byte[]> dictionary = List.of();
  private UnaryOperator<byte[]> structured;

  private FuzzDriver(Class<?> testClass, String method) {
    this.testClass = testClass;
    this.method = method;
    this.seeds = seeds(testClass, method);
  }

  /** A driver over the seeds of {@code testClass}'s fuzz test {@code method}, where Jazzer keeps them. */
  public static FuzzDriver of(Class<?> testClass, String method) {
    return new FuzzDriver(testClass, method);
  }

  public FuzzDriver executions(int count) {
    this.executions = Integer.getInteger("confide.fuzz.executions", count);
    return this;
  }

  public FuzzDriver maxLength(int bytes) {
    this.maxLength = bytes;
    return this;
  }

  /** Tokens worth inserting whole (keywords, delimiters, boundary numbers). */
  public FuzzDriver dictionary(String... tokens) {
    this.dictionary = Stream.of(tokens).map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    return this;
  }

  /** A mutation that knows the input's structure (say, JSON values); may return null to skip. */
  public FuzzDriver structured(UnaryOperator<byte[]> mutation) {
    this.structured = mutation;
    return this;
  }

  /**
   * Creates the build's {@code java.io.tmpdir} ({@code target/tmp}, set by surefire) when it is
   * missing: Jazzer writes its agent jar there before any {@code @FuzzTest} runs. Call from
   * {@code @BeforeAll}.
   */
  public static void prepareJazzer() {
    try {
      Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The seeds found for this target (at least the empty input). */
  public List<byte[]> seeds() {
    return seeds;
  }

  /** Runs the target over every seed, then over the mutated inputs; fails on the first input it throws on. */
  public int run(Target target) {
    Random random = new Random((testClass.getName() + "#" + method).hashCode());
    int ran = 0;
    for (byte[] seed : seeds) {
      execute(target, seed);
      ran++;
    }
    for (int i = 0; i < executions; i++) {
      execute(target, mutate(random));
      ran++;
    }
    System.out.println("FuzzDriver: " + testClass.getSimpleName() + "#" + method + " passed " + ran + " inputs ("
        + seeds.size() + " seeds)");
    return ran;
  }

  private void execute(Target target, byte[] input) {
    try {
      target.run(input);
    } catch (Throwable failure) {
      throw new AssertionError("fuzz target " + testClass.getSimpleName() + "#" + method + " failed on an input saved as "
          + save(input) + "; copy it to src/test/resources/" + inputsDirectory(testClass, method)
          + "/ to keep it as a regression seed", failure);
    }
  }

  private byte[] mutate(Random random) {
    byte[] input = seeds.get(random.nextInt(seeds.size())).clone();
    int rounds = 1 + random.nextInt(4);
    for (int r = 0; r < rounds; r++) {
      input = mutateOnce(input, random);
    }
    return input.length > maxLength ? java.util.Arrays.copyOf(input, maxLength) : input;
  }

  private byte[] mutateOnce(byte[] input, Random random) {
    int n = input.length;
    switch (random.nextInt(structured == null ? 9 : 12)) {
      case 0: // flip a bit
        if (n > 0) {
          input[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
        }
        return input;
      case 1: // an interesting byte
        if (n > 0) {
          byte[] interesting = {0, (byte) 0xff, 0x7f, (byte) 0x80, '"', '\\', '\n', '{', '[', ':', ',', '-', '0', '9', '%', '&', '*'};
          input[random.nextInt(n)] = interesting[random.nextInt(interesting.length)];
        }
        return input;
      case 2: // insert random bytes
        return splice(input, random.nextInt(n + 1), 0, randomBytes(random, 1 + random.nextInt(8)));
      case 3: // cut a range
        if (n == 0) {
          return input;
        }
        int from = random.nextInt(n);
        return splice(input, from, 1 + random.nextInt(Math.min(32, n - from)), new byte[0]);
      case 4: // duplicate a range, sometimes many times
        if (n == 0) {
          return input;
        }
        int start = random.nextInt(n);
        byte[] range = java.util.Arrays.copyOfRange(input, start, start + 1 + random.nextInt(Math.min(64, n - start)));
        byte[] repeated = new byte[Math.min(maxLength, range.length * (1 + random.nextInt(random.nextBoolean() ? 4 : 200)))];
        for (int i = 0; i < repeated.length; i++) {
          repeated[i] = range[i % range.length];
        }
        return splice(input, random.nextInt(n + 1), 0, repeated);
      case 5: // splice in a part of another seed
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        if (other.length == 0) {
          return input;
        }
        int o = random.nextInt(other.length);
        return splice(input, random.nextInt(n + 1), 0, java.util.Arrays.copyOfRange(other, o, o + random.nextInt(other.length - o + 1)));
      case 6: // truncate
        return java.util.Arrays.copyOf(input, n == 0 ? 0 : random.nextInt(n));
      case 7: // a dictionary token, inserted or overwriting
      case 8:
        if (dictionary.isEmpty()) {
          return splice(input, random.nextInt(n + 1), 0, randomBytes(random, 1));
        }
        byte[] token = dictionary.get(random.nextInt(dictionary.size()));
        int at = random.nextInt(n + 1);
        return splice(input, at, random.nextBoolean() ? 0 : Math.min(token.length, n - at), token);
      default: // the target's structure-aware mutation
        byte[] mutated = structured.apply(input);
        return mutated == null ? input : mutated;
    }
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    if (random.nextBoolean()) {
      random.nextBytes(bytes);
    } else {
      for (int i = 0; i < length; i++) {
        bytes[i] = (byte) (' ' + random.nextInt(95)); // printable ASCII: text formats get further
      }
    }
    return bytes;
  }

  private static byte[] splice(byte[] input, int at, int remove, byte[] insert) {
    byte[] out = new byte[input.length - remove + insert.length];
    System.arraycopy(input, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(input, at + remove, out, at + insert.length, input.length - at - remove);
    return out;
  }

  /** Jazzer's layout: {@code <package>/<Class>Inputs/} for every test of the class, {@code .../<method>/} for one. */
  static String inputsDirectory(Class<?> testClass, String method) {
    return testClass.getPackageName().replace('.', '/') + "/" + testClass.getSimpleName() + "Inputs/" + method;
  }

  private static List<byte[]> seeds(Class<?> testClass, String method) {
    List<byte[]> found = new ArrayList<>();
    found.add(new byte[0]);
    String dir = inputsDirectory(testClass, method);
    for (String resource : List.of(dir.substring(0, dir.lastIndexOf('/')), dir)) {
      URL url = testClass.getClassLoader().getResource(resource);
      if (url == null || !"file".equals(url.getProtocol())) {
        continue;
      }
      try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          found.add(Files.readAllBytes(file));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    return List.copyOf(found);
  }

  private Path save(byte[] input) {
    try {
      String name = "crash-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(input));
      Path dir = Path.of("target", "fuzz-findings", inputsDirectory(testClass, method));
      Files.createDirectories(dir);
      return Files.write(dir.resolve(name), input).toAbsolutePath();
    } catch (IOException | NoSuchAlgorithmException e) {
      return Path.of("(not saved: " + e + ")");
    }
  }
}
