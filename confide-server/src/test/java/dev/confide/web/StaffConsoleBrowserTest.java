package dev.confide.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.confide.identity.StaffDirectory;
import dev.confide.identity.StaffRole;
import dev.confide.identity.Totp;
import dev.confide.testing.ApiClient;
import dev.confide.testing.Mailbox;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The staff console in a real browser (Debian's chromium through Playwright, skipped when it is
 * missing, failing under {@code CI=true}), against a real server on the embedded database. Every
 * console page is checked with axe-core and photographed at desktop and 360 px width under
 * target/screenshots/staff-*.png.
 */
@Tag("P39")
class StaffConsoleBrowserTest extends BrowserTestBase {
  private static final String PASSWORD = "a long enough passphrase";
  private static final String STAFF_PASSWORD = "my own console passphrase";
  private static final String SCRIPT = "<script>alert(1)</script>";
  private static final String IMAGE = "\"><img src=x onerror=alert(1)>";


  @BeforeAll
  static void start() {
    launch(dir -> TestServer.start(TestBackend.H2, dir));
  }

  @Test
  @Tag("P21")
  @Tag("P22")
  @Tag("P30")
  @Tag("P33")
  void aStaffMemberLogsInWithTotpAndWorksRequestsGrantsIncidentsAndTheAuditLog() {
    Person ada = person("Ada " + SCRIPT, "ada@example.com");
    ada.client().post("/api/conversations", Map.of("content", "My travel plans " + SCRIPT + IMAGE, "model", "builtin-echo"));
    assertThat(ada.client().post("/api/privacy/requests", Map.of("type", "rectify")).status()).isEqualTo(201);
    StaffDirectory.Enrolled dana = server.confide.staff.createWithOneTimePassword("Dana Officer", "dana@confide.test",
        EnumSet.of(StaffRole.PRIVACY_OFFICER));

    BrowserFixture.Watch watch = new BrowserFixture.Watch();
    try (BrowserContext context = browser.context()) {
      Page page = BrowserFixture.watched(context, watch);

      // log in with the one-time password and a TOTP code, then the forced password change
      page.navigate(base + "/staff");
      page.waitForURL("**/staff/login");
      signIn(page, "dana@confide.test", dana, true);

      // the request the person filed, with its deadline counting down on the server's clock
      Locator filed = page.locator("#queue tr[data-request]").filter(new Locator.FilterOptions().setHasText(ada.id()));
      PlaywrightAssertions.assertThat(filed).hasCount(1);
      PlaywrightAssertions.assertThat(filed.locator(".countdown")).hasText(Pattern.compile("^\\d+ days \\d+ hours? left$"));
      PlaywrightAssertions.assertThat(filed.locator(".flag")).hasCount(0);
      PlaywrightAssertions.assertThat(page.locator("#queue-summary")).hasText("1 open request, none overdue.");
      browser.check(page, "staff-requests");

      // an emailed request received long ago: overdue at once; the code the person received verifies it
      page.getByLabel("Email address of the account").fill("ada@example.com");
      page.getByLabel("Request", new Page.GetByLabelOptions().setExact(true)).selectOption("restrict");
      page.getByLabel("Received at (UTC)").fill("2026-08-01T09:00");
      button(page, "Record the request").click();
      PlaywrightAssertions.assertThat(page.locator("#intake-form .status")).containsText("A code was mailed");
      Locator emailed = page.locator("#queue tr[data-request]").filter(new Locator.FilterOptions().setHasText("verifying"));
      PlaywrightAssertions.assertThat(emailed.locator(".countdown")).hasText(Pattern.compile("^OVERDUE by \\d+ days"));
      PlaywrightAssertions.assertThat(emailed.locator(".flag.overdue")).hasText("Overdue");
      PlaywrightAssertions.assertThat(page.locator("#queue-summary")).hasText("2 open requests, 1 overdue.");
      browser.check(page, "staff-requests-overdue");
      emailed.getByLabel(Pattern.compile("^Code read back by the requester")).fill(mailedCode(ada.id()));
      emailed.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Verify")).click();
      PlaywrightAssertions.assertThat(page.locator("#queue tr[data-request]")).hasCount(1);
      // the correction the person asked for, declined with the reason they are given
      filed.locator("summary").filter(new Locator.FilterOptions().setHasText("Settle the correction")).click();
      filed.getByLabel("No", new Locator.GetByLabelOptions().setExact(true)).check();
      filed.getByLabel(Pattern.compile("^Reason \\(told to the requester; required")).fill("the dates are held as you gave them");
      filed.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Settle")).click();
      PlaywrightAssertions.assertThat(page.locator("#queue tr[data-request]")).hasCount(0);
      page.getByLabel("Also show completed and closed requests").check();
      PlaywrightAssertions.assertThat(page.locator("#queue tr[data-request]").filter(new Locator.FilterOptions().setHasText("completed")))
          .hasCount(2);

      // a break-glass grant, then the person's conversation under it
      link(page, "Grants").click();
      page.waitForURL("**/staff/grants");
      page.getByLabel("Subject id").fill(ada.id());
      page.getByLabel("Reason").fill("Ticket asks to check a reply " + IMAGE);
      page.getByLabel("Ticket").fill("SUP-1042");
      page.getByLabel("Minutes").fill("15");
      button(page, "Ask for access").click();
      PlaywrightAssertions.assertThat(page.locator("#grant-form .status")).containsText("Access open for 15 minutes.");
      Locator grant = page.locator("#grant-list tr[data-status=active]");
      PlaywrightAssertions.assertThat(grant).hasCount(1);
      PlaywrightAssertions.assertThat(grant).containsText(IMAGE);
      PlaywrightAssertions.assertThat(grant.locator(".countdown")).hasText(Pattern.compile("^1[45] minutes left$"));
      browser.check(page, "staff-grants");
      page.locator("#grant-form .status a").click();
      page.waitForURL("**/staff/subjects/" + ada.id());
      PlaywrightAssertions.assertThat(page.locator("#subject-meta")).containsText("Conversations");
      button(page, "Read their conversations").click();
      Locator conversation = page.locator("#subject-conversations .conversation");
      PlaywrightAssertions.assertThat(conversation).hasCount(1);
      PlaywrightAssertions.assertThat(conversation.locator(".message-text").first()).hasText("My travel plans " + SCRIPT + IMAGE);
      assertThat(page.locator("main img, main script").count()).isZero();
      browser.check(page, "staff-subject");

      // an incident and its 72-hour clock, then the affected person is told
      link(page, "Incidents").click();
      page.waitForURL("**/staff/incidents");
      browser.check(page, "staff-incidents");
      page.getByLabel("What happened").fill("An export link was sent to the wrong address " + SCRIPT);
      page.locator("#incident-form input[name=categories]").first().check();
      button(page, "Record the incident").click(); // who is affected is not known yet
      page.waitForURL(Pattern.compile(".*/staff/incidents/[0-9a-f-]{36}$"));
      PlaywrightAssertions.assertThat(page.locator("#incident-clock .countdown")).hasText(Pattern.compile("^7[01] hours \\d+ minutes? left$"));
      PlaywrightAssertions.assertThat(page.locator("#incident-detail")).containsText("An export link was sent to the wrong address " + SCRIPT);
      PlaywrightAssertions.assertThat(page.locator("#incident-detail .facts")).containsText("Affected people0");
      page.getByLabel("Scope").selectOption("subjects");
      page.getByLabel("Subject or grant ids, one per line").fill(ada.id());
      button(page, "Add to the scope").click();
      PlaywrightAssertions.assertThat(page.locator("#scope-form .status")).hasText("Affected now: 1.");
      PlaywrightAssertions.assertThat(page.locator("#incident-detail .facts")).containsText("Affected people1");
      page.getByLabel("What happened, in plain words").fill("An export link reached the wrong inbox.");
      page.getByLabel("What we have done").fill("The link was revoked.");
      page.getByLabel("What they can do").fill("Nothing; your data was not opened.");
      button(page, "Send the notices").click();
      PlaywrightAssertions.assertThat(page.locator("#notify-form .status")).hasText("1 notice sent, 0 failed, 0 still pending.");
      page.getByLabel("New status").selectOption("contained");
      button(page, "Change status").click();
      PlaywrightAssertions.assertThat(page.locator("#status-form .status")).hasText("Status is now contained.");
      PlaywrightAssertions.assertThat(page.locator("#incident-detail .timeline")).containsText("contained");
      browser.check(page, "staff-incident");

      // the audit log: the content read is there, and the chain verifies
      link(page, "Audit log").click();
      page.waitForURL("**/staff/audit");
      PlaywrightAssertions.assertThat(page.locator("#audit-entries tr[data-seq]").first()).isVisible();
      page.getByLabel("Action").fill("content.read");
      button(page, "Show").click();
      PlaywrightAssertions.assertThat(page.locator("#audit-entries tr[data-seq]")).hasCount(1);
      button(page, "Verify").click();
      PlaywrightAssertions.assertThat(page.locator("#verify-result")).containsText("Valid.");
      PlaywrightAssertions.assertThat(page.locator("#audit-head .facts")).containsText("MAC");
      browser.check(page, "staff-audit");
      // an entry edited in the database: verification names it, and is valid again once it is put back
      String read = page.locator("#audit-entries tr[data-seq]").getAttribute("data-seq");
      setAuditAction(read, "staff.login");
      button(page, "Verify").click();
      PlaywrightAssertions.assertThat(page.locator("#verify-result")).containsText("Broken. First bad entry: #" + read + ".");
      browser.check(page, "staff-audit-broken");
      setAuditAction(read, "content.read");
      button(page, "Verify").click();
      PlaywrightAssertions.assertThat(page.locator("#verify-result")).containsText("Valid.");

      // the other pages: each renders, whether or not this server offers its API yet
      for (String[] section : new String[][] {{"Policy", "policy", "#policy-versions"},
          {"Processors and disclosures", "disclosures", "#disclosures"}, {"Models and usage", "analytics", "#leaderboard"},
          {"Keys and retention", "status", "#key-table"}}) {
        link(page, section[0]).click();
        page.waitForURL("**/staff/" + section[1]);
        loaded(page, section[2]);
        browser.check(page, "staff-" + section[1]);
      }
      PlaywrightAssertions.assertThat(page.locator("#key-table")).containsText("primary");
      link(page, "Models and usage").click();
      PlaywrightAssertions.assertThat(page.locator("#usage-chart")).isVisible();
      assertThat(page.evaluate("() => window.Chart !== undefined && Chart.getChart('usage-chart') !== undefined")).isEqualTo(true);

      button(page, "Log out").click();
      page.waitForURL("**/staff/login");
      page.navigate(base + "/staff/grants");
      page.waitForURL("**/staff/login");
    }
    assertThat(watch.dialogs).as("dialogs opened by injected script").isEmpty();
    assertThat(watch.policyViolations).isEmpty();
  }

  @Test
  @Tag("P21")
  void theKeyboardAloneLogsInOpensAGrantAndRevokesIt() {
    Person bob = person("Bob Board", "bob@example.com");
    StaffDirectory.Enrolled kim = server.confide.staff.createWithOneTimePassword("Kim Keys", "kim@confide.test",
        EnumSet.of(StaffRole.SUPPORT));
    BrowserFixture.Watch watch = new BrowserFixture.Watch();
    try (BrowserContext context = browser.context()) {
      Page page = BrowserFixture.watched(context, watch);
      page.navigate(base + "/staff/login");
      WebAppBrowserTest.tabTo(page, "#email");
      page.keyboard().type("kim@confide.test");
      WebAppBrowserTest.tabTo(page, "#password");
      page.keyboard().type(kim.oneTimePassword());
      WebAppBrowserTest.tabTo(page, "#totp");
      page.keyboard().type(Totp.codeAt(kim.totpSecret(), server.clock.instant()));
      page.keyboard().press("Enter");
      page.waitForURL("**/staff/password");
      WebAppBrowserTest.tabTo(page, "#currentPassword");
      page.keyboard().type(kim.oneTimePassword());
      WebAppBrowserTest.tabTo(page, "#newPassword");
      page.keyboard().type(STAFF_PASSWORD);
      WebAppBrowserTest.tabTo(page, "#confirmPassword");
      page.keyboard().type(STAFF_PASSWORD);
      page.keyboard().press("Enter");
      page.waitForURL(Pattern.compile(".*/staff$"));

      WebAppBrowserTest.tabTo(page, ".site-nav a[href='/staff/grants']");
      page.keyboard().press("Enter");
      page.waitForURL("**/staff/grants");
      WebAppBrowserTest.tabTo(page, "#grant-subject");
      page.keyboard().type(bob.id());
      WebAppBrowserTest.tabTo(page, "#grant-reason");
      page.keyboard().type("Bob asked us to look at a broken chat");
      WebAppBrowserTest.tabTo(page, "#grant-ticket");
      page.keyboard().type("SUP-7");
      WebAppBrowserTest.tabTo(page, "#grant-form button[type=submit]");
      page.keyboard().press("Enter");
      Locator grant = page.locator("#grant-list tr[data-status=active]");
      PlaywrightAssertions.assertThat(grant).hasCount(1);

      WebAppBrowserTest.tabTo(page, "#grant-list [data-decision=revoke]");
      page.keyboard().press("Enter");
      PlaywrightAssertions.assertThat(page.locator("#confirm-cancel")).isFocused();
      PlaywrightAssertions.assertThat(page.locator("#confirm-dialog")).containsText("Revoke this grant now?");
      browser.check(page, "staff-grant-revoke-confirm");
      page.keyboard().press("Tab");
      PlaywrightAssertions.assertThat(page.locator("#confirm-ok")).isFocused();
      page.keyboard().press("Enter");
      PlaywrightAssertions.assertThat(page.locator("#grant-list tr[data-status=revoked]")).hasCount(1);
      PlaywrightAssertions.assertThat(page.locator("#announcer")).hasText("Grant revoked.");

      // without a live grant the subject's conversations stay closed
      page.navigate(base + "/staff/subjects/" + bob.id());
      PlaywrightAssertions.assertThat(page.locator("#subject-grant")).containsText("no live break-glass grant");
      PlaywrightAssertions.assertThat(page.locator("#read-conversations")).hasCount(0);
    }
    assertThat(watch.dialogs).isEmpty();
    assertThat(watch.policyViolations).isEmpty();
  }

  /** Publishing a policy version, recording a legal disclosure with a hold, and the leaderboard: all shown as text. */
  @Test
  @Tag("P05")
  @Tag("P16")
  @Tag("P35")
  void policyPublishingDisclosuresAndTheLeaderboardShowTheirDataAsText() {
    Person lea = person("Lea Arena", "lea@example.com");
    for (String choice : new String[] {"a", "a", "b"}) {
      String conversation = lea.client().post("/api/conversations", Map.of("content", "warm up", "model", "builtin-echo"))
          .json().get("conversationId").asText();
      String comparison = lea.client().post("/api/conversations/" + conversation + "/compare",
          Map.of("content", "which is better?", "models", List.of("builtin-echo", "builtin-tiny"))).json().get("id").asText();
      assertThat(lea.client().post("/api/comparisons/" + comparison + "/decision", Map.of("choice", choice)).status()).isEqualTo(200);
    }
    StaffDirectory.Enrolled pat = server.confide.staff.createWithOneTimePassword("Pat Policy", "pat@confide.test",
        EnumSet.of(StaffRole.PRIVACY_OFFICER));
    BrowserFixture.Watch watch = new BrowserFixture.Watch();
    try (BrowserContext context = browser.context()) {
      Page page = BrowserFixture.watched(context, watch);
      page.navigate(base + "/staff/login");
      signIn(page, "pat@confide.test", pat, false);

      page.navigate(base + "/staff/policy");
      loaded(page, "#policy-versions");
      PlaywrightAssertions.assertThat(page.locator("#policy-verify tr").filter(new Locator.FilterOptions().setHasText("P21")))
          .containsText("yes");
      page.getByLabel("What changed").fill("Clearer wording " + SCRIPT);
      button(page, "Publish").click();
      PlaywrightAssertions.assertThat(page.locator("#publish-form .status")).containsText("published.");
      PlaywrightAssertions.assertThat(page.locator("#policy-versions td").nth(2)).hasText("Clearer wording " + SCRIPT);
      browser.check(page, "staff-policy-data");

      page.navigate(base + "/staff/disclosures");
      loaded(page, "#disclosures");
      page.getByLabel("Authority").fill("Court " + IMAGE);
      page.getByLabel("Legal basis").fill("order 12");
      page.locator("#legal-form input[name=categories]").first().check();
      page.getByLabel("Subject ids, one per line").fill(lea.id());
      page.getByLabel("Hold until (UTC)").fill("2027-06-01T00:00");
      page.getByLabel("Reason for the hold").fill("secrecy order");
      button(page, "Record the disclosure").click();
      PlaywrightAssertions.assertThat(page.locator("#legal-form .status")).hasText("Recorded, held until 1 Jun 2027, 00:00 UTC.");
      Locator legal = page.locator("#disclosures table").last().locator("tbody tr");
      PlaywrightAssertions.assertThat(legal).hasCount(1);
      PlaywrightAssertions.assertThat(legal.locator("td").first()).hasText("Court " + IMAGE);
      PlaywrightAssertions.assertThat(legal).containsText("until 1 Jun 2027");
      browser.check(page, "staff-disclosures-data");

      page.navigate(base + "/staff/analytics");
      Locator ranked = page.locator("#leaderboard tbody tr");
      PlaywrightAssertions.assertThat(ranked).hasCount(2);
      PlaywrightAssertions.assertThat(ranked.first().locator("td").nth(1)).hasText("builtin-echo");
      PlaywrightAssertions.assertThat(page.locator("#leaderboard")).containsText("3 decisions counted");
      page.waitForFunction("() => window.Chart && Chart.getChart('leaderboard-chart') !== undefined");
      browser.check(page, "staff-analytics-data");
      assertThat(page.locator("main img, main script").count()).isZero();
    }
    assertThat(watch.dialogs).as("dialogs opened by injected script").isEmpty();
    assertThat(watch.policyViolations).isEmpty();
  }

  // ---- helpers ----

  private static void setAuditAction(String seq, String action) {
    server.confide.database.jdbi().useHandle(h -> h.createUpdate("UPDATE audit_entries SET action = :a WHERE seq = :s")
        .bind("a", action).bind("s", Long.parseLong(seq)).execute());
  }

  /** Waits until the section has its answer from the API, whatever it was. */
  private static void loaded(Page page, String selector) {
    PlaywrightAssertions.assertThat(page.locator(selector)).not().hasAttribute("aria-busy", "true");
    PlaywrightAssertions.assertThat(page.locator(selector)).not().containsText("Loading");
  }

  private record Person(String id, ApiClient client) {}

  private static Person person(String name, String email) {
    ApiClient client = server.client();
    ApiClient.Response signedUp = client.signUp(name, email, PASSWORD, "1990-05-01");
    assertThat(signedUp.status()).isEqualTo(201);
    return new Person(signedUp.json().get("id").asText(), client);
  }

  /** Logs in on the log-in page with the one-time password and a TOTP code, and replaces the password. */
  private static void signIn(Page page, String email, StaffDirectory.Enrolled enrolled, boolean check) {
    if (check) {
      browser.check(page, "staff-login");
    }
    page.getByLabel("Email").fill(email);
    page.getByLabel("Password").fill(enrolled.oneTimePassword());
    page.getByLabel("Authenticator code").fill(Totp.codeAt(enrolled.totpSecret(), server.clock.instant()));
    button(page, "Log in").click();
    page.waitForURL("**/staff/password");
    PlaywrightAssertions.assertThat(page.locator("#password-required")).isVisible();
    if (check) {
      browser.check(page, "staff-password");
    }
    page.getByLabel("Current password").fill(enrolled.oneTimePassword());
    page.getByLabel("New password", new Page.GetByLabelOptions().setExact(true)).fill(STAFF_PASSWORD);
    page.getByLabel("New password again").fill(STAFF_PASSWORD);
    button(page, "Save password").click();
    page.waitForURL(Pattern.compile(".*/staff$"));
  }

  /** The privacy-request code as mailed to the person (not the code of their sign-up, mailed before it). */
  private static String mailedCode(String subject) {
    return new Mailbox(server).single(UUID.fromString(subject), "ada@example.com", "verification code").code();
  }

  private static Locator button(Page page, String name) {
    return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  private static Locator link(Page page, String name) {
    return page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name).setExact(true));
  }
}
