package dev.confide.http;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.identity.StaffRole;
import dev.confide.notify.NoticeKind;
import dev.confide.testing.ApiClient;
import dev.confide.testing.ApiClient.Response;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import io.javalin.http.HandlerType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint of the router, called by everyone who must not get through: anonymous callers,
 * tampered cookies, revoked API keys, another subject by cookie and by API key, staff on the
 * end-user API, end users on the staff API, staff without a grant and staff with a grant for
 * someone else. Each is refused, and a refusal about another subject's object looks exactly like
 * the answer about an object that does not exist. The list comes from the router: a new endpoint
 * without an expectation here fails the test.
 */
class AuthorizationMatrixTest {
  @TempDir Path tmp;

  /** Who may call an endpoint. */
  enum Access {
    /** Anyone: sign-up, log-in, health, public keys, the policy page, static pages and assets. */
    PUBLIC,
    /** A signed-in subject, about themselves (no object id in the path). */
    SELF,
    /** A signed-in subject, about an object of theirs named by {id}. */
    OWNED,
    /** A web page for a signed-in subject (redirects to log-in otherwise). */
    PAGE,
    /** A web page about an object of the subject's, named by {id}. */
    PAGE_OWNED,
    /** Staff only (staff cookie), no subject content. */
    STAFF,
    /** Staff only, and subject content: also a live grant of the caller for that subject. */
    STAFF_CONTENT,
    /** A staff console page (redirects to the staff log-in otherwise); its data comes from the staff API. */
    STAFF_PAGE
  }

  static final Map<String, Access> EXPECTED = Map.ofEntries(
      entry("POST /api/auth/signup", Access.PUBLIC),
      entry("POST /api/auth/login", Access.PUBLIC),
      entry("POST /api/cookie-choice", Access.PUBLIC),
      entry("GET /api/privacy/receipt-key", Access.PUBLIC),
      entry("GET /api/privacy/policy", Access.PUBLIC),
      entry("GET /privacy", Access.PUBLIC),
      entry("GET /healthz", Access.PUBLIC),
      entry("GET /readyz", Access.PUBLIC),
      entry("GET /metrics", Access.PUBLIC),
      entry("GET /", Access.PUBLIC),
      entry("GET /login", Access.PUBLIC),
      entry("GET /signup", Access.PUBLIC),
      entry("GET /account-deleted", Access.PUBLIC),
      entry("GET /assets/{name}", Access.PUBLIC),
      entry("POST /api/auth/logout", Access.SELF),
      entry("GET /api/me", Access.SELF),
      entry("PATCH /api/me", Access.SELF),
      entry("DELETE /api/me", Access.SELF),
      entry("POST /api/me/email/verify", Access.SELF),
      entry("POST /api/me/email/resend", Access.SELF),
      entry("GET /api/settings", Access.SELF),
      entry("PATCH /api/settings", Access.SELF),
      entry("GET /api/settings/history", Access.SELF),
      entry("GET /api/keys", Access.SELF),
      entry("POST /api/keys", Access.SELF),
      entry("DELETE /api/keys/{id}", Access.OWNED),
      entry("GET /api/conversations", Access.SELF),
      entry("POST /api/conversations", Access.SELF),
      entry("DELETE /api/conversations", Access.SELF),
      entry("GET /api/conversations/{id}", Access.OWNED),
      entry("DELETE /api/conversations/{id}", Access.OWNED),
      entry("POST /api/conversations/{id}/messages", Access.OWNED),
      entry("POST /api/conversations/{id}/compare", Access.OWNED),
      entry("POST /api/comparisons/{id}/decision", Access.OWNED),
      entry("POST /api/messages/{id}/edit", Access.OWNED),
      entry("POST /api/messages/{id}/regenerate", Access.OWNED),
      entry("POST /api/messages/{id}/feedback", Access.OWNED),
      entry("GET /api/usage", Access.SELF),
      entry("GET /api/provider-consents", Access.SELF),
      entry("PUT /api/provider-consents/{provider}", Access.SELF),
      entry("GET /api/privacy/requests", Access.SELF),
      entry("POST /api/privacy/requests", Access.SELF),
      entry("GET /api/privacy/requests/{id}", Access.OWNED),
      entry("GET /api/privacy/requests/{id}/download", Access.OWNED),
      entry("GET /api/tickets", Access.SELF),
      entry("POST /api/tickets", Access.SELF),
      entry("GET /api/notices", Access.SELF),
      entry("POST /api/notices/{id}/ack", Access.OWNED),
      entry("GET /v1/models", Access.SELF),
      entry("POST /v1/chat/completions", Access.SELF),
      entry("GET /chat", Access.PAGE),
      entry("GET /chat/list", Access.PAGE),
      entry("GET /chat/{id}", Access.PAGE_OWNED),
      entry("GET /chat/{id}/transcript", Access.PAGE_OWNED),
      entry("GET /history", Access.PAGE),
      entry("GET /history/results", Access.PAGE),
      entry("GET /privacy-center", Access.PAGE),
      entry("GET /privacy-center/requests", Access.PAGE),
      entry("GET /privacy-center/notices", Access.PAGE),
      entry("GET /privacy-center/email", Access.PAGE),
      entry("POST /api/admin/login", Access.PUBLIC),
      entry("POST /api/admin/logout", Access.STAFF),
      entry("POST /api/admin/password", Access.STAFF),
      entry("GET /api/admin/me", Access.STAFF),
      entry("GET /api/admin/requests", Access.STAFF),
      entry("POST /api/admin/requests", Access.STAFF),
      entry("POST /api/admin/requests/{id}/verify", Access.STAFF),
      entry("POST /api/admin/requests/{id}/extend", Access.STAFF),
      entry("POST /api/admin/requests/{id}/resolve", Access.STAFF),
      entry("PUT /api/admin/subjects/{id}/hipaa", Access.STAFF),
      entry("DELETE /api/admin/subjects/{id}/hipaa", Access.STAFF),
      entry("POST /api/admin/subjects/{id}/underage-report", Access.STAFF),
      entry("GET /api/admin/subjects/{id}", Access.STAFF),
      entry("GET /api/admin/subjects/{id}/conversations", Access.STAFF_CONTENT),
      entry("GET /api/admin/subjects/{id}/tickets", Access.STAFF_CONTENT),
      entry("GET /api/admin/grants", Access.STAFF),
      entry("POST /api/admin/grants", Access.STAFF),
      entry("POST /api/admin/grants/{id}/approve", Access.STAFF),
      entry("POST /api/admin/grants/{id}/deny", Access.STAFF),
      entry("POST /api/admin/grants/{id}/revoke", Access.STAFF),
      entry("GET /api/admin/audit", Access.STAFF),
      entry("GET /api/admin/audit/verify", Access.STAFF),
      entry("GET /api/admin/audit/head", Access.STAFF),
      entry("GET /api/admin/incidents", Access.STAFF),
      entry("POST /api/admin/incidents", Access.STAFF),
      entry("GET /api/admin/incidents/{id}", Access.STAFF),
      entry("POST /api/admin/incidents/{id}/status", Access.STAFF),
      entry("POST /api/admin/incidents/{id}/scope", Access.STAFF),
      entry("POST /api/admin/incidents/{id}/measures", Access.STAFF),
      entry("POST /api/admin/incidents/{id}/regulator-notified", Access.STAFF),
      entry("POST /api/admin/incidents/{id}/notices", Access.STAFF),
      entry("GET /api/admin/incidents/{id}/report", Access.STAFF),
      entry("GET /api/admin/policy/verify", Access.STAFF),
      entry("GET /api/admin/policy/versions", Access.STAFF),
      entry("POST /api/admin/policy/versions", Access.STAFF),
      entry("GET /api/admin/disclosures", Access.STAFF),
      entry("POST /api/admin/disclosures", Access.STAFF),
      entry("PUT /api/admin/disclosures/{id}/hold", Access.STAFF),
      entry("DELETE /api/admin/disclosures/{id}/hold", Access.STAFF),
      entry("GET /api/admin/analytics/leaderboard", Access.STAFF),
      entry("POST /api/admin/analytics/thumbs", Access.STAFF),
      entry("GET /staff/login", Access.PUBLIC),
      entry("GET /staff/password", Access.STAFF_PAGE),
      entry("GET /staff", Access.STAFF_PAGE),
      entry("GET /staff/grants", Access.STAFF_PAGE),
      entry("GET /staff/subjects/{id}", Access.STAFF_PAGE),
      entry("GET /staff/audit", Access.STAFF_PAGE),
      entry("GET /staff/incidents", Access.STAFF_PAGE),
      entry("GET /staff/incidents/{id}", Access.STAFF_PAGE),
      entry("GET /staff/policy", Access.STAFF_PAGE),
      entry("GET /staff/disclosures", Access.STAFF_PAGE),
      entry("GET /staff/analytics", Access.STAFF_PAGE),
      entry("GET /staff/status", Access.STAFF_PAGE));

  private static final Set<HandlerType> METHODS = Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
      HandlerType.PATCH, HandlerType.DELETE);

  @Test
  void everyEndpointRefusesEveryoneWhoMustNotGetThroughWithoutRevealingWhatExists() {
    try (TestServer server = TestServer.start(TestBackend.H2, tmp)) {
      Set<String> routes = server.http.javalin().unsafe.internalRouter.allHttpHandlers().stream()
          .filter(e -> METHODS.contains(e.endpoint.method))
          .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(new TreeSet<>(EXPECTED.keySet())).as("every endpoint of the router needs an expectation here")
          .containsExactlyElementsOf(routes);

      World w = World.build(server);
      List<String> failures = new ArrayList<>();
      for (String route : routes) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1);
        Access access = EXPECTED.get(route);
        if (access == Access.PUBLIC) {
          continue;
        }
        String adaPath = w.adaPath(path);
        String body = w.bodyFor(route);
        boolean page = access == Access.PAGE || access == Access.PAGE_OWNED || access == Access.STAFF_PAGE;
        boolean staffApi = access == Access.STAFF || access == Access.STAFF_CONTENT;
        boolean staffSide = staffApi || access == Access.STAFF_PAGE;
        int refused = page ? 303 : 401;

        expect(failures, route, "anonymous", server.client().send(method, adaPath, body, Map.of()), refused);
        expect(failures, route, "tampered cookie", server.client().send(method, adaPath, body,
            Map.of("Cookie", (staffSide ? "confide_staff=" : "confide_session=") + w.tamperedCookie)), refused);
        if (!page) {
          expect(failures, route, "revoked API key", server.client().withBearer(w.revokedKey).send(method, adaPath, body, Map.of()), 401);
        }
        if (staffSide) {
          expect(failures, route, "end-user session", w.eve.send(method, adaPath, body, Map.of()), refused);
          expect(failures, route, "end-user API key", w.eveKey.send(method, adaPath, body, Map.of()), refused);
        } else {
          expect(failures, route, "staff session on the end-user side", w.staffNoGrant.send(method, adaPath, body, Map.of()), refused);
        }
        if (access == Access.OWNED || access == Access.PAGE_OWNED) {
          String missing = w.randomPath(path);
          for (Map.Entry<String, ApiClient> other : Map.of("another subject", w.eve, "another subject's API key", w.eveKey).entrySet()) {
            if (page && other.getValue() == w.eveKey) {
              continue;
            }
            Response theirs = other.getValue().send(method, adaPath, body, Map.of());
            Response nothing = other.getValue().send(method, missing, body, Map.of());
            if (theirs.status() < 400 || theirs.status() >= 500 || theirs.status() != nothing.status()
                || !java.util.Objects.equals(theirs.errorCode(), nothing.errorCode())) {
              failures.add(route + " as " + other.getKey() + ": " + theirs.status() + "/" + theirs.errorCode()
                  + " but for a missing object " + nothing.status() + "/" + nothing.errorCode());
            }
          }
        }
        if (access == Access.STAFF_CONTENT) {
          for (Map.Entry<String, ApiClient> staff : Map.of("staff without a grant", w.staffNoGrant,
              "staff with a grant for someone else", w.staffEveGrant).entrySet()) {
            Response theirs = staff.getValue().send(method, adaPath, body, Map.of());
            Response nothing = staff.getValue().send(method, w.randomPath(path), body, Map.of());
            if (theirs.status() != 403 || !"no_grant".equals(theirs.errorCode()) || !theirs.text().equals(nothing.text())) {
              failures.add(route + " as " + staff.getKey() + ": " + theirs.status() + " " + theirs.text());
            }
          }
        }
      }
      assertThat(failures).isEmpty();
      assertThat(w.ada.get("/api/conversations/" + w.conversation).status()).as("nothing of Ada's was touched").isEqualTo(200);
      assertThat(w.ada.get("/api/privacy/requests/" + w.request).status()).isEqualTo(200);
    }
  }

  private static void expect(List<String> failures, String route, String who, Response response, int status) {
    if (response.status() != status) {
      failures.add(route + " as " + who + ": expected " + status + " but got " + response.status() + " " + response.errorCode());
    }
  }

  /** Ada owns everything attacked; Eve and staff try. */
  private static final class World {
    ApiClient ada;
    ApiClient eve;
    ApiClient eveKey;
    ApiClient staffNoGrant;
    ApiClient staffEveGrant;
    String revokedKey;
    String tamperedCookie;
    String adaSubject;
    String conversation;
    String message;
    String comparison;
    String request;
    String key;
    String notice;

    static World build(TestServer server) {
      World w = new World();
      w.ada = server.client();
      w.adaSubject = w.ada.signUp("Ada Owner", "ada-owner@example.com", GatewayTest.PASSWORD, "1990-01-01").json().get("id").asText();
      JsonNode turn = w.ada.post("/api/conversations", Map.of("content", "ada's secret", "model", "builtin-echo")).json();
      w.conversation = turn.get("conversationId").asText();
      w.message = turn.at("/message/id").asText();
      w.comparison = w.ada.post("/api/conversations/" + w.conversation + "/compare",
          Map.of("content", "compare", "models", List.of("builtin-echo", "builtin-tiny"))).json().get("id").asText();
      w.request = w.ada.post("/api/privacy/requests", Map.of("type", "export")).json().get("id").asText();
      w.key = w.ada.post("/api/keys", Map.of()).json().get("id").asText();
      w.notice = server.confide.notices.post(UUID.fromString(w.adaSubject), NoticeKind.PRODUCT, "hello", "for Ada", true).toString();

      w.eve = server.client();
      String eveSubject = w.eve.signUp("Eve Other", "eve-other@example.com", GatewayTest.PASSWORD, "1990-01-01").json().get("id").asText();
      JsonNode eveKey = w.eve.post("/api/keys", Map.of()).json();
      w.eveKey = server.client().withBearer(eveKey.get("secret").asText());
      JsonNode revoked = w.eve.post("/api/keys", Map.of()).json();
      w.eve.delete("/api/keys/" + revoked.get("id").asText());
      w.revokedKey = revoked.get("secret").asText();
      String real = w.ada.cookies().getCookieStore().getCookies().stream()
          .filter(c -> c.getName().equals("confide_session")).findFirst().orElseThrow().getValue();
      w.tamperedCookie = real.substring(0, real.length() - 4) + (real.endsWith("AAAA") ? "BBBB" : "AAAA");

      w.staffNoGrant = server.staffClient("nogrant@confide.test", StaffRole.ADMIN, StaffRole.SUPPORT);
      w.staffEveGrant = server.staffClient("evegrant@confide.test", StaffRole.SUPPORT);
      Response grant = w.staffEveGrant.post("/api/admin/grants", Map.of("subjectId", eveSubject, "reason", "debugging eve's chat",
          "ticket", "SUP-9", "minutes", 30));
      assertThat(grant.status()).isEqualTo(201);
      return w;
    }

    String adaPath(String template) {
      return fill(template, false);
    }

    String randomPath(String template) {
      return fill(template, true);
    }

    private String fill(String template, boolean random) {
      String id;
      if (template.startsWith("/api/messages/")) {
        id = message;
      } else if (template.startsWith("/api/comparisons/")) {
        id = comparison;
      } else if (template.startsWith("/api/privacy/requests/")) {
        id = request;
      } else if (template.startsWith("/api/keys/")) {
        id = key;
      } else if (template.startsWith("/api/notices/")) {
        id = notice;
      } else if (template.startsWith("/api/admin/subjects/") || template.startsWith("/staff/subjects/")) {
        id = adaSubject;
      } else {
        id = conversation;
      }
      return template.replace("{id}", random ? UUID.randomUUID().toString() : id)
          .replace("{provider}", "some-provider").replace("{name}", "confide.js");
    }

    String bodyFor(String route) {
      return switch (route) {
        case "POST /api/messages/{id}/feedback" -> "{\"rating\":\"up\"}";
        case "POST /api/comparisons/{id}/decision" -> "{\"choice\":\"a\"}";
        case "POST /api/conversations/{id}/messages" -> "{\"content\":\"x\",\"model\":\"builtin-echo\"}";
        case "POST /api/conversations/{id}/compare" -> "{\"content\":\"x\",\"models\":[\"builtin-echo\",\"builtin-tiny\"]}";
        case "POST /api/messages/{id}/edit" -> "{\"content\":\"x\",\"model\":\"builtin-echo\"}";
        case "POST /api/messages/{id}/regenerate" -> "{\"model\":\"builtin-echo\"}";
        default -> route.startsWith("GET ") || route.startsWith("DELETE ") ? null : "{}";
      };
    }
  }
}
