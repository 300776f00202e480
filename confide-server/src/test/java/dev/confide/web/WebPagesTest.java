package dev.confide.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.notify.NoticeKind;
import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web pages over plain HTTP (no browser): security headers on every HTML response, no inline
 * script anywhere, sessions required, other people's ids not found, user text escaped, assets
 * served from the jar, and the cookie banner's server side.
 */
class WebPagesTest {
  private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern EVENT_HANDLER = Pattern.compile("<[^>]*\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
  private static final Pattern STYLE_ATTRIBUTE = Pattern.compile("<[^>]*\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);

  @TempDir
  static Path tmp;
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestBackend.H2, tmp);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ApiClient signedUp(String name, String email) {
    ApiClient client = server.client();
    assertThat(client.signUp(name, email, "a long enough passphrase", "1990-04-01").status()).isEqualTo(201);
    return client;
  }

  private static String startChat(ApiClient client, String content) {
    ApiClient.Response r = client.post("/api/conversations", Map.of("content", content, "model", "builtin-echo"));
    assertThat(r.status()).isEqualTo(201);
    return r.json().get("conversationId").asText();
  }

  @Test
  void everyHtmlResponseCarriesAStrictPolicyAndNoInlineScript() {
    ApiClient client = signedUp("Grace", "grace@example.com");
    String conversation = startChat(client, "Hello pages");
    client.post("/api/privacy/requests", Map.of("type", "export"));
    List<String> signedIn = List.of("/chat", "/chat/" + conversation, "/chat/" + conversation + "/transcript", "/chat/list",
        "/history", "/history?q=hello", "/history/results?q=hello", "/privacy-center", "/privacy-center/requests",
        "/chat/00000000-0000-0000-0000-000000000000");
    List<String> signedOut = List.of("/login", "/signup", "/account-deleted");
    for (String path : signedIn) {
      assertSafeHtml(path, client.get(path));
    }
    for (String path : signedOut) {
      assertSafeHtml(path, server.client().get(path));
    }
  }

  static void assertSafeHtml(String path, ApiClient.Response page) {
    assertThat(page.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertThat(csp).as(path).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
        "base-uri 'none'", "form-action 'self'");
    assertThat(csp).as(path).doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
    assertThat(INLINE_SCRIPT.matcher(page.text()).find()).as(path + " has an inline script").isFalse();
    assertThat(EVENT_HANDLER.matcher(page.text()).find()).as(path + " has an inline event handler").isFalse();
    assertThat(STYLE_ATTRIBUTE.matcher(page.text()).find()).as(path + " has an inline style").isFalse();
  }

  @Test
  void pagesNeedASessionAndNeverShowSomeoneElsesChat() {
    ApiClient anonymous = server.client();
    for (String path : List.of("/chat", "/history", "/privacy-center", "/chat/list")) {
      ApiClient.Response r = anonymous.get(path);
      assertThat(r.status()).as(path).isEqualTo(303);
      assertThat(r.headers().firstValue("Location")).as(path).hasValue("/login");
    }
    ApiClient.Response fragment = anonymous.send("GET", "/chat/list", null, Map.of("HX-Request", "true"));
    assertThat(fragment.status()).isEqualTo(204);
    assertThat(fragment.headers().firstValue("HX-Redirect")).hasValue("/login");
    String secret = startChat(signedUp("Owner", "owner@example.com"), "my secret plans");
    ApiClient other = signedUp("Other", "other@example.com");
    for (String path : List.of("/chat/" + secret, "/chat/" + secret + "/transcript", "/chat/not-an-id")) {
      ApiClient.Response r = other.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.text()).doesNotContain("my secret plans");
    }
    assertThat(other.get("/history?q=secret").text()).doesNotContain("my secret plans");
  }

  @Test
  void userTextIsEscapedWherePagesShowIt() {
    String payload = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";
    ApiClient client = signedUp(payload, "escape@example.com");
    String conversation = startChat(client, payload);
    for (String path : List.of("/chat/" + conversation, "/history", "/history/results?q=script", "/chat/list")) {
      String html = client.get(path).text();
      assertThat(html).as(path).doesNotContain("<script>alert(1)", "<img src=x").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
  }

  @Test
  @Tag("P33")
  @Tag("P35")
  void aNoticeToAcknowledgeLeadsEveryPageEscapedUntilAcknowledged() {
    ApiClient client = signedUp("Noel", "noel@example.com");
    UUID subject = UUID.fromString(client.get("/api/me").json().get("id").asText());
    String conversation = startChat(client, "Hello notices");
    String payload = "<script>alert(1)</script>";
    String notice = server.confide.notices.post(subject, NoticeKind.BREACH_NOTICE, "Title " + payload, "Body " + payload, true)
        .toString();
    List<String> pages = List.of("/chat", "/chat/" + conversation, "/history", "/privacy-center",
        "/chat/00000000-0000-0000-0000-000000000000");
    for (String path : pages) {
      String html = client.get(path).text();
      assertThat(html).as(path).contains("id=\"pending-notices\"", "data-id=\"" + notice + "\"")
          .doesNotContain("<script>alert(1)").contains("Title &lt;script&gt;alert(1)&lt;/script&gt;");
      assertThat(html.indexOf("id=\"pending-notices\"")).as(path + ": first in main")
          .isGreaterThan(html.indexOf("<main")).isLessThan(html.indexOf("<h1"));
    }
    assertThat(client.get("/chat/list").text()).as("fragments stay as they are").doesNotContain("pending-notices");
    assertThat(client.get("/privacy-center/notices").text()).contains("Not acknowledged yet");

    assertThat(client.post("/api/notices/" + notice + "/ack", null).status()).isEqualTo(204);
    for (String path : pages) {
      assertThat(client.get(path).text()).as(path).doesNotContain("id=\"pending-notices\"");
    }
    assertThat(client.get("/privacy-center/notices").text()).contains("Acknowledged on").contains("Body &lt;script&gt;");
  }

  @Test
  void assetsComeFromTheJarAndNothingElseIsServed() {
    ApiClient client = server.client();
    ApiClient.Response htmx = client.get("/assets/htmx.min.js");
    assertThat(htmx.status()).isEqualTo(200);
    assertThat(htmx.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    assertThat(htmx.text()).contains("htmx");
    assertThat(client.get("/assets/confide.js").text()).contains("X-CSRF-Token");
    assertThat(client.get("/assets/confide.css").headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    for (String path : List.of("/assets/logback.xml", "/assets/..%2Fconfide-defaults.yaml", "/assets/")) {
      assertThat(client.get(path).status()).as(path).isEqualTo(404);
    }
  }

  @Tag("P19")
  @Test
  @Tag("P38")
  void theCookieBannerShowsUntilAChoiceIsMadeAndAnalyticsWaitForConsent() {
    ApiClient visitor = server.client();
    String first = visitor.get("/login").text();
    assertThat(first).contains("id=\"cookie-banner\"").contains("<meta name=\"confide-analytics\" content=\"denied\">");
    String forged = visitor.send("GET", "/login", null, Map.of("Cookie", "confide_cookies=analytics")).text();
    assertThat(forged).as("a choice the server did not seal is no choice").contains("id=\"cookie-banner\"")
        .contains("content=\"denied\"");

    ApiClient.Response refusal = visitor.post("/api/cookie-choice", Map.of("choice", "essential"));
    assertThat(refusal.status()).isEqualTo(204);
    assertThat(refusal.headers().allValues("Set-Cookie")).singleElement().satisfies(c -> assertThat(c)
        .startsWith("confide_cookies=").doesNotContain("essential").contains("HttpOnly").contains("SameSite=Lax"));
    assertThat(visitor.get("/login").text()).doesNotContain("id=\"cookie-banner\"").contains("content=\"denied\"");
    assertThat(visitor.post("/api/cookie-choice", Map.of("choice", "analytics")).status()).isEqualTo(204);
    assertThat(visitor.get("/login").text()).doesNotContain("id=\"cookie-banner\"").contains("content=\"granted\"");

    ApiClient other = server.client();
    assertThat(other.post("/api/cookie-choice", Map.of("choice", "everything")).errorCode()).isEqualTo("invalid_choice");
    assertThat(other.send("POST", "/api/cookie-choice", "choice=analytics", Map.of("Content-Type", "application/x-www-form-urlencoded"))
        .status()).as("a cross-site form cannot record a consent").isEqualTo(415);
    assertThat(other.send("POST", "/api/cookie-choice", "{\"choice\":\"analytics\"}", Map.of("Sec-GPC", "1")).errorCode())
        .isEqualTo("gpc_refuses_analytics");
    assertThat(other.get("/login").text()).contains("id=\"cookie-banner\"");
  }

  @Test
  @Tag("P26")
  @Tag("P28")
  @Tag("P38")
  void analyticsWaitForConsentAndStopOnAnObjectionOrARestriction() {
    ApiClient client = signedUp("Objector", "objector@example.com");
    client.patch("/api/settings", Map.of("analyticsCookies", true));
    assertThat(client.get("/privacy-center").text()).contains("<meta name=\"confide-analytics\" content=\"granted\">");
    client.patch("/api/settings", Map.of("objections", Map.of("analytics", true)));
    assertThat(client.get("/privacy-center").text()).as("an objection stops them, consent or not")
        .contains("<meta name=\"confide-analytics\" content=\"denied\">");
    client.patch("/api/settings", Map.of("objections", Map.of("analytics", false)));
    assertThat(client.get("/privacy-center").text()).contains("content=\"granted\"");
  }

  @Test
  @Tag("P17")
  @Tag("P38")
  void aGlobalPrivacyControlPageViewHidesTheBannerAndRecordsTheOptOut() {
    ApiClient client = signedUp("Gpc", "gpc@example.com");
    assertThat(client.get("/privacy-center").text()).contains("id=\"cookie-banner\"");
    String page = client.send("GET", "/privacy-center", null, Map.of("Sec-GPC", "1", "Cookie", "confide_cookies=analytics")).text();
    assertThat(page).doesNotContain("id=\"cookie-banner\"").contains("id=\"gpc-note\"").contains("content=\"denied\"");
    assertThat(client.get("/api/settings").json().get("optOutOfSale").asBoolean()).isTrue();
    assertThat(client.get("/api/settings/history").json().get("data")).anySatisfy(entry -> {
      assertThat(entry.get("setting").asText()).isEqualTo("optOutOfSale");
      assertThat(entry.get("source").asText()).isEqualTo("gpc");
    });
  }
}
