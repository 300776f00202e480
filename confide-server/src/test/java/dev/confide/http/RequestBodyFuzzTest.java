package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.confide.identity.StaffRole;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.FuzzDriver;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON request decoding of every endpoint that takes a body, through the real server: whatever the
 * body, the answer is never a 5xx, and every refusal is the clear JSON error
 * ({@code {"error":{"code","message"}}}) with no stack trace. An input is {@code METHOD /route\n}
 * and the body (the seeds, one per endpoint, are written so); an input without a known route line
 * goes whole, as the body, to the endpoint its first byte picks.
 */
class RequestBodyFuzzTest {
  private static final Set<HandlerType> WITH_BODY = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH);

  @TempDir static Path tmp;
  private static TestServer server;
  private static List<String> routes;
  private static World world;

  @BeforeAll
  static void start() {
    FuzzDriver.prepareJazzer();
    server = TestServer.start(TestBackend.H2, tmp, "rateLimits:\n  perSubject: {requestsPerMinute: 1000000, tokensPerMinute: 1000000000}\n"
        + "loginLimits: {perAccountPerMinute: 1000000, perIpPerMinute: 1000000}\n", false);
    routes = server.http.javalin().unsafe.internalRouter.allHttpHandlers().stream()
        .filter(e -> WITH_BODY.contains(e.endpoint.method))
        .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
        .sorted().distinct().toList();
    world = World.build(server);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @FuzzTest
  void anyBodyGetsAnAnswerOrAClearJsonError(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    String route = newline > 0 ? text.substring(0, newline) : "";
    String body;
    if (routes.contains(route)) {
      body = text.substring(newline + 1);
    } else {
      route = routes.get(input.length == 0 ? 0 : Byte.toUnsignedInt(input[0]) % routes.size());
      body = text;
    }
    String method = route.substring(0, route.indexOf(' '));
    String template = route.substring(route.indexOf(' ') + 1);
    ApiClient client = template.startsWith("/api/admin/") ? world.staff
        : template.startsWith("/api/auth/") ? world.anonymous : world.user;
    Response response = client.send(method, world.path(template), body, Map.of());

    assertThat(response.status()).as("%s with %s: %s", route, body, response.text()).isLessThan(500);
    if (response.status() >= 400) {
      assertThat(response.errorCode()).as("%s with %s: %s", route, body, response.text()).isNotBlank();
      assertThat(response.json().at("/error/message").asText()).as(route).isNotBlank()
          .doesNotContain("Exception").doesNotContain("at dev.").doesNotContain("at io.");
    }
    if (response.status() == 401 || route.endsWith("/logout") || route.equals("POST /api/admin/password")) {
      world = World.build(server); // the body signed a client out, erased or locked it: start afresh
    }
  }

  @Test
  void shortRun() {
    assertThat(routes).as("the endpoints with a body").hasSizeGreaterThan(30);
    FuzzDriver.of(getClass(), "anyBodyGetsAnAnswerOrAClearJsonError").executions(500).maxLength(8_192)
        .dictionary("\"", "{", "}", "[", "]", ":", ",", "null", "true", "false", "0", "-1", "1e999", "1.5", "99999999999999999999",
            "\"\"", "{}", "[]", "\"2026-11-02\"", "\"2026-11-02T10:00:00Z\"", "\"builtin-echo\"", "\"\\u0000\"", "\"\\ud800\"",
            "\"" + UUID.randomUUID() + "\"", "\"x\"", "\u00e9", "\ufeff")
        .structured(new JsonMutation())
        .run(this::anyBodyGetsAnAnswerOrAClearJsonError);
  }

  /** Mutates a seed's JSON: a value becomes another type, a field goes, an unknown one comes, or it nests. */
  private static final class JsonMutation implements java.util.function.UnaryOperator<byte[]> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Random random = new Random(8);

    @Override
    public byte[] apply(byte[] input) {
      String text = new String(input, StandardCharsets.UTF_8);
      int newline = text.indexOf('\n');
      JsonNode node;
      try {
        node = JSON.readTree(text.substring(newline + 1));
      } catch (java.io.IOException e) {
        return null;
      }
      if (!(node instanceof ObjectNode object)) {
        return null;
      }
      List<String> names = new java.util.ArrayList<>();
      for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      String name = names.isEmpty() ? "field" : names.get(random.nextInt(names.size()));
      switch (random.nextInt(4)) {
        case 0 -> object.remove(name);
        case 1 -> object.set(names.isEmpty() || random.nextBoolean() ? "unknown" + random.nextInt(3) : name, value());
        case 2 -> object.set(name, JsonNodeFactory.instance.arrayNode().add(object.path(name).deepCopy()));
        default -> object.set(name, value());
      }
      return ((newline >= 0 ? text.substring(0, newline + 1) : "") + object).getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode value() {
      JsonNodeFactory f = JsonNodeFactory.instance;
      return switch (random.nextInt(9)) {
        case 0 -> f.nullNode();
        case 1 -> f.booleanNode(random.nextBoolean());
        case 2 -> f.numberNode(random.nextLong());
        case 3 -> f.numberNode(random.nextDouble() * 1e6 - 5e5);
        case 4 -> f.textNode("x".repeat(random.nextInt(3) == 0 ? 5_000 : random.nextInt(20)));
        case 5 -> f.textNode(List.of("", " ", "\u0000", "2026-02-30", "up", "a", "erasure", "export", "builtin-tiny", "EU", "US-CA",
            UUID.randomUUID().toString(), "<script>", "../../etc/passwd").get(random.nextInt(14)));
        case 6 -> f.arrayNode().add("builtin-echo").add(random.nextInt());
        case 7 -> f.objectNode().put("a", 1).set("b", f.objectNode());
        default -> f.numberNode(new java.math.BigDecimal("1e" + (random.nextInt(800) - 400)));
      };
    }
  }

  /** A signed-in user with a conversation, a staff member with every role, and a client with no session. */
  private static final class World {
    ApiClient user;
    ApiClient staff;
    ApiClient anonymous;
    String subject;
    String conversation;
    String message;
    String comparison;

    static World build(TestServer server) {
      World w = new World();
      String tag = UUID.randomUUID().toString().substring(0, 8);
      w.anonymous = server.client();
      w.user = server.client();
      w.subject = w.user.signUp("Fuzz User", "fuzz-" + tag + "@example.com", GatewayTest.PASSWORD, "1990-01-01")
          .json().get("id").asText();
      JsonNode turn = w.user.post("/api/conversations", Map.of("content", "hello", "model", "builtin-echo")).json();
      w.conversation = turn.get("conversationId").asText();
      w.message = turn.at("/message/id").asText();
      w.comparison = w.user.post("/api/conversations/" + w.conversation + "/compare",
          Map.of("content", "compare", "models", List.of("builtin-echo", "builtin-tiny"))).json().get("id").asText();
      w.staff = server.staffClient("fuzz-" + tag + "@confide.test", StaffRole.values());
      return w;
    }

    String path(String template) {
      String id;
      if (template.startsWith("/api/messages/")) {
        id = message;
      } else if (template.startsWith("/api/comparisons/")) {
        id = comparison;
      } else if (template.startsWith("/api/conversations/")) {
        id = conversation;
      } else if (template.startsWith("/api/admin/subjects/")) {
        id = subject;
      } else {
        id = UUID.randomUUID().toString();
      }
      return template.replace("{id}", id).replace("{provider}", "builtin");
    }
  }
}
