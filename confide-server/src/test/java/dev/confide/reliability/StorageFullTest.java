package dev.confide.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.rights.ErasureLedgerFile;
import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The erasure ledger file sits on a device that is full: its path is pointed at {@code /dev/full},
 * where the kernel answers every write with ENOSPC, as a full data directory does (no mount or
 * privilege needed). The erasure is refused with 507 {@code storage_full} and nothing of it is
 * committed; the erasures acknowledged before are kept; once space is back the same request works.
 */
@Tag("P25")
class StorageFullTest {
  private static final String PASSWORD = "correct horse battery staple 1";
  private static final Path FULL = Path.of("/dev/full");

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void anErasureOnAFullDiskIsRefusedWith507AndWorksWhenSpaceReturns(TestBackend backend) throws Exception {
    Assumptions.assumeTrue(Files.isWritable(FULL), "no /dev/full on this system");
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient earlier = server.client();
      earlier.signUp("Earlier", "earlier@example.com", PASSWORD, "1990-01-01");
      UUID earlierId = UUID.fromString(earlier.get("/api/me").json().get("id").asText());
      assertThat(earlier.delete("/api/me").status()).isEqualTo(200);

      ApiClient client = server.client();
      client.signUp("Full", "full@example.com", PASSWORD, "1990-01-01");
      UUID subject = UUID.fromString(client.get("/api/me").json().get("id").asText());
      Path ledger = server.config.dataPath().resolve("erasure-ledger.jsonl");
      Path aside = ledger.resolveSibling("erasure-ledger.jsonl.aside");
      Files.move(ledger, aside);
      Files.createSymbolicLink(ledger, FULL);
      try {
        ApiClient.Response refused = client.delete("/api/me");
        assertThat(refused.status()).isEqualTo(507);
        assertThat(refused.errorCode()).isEqualTo("storage_full");
        assertThat(refused.text()).doesNotContain("Exception");
        assertThat(client.get("/api/me").status()).as("nothing of the erasure committed").isEqualTo(200);
        assertThat(server.confide.erasure.isErased(subject)).isFalse();
        assertThat(server.confide.subjectKeys.exists(subject)).isTrue();
      } finally {
        Files.delete(ledger);
        Files.move(aside, ledger);
      }

      assertThat(client.delete("/api/me").status()).as("space is back").isEqualTo(200);
      assertThat(new ErasureLedgerFile(ledger).entries()).extracting(ErasureLedgerFile.Entry::subject)
          .containsExactly(earlierId, subject);
      assertThat(server.confide.erasure.isErased(earlierId)).isTrue();
      assertThat(server.confide.erasure.isErased(subject)).isTrue();
    }
  }
}
