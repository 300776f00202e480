package dev.confide.web;

import static dev.confide.web.WebAppBrowserTest.button;
import static dev.confide.web.WebAppBrowserTest.tabTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.confide.identity.StaffRole;
import dev.confide.notify.NoticeKind;
import dev.confide.testing.ApiClient;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Notices that must be acknowledged, in a real browser: a significant policy version published
 * through the staff API and a breach notice stand in front of every page until the person
 * confirms them, and the privacy center keeps the list. A server of its own, because publishing a
 * significant version reaches every account on it.
 */
@Tag("P33")
@Tag("P35")
@Tag("P39")
class NoticesBrowserTest extends BrowserTestBase {
  private static final String PASSWORD = "a long enough passphrase";
  private static final String SCRIPT = "<script>alert(1)</script>";
  private static final String SUMMARY = "We now keep server logs for 14 days.\nThe new policy is at /privacy.";


  @BeforeAll
  static void start() {
    launch(dir -> TestServer.start(TestBackend.H2, dir));
  }

  @Test
  void pendingNoticesLeadEveryPageUntilAcknowledgedByKeyboardAndStayListedInThePrivacyCenter() {
    ApiClient nora = server.client();
    UUID subject = UUID.fromString(nora.signUp("Nora Notice", "nora@example.com", PASSWORD, "1990-02-01").json().get("id").asText());
    ApiClient officer = server.staffClient("officer@confide.test", StaffRole.PRIVACY_OFFICER);
    ApiClient.Response published = officer.post("/api/admin/policy/versions", Map.of("summary", SUMMARY, "significant", true));
    assertThat(published.status()).as(published.text()).isEqualTo(201);
    String breach = server.confide.notices.post(subject, NoticeKind.BREACH_NOTICE, "Incident " + SCRIPT,
        "Your exports were exposed " + SCRIPT + "\nWhat we did: rotated every key.", true).toString();
    String policy = policyNotice(nora.get("/api/notices").json());

    BrowserFixture.Watch watch = new BrowserFixture.Watch();
    try (BrowserContext context = browser.context()) {
      Page page = BrowserFixture.watched(context, watch);
      page.navigate(base + "/login");
      button(page, "Essential cookies only").click();
      page.getByLabel("Email").fill("nora@example.com");
      page.getByLabel("Password").fill(PASSWORD);
      button(page, "Log in").click();
      page.waitForURL("**/chat");

      Locator region = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Please read before you go on"));
      PlaywrightAssertions.assertThat(region).isVisible();
      PlaywrightAssertions.assertThat(region.locator("[data-notice]")).hasCount(2);
      Locator policyNotice = notice(page, policy);
      PlaywrightAssertions.assertThat(policyNotice.locator("h3")).containsText("Our privacy policy has changed");
      PlaywrightAssertions.assertThat(policyNotice).containsText("Privacy policy update");
      assertThat(policyNotice.locator(".notice-body").innerText()).as("line breaks kept").isEqualTo(SUMMARY);
      Locator breachNotice = notice(page, breach);
      PlaywrightAssertions.assertThat(breachNotice.locator("h3")).hasText("Incident " + SCRIPT);
      PlaywrightAssertions.assertThat(breachNotice.locator(".notice-body")).containsText("exposed " + SCRIPT);
      assertThat(page.locator("main script").count()).isZero();
      browser.check(page, "notices-chat");

      // by keyboard: confirm the policy notice; focus moves on to the one left, and the live region says so
      tabTo(page, "[data-action=ack-notice][data-id='" + policy + "']");
      page.keyboard().press("Enter");
      PlaywrightAssertions.assertThat(notice(page, policy)).hasCount(0);
      PlaywrightAssertions.assertThat(breachNotice.locator("h3")).isFocused();
      PlaywrightAssertions.assertThat(page.locator("#announcer")).containsText("Notice acknowledged: Our privacy policy has changed");
      page.reload();
      PlaywrightAssertions.assertThat(region.locator("[data-notice]")).hasCount(1);
      PlaywrightAssertions.assertThat(notice(page, policy)).hasCount(0);

      // the privacy center lists both: one acknowledged with its date, one still waiting
      page.navigate(base + "/history");
      PlaywrightAssertions.assertThat(notice(page, breach)).isVisible();
      page.navigate(base + "/privacy-center");
      Locator listed = page.locator("#notice-list [data-notice-item='" + policy + "']");
      PlaywrightAssertions.assertThat(listed).containsText(Pattern.compile("Acknowledged on \\d{1,2} \\w{3} \\d{4}"));
      PlaywrightAssertions.assertThat(listed.locator(".notice-body")).hasText(SUMMARY);
      Locator waiting = page.locator("#notice-list [data-notice-item='" + breach + "']");
      PlaywrightAssertions.assertThat(waiting).containsText("Not acknowledged yet");
      PlaywrightAssertions.assertThat(waiting.locator("h3")).hasText("Incident " + SCRIPT);
      browser.check(page, "notices-privacy-center");

      tabTo(page, "[data-action=ack-notice][data-id='" + breach + "']");
      page.keyboard().press("Space");
      PlaywrightAssertions.assertThat(region).hasCount(0);
      PlaywrightAssertions.assertThat(page.locator("#main")).isFocused();
      PlaywrightAssertions.assertThat(waiting).containsText("Acknowledged on");
      page.reload();
      PlaywrightAssertions.assertThat(page.locator("#notice-list .notice-item")).hasCount(2);
      PlaywrightAssertions.assertThat(page.locator("#pending-notices")).hasCount(0);
      page.navigate(base + "/chat");
      PlaywrightAssertions.assertThat(page.locator("#pending-notices")).hasCount(0);
    }
    assertThat(nora.get("/api/notices").json().get("pendingAcknowledgement").asInt()).isZero();
    assertThat(watch.dialogs).as("dialogs opened by injected script").isEmpty();
    assertThat(watch.policyViolations).isEmpty();
  }

  private static String policyNotice(JsonNode notices) {
    for (JsonNode notice : notices.get("data")) {
      if (notice.get("kind").asText().equals("policy_update")) {
        return notice.get("id").asText();
      }
    }
    throw new AssertionError("no policy notice in " + notices);
  }

  private static Locator notice(Page page, String id) {
    return page.locator("#pending-notices [data-notice='" + id + "']");
  }
}
