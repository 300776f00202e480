package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.confide.testing.FakeUpstream;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A thousand clients that walk away mid-stream leave no thread, connection or upstream stream behind. */
class StreamLeakTest {
  @TempDir Path tmp;

  @Test
  void aThousandAbortedStreamsLeakNothing() throws Exception {
    try (FakeUpstream upstream = new FakeUpstream().answer("a b c d e f g h i j k l m n o p").delayPerWord(20);
         TestServer server = TestServer.start(TestBackend.H2, tmp, upstream.providerYaml(5000)
             + "rateLimits:\n  perSubject: {requestsPerMinute: 100000, tokensPerMinute: 1000000000}\n"
             + "  perApiKey: {requestsPerMinute: 100000, tokensPerMinute: 1000000000}\n", false)) {
      GatewayTest.User ada = GatewayTest.user(server, "leak@example.com");
      String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
          Map.of("model", "fake-model", "stream", true, "messages", List.of(Map.of("role", "user", "content", "hi"))));
      abort(server, ada.secret(), body, 20); // warm up pools before the baseline
      settle(upstream);
      Map<String, Long> threadsBefore = threadsByKind();

      abort(server, ada.secret(), body, 1000);
      settle(upstream);

      HikariDataSource pool = (HikariDataSource) server.confide.database.dataSource();
      assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("no database connection held").isZero();
      assertThat(upstream.openStreams()).as("every upstream stream closed").isZero();
      // The request pool (and the fake upstream's, which is not Confide's) keeps threads it grew for a
      // burst idle for a minute; those are not leaks. A request thread still busy after every stream
      // ended is, and so is any other new thread.
      for (int i = 0; i < 100 && server.http.busyRequestThreads() > 0; i++) {
        Thread.sleep(50);
      }
      assertThat(server.http.busyRequestThreads()).as("request threads still busy").isZero();
      Map<String, Long> threadsAfter = threadsByKind();
      long otherBefore = threadsBefore.entrySet().stream()
          .filter(e -> !ON_DEMAND_POOLS.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
      long otherAfter = threadsAfter.entrySet().stream()
          .filter(e -> !ON_DEMAND_POOLS.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
      assertThat(otherAfter).as("threads outside the request pool, before %s after %s", threadsBefore, threadsAfter)
          .isLessThanOrEqualTo(otherBefore + 4);
      assertThat(server.client().get("/readyz").status()).isEqualTo(200);
    }
  }

  /** Opens streams over raw sockets, reads the first bytes of each answer, and hangs up. */
  private static void abort(TestServer server, String secret, String body, int count) throws Exception {
    byte[] request = ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + secret
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < count; i++) {
      try (Socket socket = new Socket("127.0.0.1", server.http.port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[512];
        int read = in.read(buffer);
        assertThat(read).isPositive();
        assertThat(new String(buffer, 0, read, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
      }
    }
  }

  private static void settle(FakeUpstream upstream) throws InterruptedException {
    for (int i = 0; i < 200 && upstream.openStreams() > 0; i++) {
      Thread.sleep(50);
    }
    Thread.sleep(500);
  }

  private static final Set<String> ON_DEMAND_POOLS = Set.of("confide-http", "fake-upstream");

  /** Live threads counted by name with the trailing number dropped ("confide-http-42" is "confide-http"). */
  private static Map<String, Long> threadsByKind() {
    return Thread.getAllStackTraces().keySet().stream()
        .collect(Collectors.groupingBy(t -> t.getName().replaceAll("[-_ ]?\\d+$", ""), TreeMap::new, Collectors.counting()));
  }
}
