package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every client mistake gets a JSON error with a fitting 4xx and a stable code, and writes nothing. */
class BadInputTest {
  @TempDir Path tmp;

  private static final String GOOD = "a long passphrase 42";

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void signUpMistakesGetStableCodesAndCreateNothing(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp, "server: {maxBodyBytes: 4096}\n", false)) {
      ApiClient c = server.client();
      Map<String, String[]> cases = new java.util.LinkedHashMap<>();
      cases.put("{\"name\": \"A\", ", new String[] {"400", "malformed_json"});
      cases.put("[1, 2, 3]", new String[] {"400", "invalid_body"});
      cases.put("\"just a string\"", new String[] {"400", "invalid_body"});
      cases.put("", new String[] {"400", "missing_body"});
      cases.put("{\"name\":\"A\",\"name\":\"B\",\"email\":\"a@example.com\",\"password\":\"" + GOOD + "\",\"birthDate\":\"1990-01-01\"}",
          new String[] {"400", "malformed_json"});
      cases.put(body("A", "a@example.com", GOOD, "1990-01-01", ",\"isAdmin\":true"), new String[] {"400", "unknown_field"});
      cases.put("{\"email\":\"a@example.com\",\"password\":\"" + GOOD + "\",\"birthDate\":\"1990-01-01\"}", new String[] {"400", "missing_field"});
      cases.put("{\"name\":5,\"email\":\"a@example.com\",\"password\":\"" + GOOD + "\",\"birthDate\":\"1990-01-01\"}", new String[] {"400", "invalid_type"});
      cases.put("{\"name\":null,\"email\":\"a@example.com\",\"password\":\"" + GOOD + "\",\"birthDate\":\"1990-01-01\"}", new String[] {"400", "missing_field"});
      cases.put(body("A", "a@example.com", GOOD, "1990-13-45", ""), new String[] {"400", "invalid_date"});
      cases.put(body("A", "a@example.com", GOOD, "01/02/1990", ""), new String[] {"400", "invalid_date"});
      cases.put(body("A", "a@example.com", GOOD, "2999-01-01", ""), new String[] {"400", "invalid_birth_date"});
      cases.put(body("A", "not-an-email", GOOD, "1990-01-01", ""), new String[] {"400", "invalid_email"});
      cases.put(body("A", "a@example.com", "short", "1990-01-01", ""), new String[] {"400", "weak_password"});
      cases.put(body("   ", "a@example.com", GOOD, "1990-01-01", ""), new String[] {"400", "invalid_name"});
      cases.put(body("A".repeat(300), "a@example.com", GOOD, "1990-01-01", ""), new String[] {"400", "invalid_name"});
      cases.put(body("A\\u0007B", "a@example.com", GOOD, "1990-01-01", ""), new String[] {"400", "invalid_name"});
      cases.put(body("A", "a@example.com", GOOD, "1990-01-01", ",\"pad\":\"" + "x".repeat(5000) + "\""), new String[] {"413", "body_too_large"});
      cases.forEach((raw, expected) -> {
        Response r = c.send("POST", "/api/auth/signup", raw, Map.of());
        assertThat(r.status()).as(raw.length() > 80 ? raw.substring(0, 80) : raw).isEqualTo(Integer.parseInt(expected[0]));
        assertThat(r.errorCode()).as(raw.length() > 80 ? raw.substring(0, 80) : raw).isEqualTo(expected[1]);
        assertThat(r.json().at("/error/message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("at dev.");
      });
      assertThat(server.confide.accounts.count()).isZero();
      assertThat(server.confide.subjectKeys.countByKeyEncryptionKey()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void aChunkedBodyOverTheLimitIsRefusedAsJson(TestBackend backend) throws Exception {
    try (TestServer server = TestServer.start(backend, tmp, "server: {maxBodyBytes: 4096}\n", false)) {
      byte[] big = body("A", "chunked@example.com", GOOD, "1990-01-01", ",\"pad\":\"" + "x".repeat(20_000) + "\"").getBytes();
      // No Content-Length: the body arrives chunked, so only reading it can find the size.
      HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.fromPublisher(subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
        boolean sent;

        @Override public void request(long n) {
          if (!sent) {
            sent = true;
            subscriber.onNext(ByteBuffer.wrap(big));
            subscriber.onComplete();
          }
        }

        @Override public void cancel() {}
      }));
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/auth/signup"))
          .POST(chunked).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(r.body()).contains("\"code\":\"body_too_large\"");
      assertThat(server.confide.accounts.count()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void profileCorrectionMistakesChangeNothing(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Ada", "ada@example.com", GOOD, "1990-01-01");
      Object[][] cases = {
          {Map.of("nickname", "x"), 400, "unknown_field"},
          {Map.of("name", 42), 400, "invalid_type"},
          {Map.of("email", "nope"), 400, "invalid_email"},
          {Map.of("preferences", "dark"), 400, "invalid_type"},
          {Map.of("preferences", Map.of("nested", Map.of("a", 1))), 400, "invalid_type"},
          {Map.of("name", "Ada Changed", "email", "broken"), 400, "invalid_email"},
      };
      for (Object[] test : cases) {
        Response r = ada.patch("/api/me", test[0]);
        assertThat(r.status()).as(test[0].toString()).isEqualTo(test[1]);
        assertThat(r.errorCode()).as(test[0].toString()).isEqualTo(test[2]);
      }
      assertThat(ada.get("/api/me").json().get("name").asText()).as("a refused correction writes nothing").isEqualTo("Ada");
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void unknownRoutesAndMethodsAreJsonErrors(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient anonymous = server.client();
      Response nowhere = anonymous.get("/no/such/page");
      assertThat(nowhere.status()).isEqualTo(404);
      assertThat(nowhere.errorCode()).isEqualTo("not_found");
      assertThat(anonymous.get("/api/no/such").status()).as("the API does not tell strangers what exists").isEqualTo(401);
      ApiClient ada = server.client();
      ada.signUp("Ada", "routes@example.com", GOOD, "1990-01-01");
      Response unknown = ada.get("/api/no/such");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.errorCode()).isEqualTo("not_found");
      Response wrongMethod = ada.send("PUT", "/api/me", "{}", Map.of());
      assertThat(wrongMethod.status()).isIn(404, 405);
      assertThat(wrongMethod.errorCode()).isIn("not_found", "method_not_allowed");
    }
  }

  private static String body(String name, String email, String password, String birthDate, String extra) {
    return "{\"name\":\"" + name + "\",\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"birthDate\":\""
        + birthDate + "\"" + extra + "}";
  }
}
