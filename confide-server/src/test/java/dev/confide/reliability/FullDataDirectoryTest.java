package dev.confide.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole data directory (embedded H2 database, ledger, outbox) on a small tmpfs that is then
 * filled up: writes are refused with a clear error, acknowledged turns stay, and once space is
 * freed the same server writes again. Mounting needs root and a kernel that allows it; where it is
 * refused this test is skipped (StorageFullTest covers the refusal without a mount).
 */
@Tag("P02")
class FullDataDirectoryTest {
  private static final String PASSWORD = "correct horse battery staple 1";

  @TempDir Path tmp;

  @Test
  void aFullDataDirectoryRefusesWritesClearlyAndLosesNothing() throws Exception {
    Path mount = tmp.resolve("small");
    Files.createDirectories(mount);
    Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString()),
        "cannot mount a tmpfs here (needs root); StorageFullTest covers a full disk without one");
    try {
      TestServer server = TestServer.start(TestBackend.H2, mount);
      try {
        ApiClient client = server.client();
        assertThat(client.signUp("Full", "full@example.com", PASSWORD, "1990-01-01").status()).isEqualTo(201);
        List<String[]> acknowledged = new ArrayList<>();
        String conversation = null;
        for (int i = 0; i < 5; i++) {
          var r = turn(client, conversation, "kept " + i);
          assertThat(r.status()).isEqualTo(201);
          conversation = r.json().get("conversationId").asText();
          acknowledged.add(new String[] {r.json().path("message").get("id").asText(), r.json().path("message").get("content").asText()});
        }
        Path ballast = mount.resolve("ballast");
        fill(ballast);
        // H2 first fills the free pages inside its file, so some writes still succeed: those are
        // acknowledged like any other and must survive. Then the file must grow, and cannot.
        List<Integer> refused = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 60 && refused.size() < 3; i++) {
          var r = turn(client, conversation, ("on a full disk " + i + " ").repeat(2000));
          if (r.status() == 201) {
            acknowledged.add(new String[] {r.json().path("message").get("id").asText(), r.json().path("message").get("content").asText()});
            continue;
          }
          refused.add(r.status());
          codes.add(r.errorCode());
          assertThat(r.text()).doesNotContain("Exception");
        }
        assertThat(refused).as("writes on a full disk").isNotEmpty().allMatch(s -> s == 507 || s == 503);
        assertThat(codes).contains("storage_full");
        Files.delete(ballast);
        ApiClient.Response again = null;
        for (int i = 0; i < 20 && (again == null || again.status() != 201); i++) {
          again = turn(client, conversation, "space is back " + i);
          Thread.sleep(again.status() == 201 ? 0 : 500);
        }
        assertThat(again.status()).as("writes again once space is back: %s", again.text()).isEqualTo(201);
        server = server.restart("");
        ApiClient after = server.client();
        assertThat(after.logIn("full@example.com", PASSWORD).status()).isEqualTo(200);
        var messages = after.get("/api/conversations/" + conversation).json().get("messages");
        for (String[] ack : acknowledged) {
          assertThat(messages.findValuesAsText("id")).contains(ack[0]);
          assertThat(messages.findValuesAsText("content")).contains(ack[1]);
        }
      } finally {
        server.close();
      }
    } finally {
      run("umount", "-l", mount.toString());
    }
  }

  private static ApiClient.Response turn(ApiClient client, String conversation, String content) {
    return client.post(conversation == null ? "/api/conversations" : "/api/conversations/" + conversation + "/messages",
        Map.of("content", content, "model", "builtin-echo"));
  }

  /** Writes until the file system says it is full. */
  private static void fill(Path ballast) {
    byte[] block = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(ballast)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).containsIgnoringCase("no space left");
    }
  }

  private static boolean run(String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
