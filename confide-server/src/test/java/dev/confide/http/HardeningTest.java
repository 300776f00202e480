package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.identity.StaffRole;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import io.javalin.http.HandlerType;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpCookie;
import java.net.Socket;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hardening every response and every sign-in gets: security headers on every endpoint of the
 * router (errors, 404s, assets, pages, the OpenAI routes and streams included, and on what Jetty
 * refuses before any route runs), a new session at each log-in with the old one revoked, log-in
 * lockout per account and per address that does not reveal which accounts exist, and size limits.
 */
class HardeningTest {
  @TempDir Path tmp;

  private static final String PASSWORD = GatewayTest.PASSWORD;
  private static final Set<HandlerType> METHODS = Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
      HandlerType.PATCH, HandlerType.DELETE);
  /** Routes that would end the signed-in walker's session or account; they are walked anonymously only. */
  private static final Set<String> ENDS_THE_WALK = Set.of("POST /api/auth/logout", "DELETE /api/me", "POST /api/admin/logout",
      "POST /api/admin/password");

  @Test
  void everyEndpointAndEveryRefusalCarriesTheSecurityHeaders() throws Exception {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp, "server: {maxBodyBytes: 4096}\n", false)) {
      ApiClient user = server.client();
      user.signUp("Walker", "walker@example.com", PASSWORD, "1990-01-01");
      ApiClient staff = server.staffClient("walker@confide.test", StaffRole.values());
      ApiClient anonymous = server.client();
      Set<String> routes = server.http.javalin().unsafe.internalRouter.allHttpHandlers().stream()
          .filter(e -> METHODS.contains(e.endpoint.method))
          .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(routes).hasSizeGreaterThan(100);

      List<String> failures = new ArrayList<>();
      for (String route : routes) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1).replace("{id}", UUID.randomUUID().toString())
            .replace("{provider}", "builtin").replace("{name}", "confide.js");
        String body = method.equals("GET") || method.equals("DELETE") ? null : "{}";
        check(failures, route + " anonymous", anonymous.send(method, path, body, Map.of()));
        if (!ENDS_THE_WALK.contains(route)) {
          boolean staffSide = path.startsWith("/api/admin/") || path.startsWith("/staff");
          check(failures, route + " signed in", (staffSide ? staff : user).send(method, path, body, Map.of()));
        }
      }
      check(failures, "unknown path", anonymous.get("/no/such/thing"));
      check(failures, "unknown API path", user.get("/api/no-such-thing"));
      check(failures, "wrong method", anonymous.send("PUT", "/healthz", "{}", Map.of()));
      check(failures, "malformed JSON", anonymous.send("POST", "/api/auth/signup", "{nope", Map.of()));
      check(failures, "body too large", user.send("POST", "/api/conversations", "{\"content\":\"" + "x".repeat(10_000) + "\"}", Map.of()));
      check(failures, "app stream", user.send("POST", "/api/conversations", "{\"content\":\"stream\",\"model\":\"builtin-echo\"}",
          Map.of("Accept", "text/event-stream")));
      check(failures, "OpenAI stream", user.send("POST", "/v1/chat/completions",
          "{\"model\":\"builtin-echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of()));
      check(failures, "OpenAI error", server.client().withBearer("cfd_made-up").get("/v1/models"));
      assertThat(failures).isEmpty();

      for (String raw : List.of("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
          "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n")) {
        String answer = rawExchange(server.http.port(), raw);
        String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n"))).toLowerCase(Locale.ROOT);
        assertThat(head).as("Jetty's own refusal: %s", head).startsWith("http/1.1 4")
            .contains("x-content-type-options: nosniff").contains("x-frame-options: deny")
            .contains("cache-control: no-store").doesNotContain("server: jetty");
      }
    }
  }

  private static void check(List<String> failures, String what, Response r) {
    HttpHeaders h = r.headers();
    String type = h.firstValue("Content-Type").orElse("");
    List<String> missing = new ArrayList<>();
    expect(missing, h, "X-Content-Type-Options", "nosniff");
    expect(missing, h, "Referrer-Policy", "no-referrer");
    expect(missing, h, "X-Frame-Options", "DENY");
    if (type.startsWith("application/json") || type.startsWith("text/event-stream")) {
      if (!h.firstValue("Cache-Control").map(v -> v.contains("no-store") || v.contains("no-cache")).orElse(false)) {
        missing.add("Cache-Control no-store");
      }
    }
    if (type.startsWith("text/html") && !h.firstValue("Content-Security-Policy").map(v -> v.contains("frame-ancestors 'none'")).orElse(false)) {
      missing.add("Content-Security-Policy with frame-ancestors 'none'");
    }
    if (h.firstValue("Server").isPresent()) {
      missing.add("no Server header (it was " + h.firstValue("Server").get() + ")");
    }
    if (!missing.isEmpty()) {
      failures.add(what + " (" + r.status() + " " + type + "): " + missing);
    }
  }

  private static void expect(List<String> missing, HttpHeaders h, String name, String value) {
    if (!h.firstValue(name).map(value::equalsIgnoreCase).orElse(false)) {
      missing.add(name + ": " + value);
    }
  }

  private static String rawExchange(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder answer = new StringBuilder();
      byte[] buffer = new byte[8192];
      int n;
      while (!answer.toString().contains("\r\n\r\n") && (n = in.read(buffer)) > 0) {
        answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      }
      return answer.toString();
    }
  }

  @Tag("P19")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void logInGivesANewSessionAndRevokesTheOneTheRequestCarried(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Ada", "fixation@example.com", PASSWORD, "1990-01-01");
      String before = cookie(ada, "confide_session");
      String csrfBefore = ada.csrfToken();

      assertThat(ada.logIn("fixation@example.com", PASSWORD).status()).isEqualTo(200);
      String after = cookie(ada, "confide_session");
      assertThat(after).as("a new session id at log-in").isNotEqualTo(before);
      assertThat(ada.csrfToken()).as("and a new CSRF secret").isNotEqualTo(csrfBefore);
      assertThat(ada.get("/api/me").status()).isEqualTo(200);
      Response replayed = server.client().send("GET", "/api/me", null, Map.of("Cookie", "confide_session=" + before));
      assertThat(replayed.status()).as("the session the log-in request carried is revoked").isEqualTo(401);

      // A cookie planted by someone else (their own valid session) does not survive the victim's log-in either.
      ApiClient mallory = server.client();
      mallory.signUp("Mallory", "mallory@example.com", PASSWORD, "1990-01-01");
      String planted = cookie(mallory, "confide_session");
      ApiClient victim = server.client();
      Response login = victim.send("POST", "/api/auth/login", "{\"email\":\"fixation@example.com\",\"password\":\"" + PASSWORD + "\"}",
          Map.of("Cookie", "confide_session=" + planted));
      assertThat(login.status()).isEqualTo(200);
      assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("confide_session=")
          .doesNotContain(planted));
      assertThat(mallory.get("/api/me").status()).as("the planted session was revoked").isEqualTo(401);
    }
  }

  @Tag("P19")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void staffLogInGivesANewSessionAndRevokesTheOneTheRequestCarried(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp)) {
      var enrolled = server.confide.staff.createWithOneTimePassword("Staff Fix", "fix@confide.test", java.util.EnumSet.of(StaffRole.ADMIN));
      ApiClient staff = server.client();
      String totp = dev.confide.identity.Totp.codeAt(enrolled.totpSecret(), server.clock.instant());
      assertThat(staff.staffLogIn("fix@confide.test", enrolled.oneTimePassword(), totp).status()).isEqualTo(200);
      String before = cookie(staff, "confide_staff");

      server.clock.advance(java.time.Duration.ofSeconds(31)); // the next authenticator code
      String next = dev.confide.identity.Totp.codeAt(enrolled.totpSecret(), server.clock.instant());
      assertThat(staff.staffLogIn("fix@confide.test", enrolled.oneTimePassword(), next).status()).isEqualTo(200);
      String after = cookie(staff, "confide_staff");
      assertThat(after).isNotEqualTo(before);
      assertThat(staff.get("/api/admin/me").status()).isIn(200, 403);
      Response replayed = server.client().send("GET", "/api/admin/me", null, Map.of("Cookie", "confide_staff=" + before));
      assertThat(replayed.status()).as("the staff session the log-in request carried is revoked").isEqualTo(401);
    }
  }

  @Test
  void aBodyFromABrowserMustBeJsonSoNoPageElsewhereCanSignAVisitorIntoAnAccount() {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp)) {
      ApiClient mallory = server.client();
      mallory.signUp("Mallory", "planted@example.com", PASSWORD, "1990-01-01");
      String secret = mallory.post("/api/keys", Map.of()).json().get("secret").asText();
      String login = "{\"email\":\"planted@example.com\",\"password\":\"" + PASSWORD + "\"}";
      String signup = "{\"name\":\"Planted\",\"email\":\"planted2@example.com\",\"password\":\"" + PASSWORD
          + "\",\"birthDate\":\"1990-01-01\"}";
      String staff = "{\"email\":\"staff@example.com\",\"password\":\"" + PASSWORD + "\",\"totp\":\"123456\"}";
      // What a cross-site form or a no-cors fetch can send without a preflight.
      for (String type : List.of("text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x")) {
        for (String[] call : new String[][] {{"/api/auth/login", login}, {"/api/auth/signup", signup}, {"/api/admin/login", staff}}) {
          Response r = server.client().send("POST", call[0], call[1], Map.of("Content-Type", type));
          assertThat(r.status()).as(call[0] + " as " + type).isEqualTo(415);
          assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
          assertThat(r.headers().allValues("Set-Cookie")).as("no session from " + call[0] + " as " + type).isEmpty();
        }
      }
      assertThat(server.client().get("/api/me").status()).isEqualTo(401);
      Response json = server.client().send("POST", "/api/auth/login", login, Map.of("Content-Type", "application/json; charset=utf-8"));
      assertThat(json.status()).as("JSON, as the web app and API clients send it").isEqualTo(200);
      Response keyed = server.client().withBearer(secret).send("POST", "/v1/chat/completions",
          "{\"model\":\"builtin-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of("Content-Type", "text/plain"));
      assertThat(keyed.status()).as("a bearer-key client, which no page can make a browser be, may leave the type out").isEqualTo(200);
    }
  }

  @Test
  void changingTheEmailCannotProbeForAccountsFasterThanLogIn() {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp)) {
      server.client().signUp("Victim", "victim@example.com", PASSWORD, "1990-01-01");
      ApiClient prober = server.client();
      prober.signUp("Prober", "prober@example.com", PASSWORD, "1990-01-01");
      int taken = 0;
      int limited = 0;
      for (int i = 0; i < 12; i++) {
        Response r = prober.patch("/api/me", Map.of("email", i % 2 == 0 ? "victim@example.com" : "candidate" + i + "@example.com"));
        if (r.status() == 429) {
          limited++;
          assertThat(r.errorCode()).isEqualTo("rate_limited");
          assertThat(r.headers().firstValue("Retry-After")).isPresent();
        } else if ("email_taken".equals(r.errorCode())) {
          taken++;
        }
      }
      assertThat(taken).as("the first attempts answer").isPositive();
      assertThat(limited).as("then the per-account bucket of the log-in throttle is empty").isPositive();
    }
  }

  @Test
  void refusedAnonymousRequestsDoNotMakeTheEmbeddedDatabaseCheckpoint() {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp)) {
      ApiClient ada = server.client();
      ada.signUp("Checkpoint", "checkpoint@example.com", PASSWORD, "1990-01-01");
      long before = server.confide.database.checkpointsTaken();
      for (int i = 0; i < 10; i++) {
        server.client().send("POST", "/api/auth/login", "{}", Map.of("Content-Type", "application/json"));
        server.client().send("POST", "/api/auth/signup", "{\"name\":\"x\"}", Map.of("Content-Type", "application/json"));
        server.client().send("DELETE", "/api/conversations", null, Map.of());
      }
      assertThat(server.confide.database.checkpointsTaken()).as("400s and 401s of nobody commit nothing").isEqualTo(before);
      assertThat(ada.patch("/api/settings", Map.of("trainingOptOut", true)).status()).isEqualTo(200);
      assertThat(server.confide.database.checkpointsTaken()).as("a signed-in change is made durable").isGreaterThan(before);
    }
  }

  @Test
  void logInIsLockedPerAddressWithRetryAfterAndALockedAccountCannotBeProbedForExistence() {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp, "loginLimits: {perAccountPerMinute: 2, perIpPerMinute: 6}\n", false)) {
      server.client().signUp("Ada", "exists@example.com", PASSWORD, "1990-01-01");
      ApiClient attacker = server.client();
      // Two guesses each lock both accounts; the one that exists and the one that does not answer alike.
      for (String email : List.of("exists@example.com", "nobody@example.com")) {
        for (int i = 0; i < 2; i++) {
          assertThat(attacker.logIn(email, "guess " + i + " for the account").status()).isEqualTo(401);
        }
      }
      Response existing = attacker.logIn("exists@example.com", PASSWORD);
      Response missing = attacker.logIn("nobody@example.com", PASSWORD);
      assertThat(existing.status()).as("locked, even with the right password").isEqualTo(429);
      assertThat(missing.status()).isEqualTo(429);
      assertThat(existing.text().replaceAll("\\d+", "N")).as("the same answer whether the account exists")
          .isEqualTo(missing.text().replaceAll("\\d+", "N"));
      assertThat(existing.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
      assertThat(missing.headers().firstValue("Retry-After")).isPresent();

      // Six attempts from this address are spent: any other account is now refused from it too.
      Response other = attacker.logIn("third@example.com", "some guess here");
      assertThat(other.status()).as("the per-address limit").isEqualTo(429);
      assertThat(other.errorCode()).isEqualTo("rate_limited");
      assertThat(other.headers().firstValue("Retry-After")).isPresent();
      Response staffSide = attacker.staffLogIn("exists@example.com", PASSWORD, "123456");
      assertThat(staffSide.status()).as("the staff log-in counts in its own buckets").isEqualTo(401);
    }
  }

  @Test
  void behindATrustedProxyEachClientAddressHasItsOwnLogInBucket() {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp,
        "server: {trustedProxies: [\"127.0.0.1\", \"::1\"]}\nloginLimits: {perAccountPerMinute: 50, perIpPerMinute: 2}\n", false)) {
      String guess = "{\"email\":\"%s@example.com\",\"password\":\"a wrong guess here\"}";
      for (int i = 0; i < 2; i++) {
        assertThat(server.client().send("POST", "/api/auth/login", guess.formatted("a" + i), Map.of("X-Forwarded-For", "203.0.113.1"))
            .status()).isEqualTo(401);
      }
      assertThat(server.client().send("POST", "/api/auth/login", guess.formatted("a3"), Map.of("X-Forwarded-For", "203.0.113.1"))
          .status()).as("that client's two attempts are spent").isEqualTo(429);
      assertThat(server.client().send("POST", "/api/auth/login", guess.formatted("b"), Map.of("X-Forwarded-For", "203.0.113.2"))
          .status()).as("another client behind the same proxy is not locked out").isEqualTo(401);
      assertThat(server.client().send("POST", "/api/auth/login", guess.formatted("c"),
          Map.of("X-Forwarded-For", "203.0.113.1, 203.0.113.3")).status())
          .as("what the client itself put left of the proxy's entry is not believed").isEqualTo(401);
      assertThat(server.client().send("POST", "/api/auth/login", guess.formatted("d"),
          Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.1")).status()).isEqualTo(429);
    }
  }

  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void oversizedBodiesAreRefusedAsJsonOnEveryKindOfEndpoint(TestBackend backend) {
    try (TestServer server = TestServer.start(backend, tmp, "server: {maxBodyBytes: 4096}\n", false)) {
      ApiClient ada = server.client();
      ada.signUp("Ada", "big@example.com", PASSWORD, "1990-01-01");
      ApiClient staff = server.staffClient("big@confide.test", StaffRole.ADMIN, StaffRole.SECURITY);
      String pad = "x".repeat(5_000);
      Map<String, ApiClient> cases = new java.util.LinkedHashMap<>();
      cases.put("POST /api/auth/login", server.client());
      cases.put("POST /api/conversations", ada);
      cases.put("PATCH /api/settings", ada);
      cases.put("PATCH /api/me", ada);
      cases.put("POST /api/tickets", ada);
      cases.put("POST /v1/chat/completions", ada);
      cases.put("POST /api/admin/incidents", staff);
      cases.put("POST /api/admin/login", server.client());
      for (Map.Entry<String, ApiClient> c : cases.entrySet()) {
        String[] route = c.getKey().split(" ");
        Response r = c.getValue().send(route[0], route[1], "{\"content\":\"" + pad + "\"}", Map.of());
        assertThat(r.status()).as(c.getKey()).isEqualTo(413);
        assertThat(r.errorCode()).as(c.getKey()).isEqualTo("body_too_large");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      }
      assertThat(ada.get("/api/conversations").json().get("data")).as("nothing was written").isEmpty();
    }
  }

  private static String cookie(ApiClient client, String name) {
    List<HttpCookie> cookies = client.cookies().getCookieStore().getCookies();
    return cookies.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow().getValue();
  }
}
