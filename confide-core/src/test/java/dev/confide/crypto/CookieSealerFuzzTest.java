package dev.confide.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.confide.testing.CryptoFixture;
import dev.confide.testing.FuzzDriver;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sealed-cookie opener sees whatever a client sends (P19): any bytes are refused quietly (empty,
 * never an exception), and no edit of a genuine cookie opens to anything but its own payload.
 */
@Tag("P19")
class CookieSealerFuzzTest {
  private static final byte[] PAYLOAD = "session-id-0123456789abcdef|csrf-secret-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  @TempDir static Path tmp;
  private static CryptoFixture crypto;
  private static String genuine;
  private static byte[] genuineRaw;
  private static long today;

  @BeforeAll
  static void sealOneCookie() throws Exception {
    FuzzDriver.prepareJazzer();
    MutableClock clock = MutableClock.at("2026-11-02T10:00:00Z");
    crypto = CryptoFixture.open(TestBackend.H2, tmp, clock);
    genuine = crypto.cookieSealer.seal(PAYLOAD);
    genuineRaw = Base64.getUrlDecoder().decode(genuine);
    today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toEpochDay();
  }

  @AfterAll
  static void close() {
    crypto.close();
  }

  /** Any text as the cookie, the same bytes as a well-formed token, and as a token dated today: all refused. */
  @FuzzTest
  void anyTokenIsRefused(byte[] input) {
    assertThat(open(new String(input, StandardCharsets.ISO_8859_1))).isEmpty();
    assertThat(open(new String(input, StandardCharsets.UTF_8))).isEmpty();
    assertThat(open(URL.encodeToString(input))).isEmpty();
    byte[] dated = ByteBuffer.allocate(8 + input.length).putLong(today).put(input).array();
    assertThat(open(URL.encodeToString(dated))).isEmpty();
  }

  /**
   * The input edits a genuine cookie: pairs of (position, xor mask) on its bytes, an odd last byte
   * cuts or extends it. Unless the bytes come out unchanged, the result is refused.
   */
  @FuzzTest
  void anEditedCookieNeverOpens(byte[] input) {
    byte[] raw = genuineRaw.clone();
    for (int i = 0; i + 1 < input.length; i += 2) {
      raw[Byte.toUnsignedInt(input[i]) % raw.length] ^= input[i + 1];
    }
    if (input.length % 2 == 1) {
      int last = input[input.length - 1];
      raw = Arrays.copyOf(raw, Math.max(0, raw.length + (last % 16)));
    }
    Optional<byte[]> opened = open(URL.encodeToString(raw));
    if (Arrays.equals(raw, genuineRaw)) {
      assertThat(opened).hasValue(PAYLOAD);
    } else {
      assertThat(opened).as("an edited cookie").isEmpty();
    }
  }

  /** The same at the text level: whatever characters change, an opened cookie holds exactly the genuine payload. */
  @FuzzTest
  void anEditedTokenOpensToTheGenuinePayloadOrNothing(byte[] input) {
    StringBuilder token = new StringBuilder(genuine);
    for (int i = 0; i + 1 < input.length && token.length() > 0; i += 2) {
      int at = Byte.toUnsignedInt(input[i]) % token.length();
      char replacement = (char) Byte.toUnsignedInt(input[i + 1]);
      if (replacement == 0) {
        token.deleteCharAt(at);
      } else {
        token.setCharAt(at, replacement);
      }
    }
    Optional<byte[]> opened = open(token.toString());
    opened.ifPresent(payload -> assertThat(payload).as("opened from " + token).isEqualTo(PAYLOAD));
    if (opened.isPresent()) {
      assertThat(Base64.getUrlDecoder().decode(token.toString())).as("only a token of the same bytes opens").isEqualTo(genuineRaw);
    }
  }

  private static Optional<byte[]> open(String token) {
    return crypto.cookieSealer.open(token);
  }

  @Test
  void shortRun() {
    assertThat(open(genuine)).hasValue(PAYLOAD);
    FuzzDriver.of(getClass(), "anyTokenIsRefused").executions(1_500).run(this::anyTokenIsRefused);
    FuzzDriver.of(getClass(), "anEditedCookieNeverOpens").executions(1_500).run(this::anEditedCookieNeverOpens);
    FuzzDriver.of(getClass(), "anEditedTokenOpensToTheGenuinePayloadOrNothing").executions(1_500)
        .run(this::anEditedTokenOpensToTheGenuinePayloadOrNothing);
  }
}
