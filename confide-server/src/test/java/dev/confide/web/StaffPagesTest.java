package dev.confide.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.identity.StaffDirectory;
import dev.confide.identity.StaffRole;
import dev.confide.identity.Totp;
import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staff console over plain HTTP (no browser): who may open it, the same headers and no inline
 * script as the pages for people, and the facts it renders itself (keys, jobs, usage).
 */
@Tag("P21")
class StaffPagesTest {
  private static final List<String> PAGES = List.of("/staff", "/staff/grants", "/staff/grants?subject=00000000-0000-0000-0000-000000000001",
      "/staff/subjects/00000000-0000-0000-0000-000000000001", "/staff/audit", "/staff/incidents",
      "/staff/incidents/00000000-0000-0000-0000-000000000002", "/staff/policy", "/staff/disclosures", "/staff/analytics",
      "/staff/status", "/staff/password");

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

  @Test
  void everyConsolePageCarriesTheStrictPolicyTheStaffTokenAndTheServersClock() {
    ApiClient staff = server.staffClient("pages@confide.test", StaffRole.PRIVACY_OFFICER);
    for (String path : PAGES) {
      ApiClient.Response page = staff.get(path);
      assertThat(page.status()).as(path).isEqualTo(200);
      WebPagesTest.assertSafeHtml(path, page);
      assertThat(page.text()).as(path)
          .contains("<meta name=\"csrf-token\" content=\"" + staff.csrfToken() + "\">")
          .contains("<meta name=\"server-time\" content=\"" + server.clock.instant() + "\">")
          .contains("<script src=\"/assets/staff.js\" defer></script>");
    }
    WebPagesTest.assertSafeHtml("/staff/login", server.client().get("/staff/login"));
  }

  @Test
  void theConsoleOpensOnlyForStaffWithAPasswordOfTheirOwn() {
    for (String path : PAGES) {
      ApiClient.Response r = server.client().get(path);
      assertThat(r.status()).as(path).isEqualTo(303);
      assertThat(r.headers().firstValue("Location")).as(path).hasValue(StaffPages.LOGIN);
    }
    ApiClient person = server.client();
    assertThat(person.signUp("Pat Person", "pat@example.com", "a long enough passphrase", "1990-04-01").status()).isEqualTo(201);
    assertThat(person.get("/staff").headers().firstValue("Location")).as("a person's session is not a staff session").hasValue("/staff/login");

    StaffDirectory.Enrolled enrolled = server.confide.staff.createWithOneTimePassword("New Staff", "new@confide.test",
        EnumSet.of(StaffRole.SUPPORT));
    ApiClient newcomer = server.client();
    assertThat(newcomer.staffLogIn("new@confide.test", enrolled.oneTimePassword(),
        Totp.codeAt(enrolled.totpSecret(), server.clock.instant())).status()).isEqualTo(200);
    for (String path : List.of("/staff", "/staff/audit", "/staff/login")) {
      assertThat(newcomer.get(path).headers().firstValue("Location")).as(path).hasValue(StaffPages.PASSWORD);
    }
    String password = newcomer.get(StaffPages.PASSWORD).text();
    assertThat(password).contains("id=\"password-required\"").doesNotContain("href=\"/staff/audit\"");
    assertThat(newcomer.post("/api/admin/password", Map.of("currentPassword", enrolled.oneTimePassword(),
        "newPassword", "my own staff passphrase")).status()).isEqualTo(204);
    assertThat(newcomer.get("/staff").status()).isEqualTo(200);
    assertThat(newcomer.get("/staff/login").headers().firstValue("Location")).hasValue("/staff");
    assertThat(newcomer.get("/chat").headers().firstValue("Location")).as("a staff session is not a person's session").hasValue("/login");

    assertThat(newcomer.post("/api/admin/logout", null).status()).isEqualTo(204);
    assertThat(newcomer.get("/staff").headers().firstValue("Location")).hasValue(StaffPages.LOGIN);
  }

  @Test
  void anAddressWithoutAValidIdIsAnHtmlNotFoundPage() {
    ApiClient staff = server.staffClient("ids@confide.test", StaffRole.SECURITY);
    for (String path : List.of("/staff/incidents/not-an-id", "/staff/subjects/%3Cscript%3E")) {
      ApiClient.Response r = staff.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      WebPagesTest.assertSafeHtml(path, r);
      assertThat(r.text()).as(path).contains("<h1>Not found</h1>").doesNotContain("<script>");
    }
  }

  @Test
  void keysAndJobsShowTheirAgeOnTheServersClock() {
    ApiClient staff = server.staffClient("keys@confide.test", StaffRole.ADMIN);
    String before = staff.get("/staff/status").text();
    long primary = server.confide.keyEncryption.primaryKeyId();
    assertThat(before).contains("<td data-label=\"Version\">" + primary + "</td>");
    assertThat(section(before, "data-job=\"retention\"")).contains("never").contains("Late");

    server.confide.leases.tryAcquire("retention", "test", Duration.ofMinutes(5));
    server.confide.leases.recordSuccess("retention");
    server.confide.leases.release("retention", "test");
    server.clock.advance(Duration.ofHours(3));
    String after = server.staffClient("keys2@confide.test", StaffRole.ADMIN).get("/staff/status").text();
    assertThat(section(after, "data-job=\"retention\"")).contains("3 hours ago").doesNotContain("never");
    assertThat(after).contains("<td data-label=\"Age\">3 hours</td>");
  }

  @Test
  @Tag("P41")
  void usageIsShownPerModelAndMonthWithoutAnyPerson() {
    ApiClient person = server.client();
    assertThat(person.signUp("Una Usage", "una@example.com", "a long enough passphrase", "1990-04-01").status()).isEqualTo(201);
    assertThat(person.post("/api/conversations", Map.of("content", "count me", "model", "builtin-echo")).status()).isEqualTo(201);
    String page = server.staffClient("usage@confide.test", StaffRole.ADMIN).get("/staff/analytics").text();
    assertThat(page).contains("<td data-label=\"Model\">builtin-echo</td>").contains("id=\"usage-chart\"")
        .contains("&#34;model&#34;:&#34;builtin-echo&#34;").doesNotContain("sub_")
        .contains("<script src=\"/assets/chart.umd.min.js\" defer></script>");
  }

  @Test
  void chartJsAndTheConsoleAssetsComeFromTheJar() {
    ApiClient client = server.client();
    ApiClient.Response chart = client.get("/assets/chart.umd.min.js");
    assertThat(chart.status()).isEqualTo(200);
    assertThat(chart.text()).contains("Chart.js v4");
    assertThat(client.get("/assets/staff.js").text()).contains("/api/admin");
    assertThat(client.get("/assets/staff.css").headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
  }

  /** The table row of the page that carries {@code marker}. */
  private static String section(String html, String marker) {
    int start = html.indexOf(marker);
    assertThat(start).as(marker).isNotNegative();
    return html.substring(start, html.indexOf("</tr>", start));
  }
}
