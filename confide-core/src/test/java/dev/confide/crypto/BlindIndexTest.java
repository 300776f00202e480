package dev.confide.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.testing.CryptoFixture;
import dev.confide.testing.MutableClock;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("P01")
class BlindIndexTest {
  @TempDir Path tmp;

  @Test
  void sameInputSameIndexAcrossRestartsDifferentPurposeDifferentIndex() throws Exception {
    try (CryptoFixture f = CryptoFixture.open(TestBackend.H2, tmp, MutableClock.at("2026-11-01T09:00:00Z"))) {
      byte[] index = f.blindIndex.of("account-email", "ada@example.com");
      assertThat(index).hasSize(32);
      assertThat(f.blindIndex.of("account-email", "ada@example.com")).isEqualTo(index);
      assertThat(f.blindIndex.of("staff-email", "ada@example.com")).isNotEqualTo(index);
      assertThat(f.blindIndex.of("account-email", "bob@example.com")).isNotEqualTo(index);
      try (CryptoFixture restarted = f.reopen()) {
        assertThat(restarted.blindIndex.of("account-email", "ada@example.com")).isEqualTo(index);
      }
    }
  }
}
