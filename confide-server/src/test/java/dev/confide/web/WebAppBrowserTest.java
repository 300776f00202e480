package dev.confide.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.confide.testing.FakeUpstream;
import dev.confide.testing.Mailbox;
import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The web app in a real browser (Debian's chromium through Playwright) against a real server on
 * the embedded database, with a fake model provider that streams word by word. Every page is
 * checked with axe-core and photographed at desktop and 360 px width under target/screenshots.
 */
@Tag("P39")
class WebAppBrowserTest extends BrowserTestBase {
  private static final String PASSWORD = "a long enough passphrase";
  private static final String SCRIPT = "<script>alert(1)</script>";
  private static final String IMAGE = "\"><img src=x onerror=alert(1)>";

  private static FakeUpstream upstream;

  @BeforeAll
  static void start() throws IOException {
    upstream = new FakeUpstream().echo().delayPerWord(40);
    launch(dir -> TestServer.start(TestBackend.H2, dir, upstream.providerYaml(5000), false));
  }

  @AfterAll
  static void stopUpstream() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  @Tag("P05")
  @Tag("P06")
  @Tag("P25")
  @Tag("P27")
  void fromSignUpThroughChatCompareSettingsAndExportToTheDeletionReceipt() throws IOException {
    BrowserFixture.Watch watch = new BrowserFixture.Watch();
    try (BrowserContext context = browser.context()) {
      Page page = BrowserFixture.watched(context, watch);
      page.navigate(base + "/signup");
      browser.check(page, "signup");
      button(page, "Essential cookies only").click();
      signUp(page, "Ada Lovelace", "ada@example.com");
      page.waitForURL("**/chat");
      browser.check(page, "chat-new");

      // a streamed answer: the text grows in the page before the answer is complete
      chooseModel(page, "fake-model");
      page.evaluate("() => { window.seenLengths = new Set(); new MutationObserver(() => {"
          + " const t = document.querySelector('.streaming .message-text'); if (t) window.seenLengths.add(t.textContent.length); })"
          + ".observe(document.getElementById('transcript'), {subtree: true, childList: true, characterData: true}); }");
      page.getByLabel("Message").fill("Hello streaming world");
      page.getByLabel("Message").press("Enter");
      PlaywrightAssertions.assertThat(page.locator("#transcript article[data-message-id].message-assistant .message-text").last())
          .hasText("You said: Hello streaming world");
      assertThat(((Number) page.evaluate("() => window.seenLengths.size")).intValue()).as("partial answers shown").isGreaterThan(2);
      PlaywrightAssertions.assertThat(page.locator("#answer-live")).containsText("You said: Hello streaming world");
      PlaywrightAssertions.assertThat(page).hasURL(Pattern.compile(".*/chat/[0-9a-f-]{36}$"));
      PlaywrightAssertions.assertThat(page.locator("#chat-title")).hasText("Hello streaming world");
      browser.check(page, "chat-answer");

      // compare: blind answers side by side, the data collection note, then the decision reveals the models
      page.getByLabel("Message").fill("Which answer is better?");
      button(page, "Compare two models").click();
      PlaywrightAssertions.assertThat(page.locator("[data-answer=a]")).hasText(Pattern.compile("\\S"));
      PlaywrightAssertions.assertThat(page.locator("[data-answer=b]")).hasText(Pattern.compile("\\S"));
      PlaywrightAssertions.assertThat(page.locator("[data-reveal=a]")).isHidden();
      PlaywrightAssertions.assertThat(page.locator("#collection-note")).containsText("Data collection is on");
      PlaywrightAssertions.assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Switch data collection off")))
          .hasAttribute("href", "/privacy-center#setting-dataCollection");
      browser.check(page, "compare");
      button(page, "A is better").click();
      PlaywrightAssertions.assertThat(page.locator("#compare-status")).containsText("You chose A.");
      PlaywrightAssertions.assertThat(page.locator("[data-reveal=a]")).containsText("Model: ");
      PlaywrightAssertions.assertThat(button(page, "A is better")).hasAttribute("aria-pressed", "true");
      browser.check(page, "compare-decided");

      // thumbs up, kept across a reload
      Locator good = page.locator("#transcript [data-action=rate][data-rating=up]").first();
      good.click();
      PlaywrightAssertions.assertThat(good).hasAttribute("aria-pressed", "true");
      page.reload();
      PlaywrightAssertions.assertThat(page.locator("#transcript [data-action=rate][data-rating=up]").first()).hasAttribute("aria-pressed", "true");

      // settings
      page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Privacy center").setExact(true)).click();
      page.waitForURL("**/privacy-center");
      browser.check(page, "privacy-center");
      page.getByLabel("Save anonymous decision data when I compare answers").uncheck();
      page.getByLabel("Do not use my conversations to train models").check();
      page.getByLabel("Marketing").first().check();
      page.getByLabel("Delete chats I have not used for").selectOption("keep");
      button(page, "Save settings").click();
      PlaywrightAssertions.assertThat(page.locator("#settings-status")).hasText("Your settings are saved.");
      Map<?, ?> settings = (Map<?, ?>) page.evaluate("async () => (await fetch('/api/settings')).json()");
      assertThat(settings.get("dataCollection")).isEqualTo(false);
      assertThat(settings.get("trainingOptOut")).isEqualTo(true);
      assertThat(settings.get("chatRetentionDays")).isEqualTo("keep");
      assertThat(((Map<?, ?>) settings.get("objections")).get("marketing")).isEqualTo(true);

      // download my data: an export request, completed at once, with its archive and receipt
      button(page, "Prepare my download").click();
      Locator link = page.locator("#export-status a");
      PlaywrightAssertions.assertThat(link).hasText("Download my data (zip)");
      Download download = page.waitForDownload(link::click);
      assertThat(zipEntries(download.path())).isNotEmpty();
      Locator row = page.locator("#requests tr[data-request]");
      PlaywrightAssertions.assertThat(row).hasCount(1);
      PlaywrightAssertions.assertThat(row).containsText("Download my data");
      PlaywrightAssertions.assertThat(row).containsText("completed");
      row.locator("summary").click();
      PlaywrightAssertions.assertThat(row.locator("pre").first()).containsText("\"requestType\":\"export\"");
      browser.check(page, "privacy-center-requests");

      // delete the account: a confirmation that says what it means, then the signed receipt
      button(page, "Delete my account…").click();
      Locator dialog = page.locator("#confirm-dialog");
      PlaywrightAssertions.assertThat(dialog).isVisible();
      PlaywrightAssertions.assertThat(dialog).containsText("cannot be undone");
      browser.check(page, "delete-account-confirm");
      dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete my account")).click();
      page.waitForURL("**/account-deleted");
      PlaywrightAssertions.assertThat(page.locator("#receipt")).isVisible();
      PlaywrightAssertions.assertThat(page.locator("[data-receipt-list=erased]")).containsText("your encryption key: destroyed");
      PlaywrightAssertions.assertThat(page.locator("[data-receipt-list=kept]")).containsText("anonymized decision data");
      PlaywrightAssertions.assertThat(page.locator("[data-receipt=signature]")).not().isEmpty();
      browser.check(page, "account-deleted");
      page.navigate(base + "/chat");
      page.waitForURL("**/login");
      browser.check(page, "login");
    }
    assertThat(watch.dialogs).isEmpty();
    assertThat(watch.policyViolations).isEmpty();
  }

  @Test
  @Tag("P10")
  void editAndRegenerateMakeNewVersionsAndLogOutAndInWork() {
    BrowserFixture.Watch watch = new BrowserFixture.Watch();
    try (BrowserContext context = browser.context()) {
      Page page = BrowserFixture.watched(context, watch);
      page.navigate(base + "/signup");
      signUp(page, "Edith Editor", "edith@example.com");
      page.waitForURL("**/chat");
      chooseModel(page, "builtin-echo");
      send(page, "First try");
      answer(page).hasText("First try");

      page.locator("#transcript [data-role=user] [data-action=edit]").first().click();
      Locator editor = page.getByLabel("Edit your message");
      PlaywrightAssertions.assertThat(editor).hasValue("First try");
      editor.fill("Second try");
      button(page, "Save and ask again").click();
      answer(page).hasText("Second try");
      PlaywrightAssertions.assertThat(page.locator("#transcript [data-role=user] .versions")).hasText("Version 2 of 2");

      page.locator("#transcript [data-action=regenerate]").last().click();
      PlaywrightAssertions.assertThat(page.locator("#transcript [data-role=assistant] .versions")).hasText("Version 2 of 2");
      answer(page).hasText("Second try");

      button(page, "Log out").click();
      page.waitForURL("**/login");
      page.getByLabel("Email").fill("edith@example.com");
      page.getByLabel("Password").fill(PASSWORD);
      button(page, "Log in").click();
      page.waitForURL("**/chat");
      // the title stays the first message's; the edit made a new version of it
      PlaywrightAssertions.assertThat(page.locator("#conversation-list")).containsText("First try");
      page.navigate(base + "/chat/00000000-0000-0000-0000-000000000000");
      PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Not found");
      browser.check(page, "not-found");
    }
    assertThat(watch.dialogs).isEmpty();
    assertThat(watch.policyViolations).isEmpty();
  }

  @Test
  void scriptPayloadsAsANameAndAsMessagesAreShownAsTextAndNeverRun() {
    BrowserFixture.Watch watch = new BrowserFixture.Watch();
    try (BrowserContext context = browser.context()) {
      Page page = BrowserFixture.watched(context, watch);
      page.navigate(base + "/signup");
      signUp(page, SCRIPT, "mallory@example.com");
      page.waitForURL("**/chat");
      PlaywrightAssertions.assertThat(page.locator(".whoami-name")).hasText(SCRIPT);
      chooseModel(page, "builtin-echo");
      send(page, SCRIPT);
      answer(page).hasText(SCRIPT);
      send(page, IMAGE);
      answer(page).hasText(IMAGE);
      PlaywrightAssertions.assertThat(page.locator("#chat-title")).hasText(SCRIPT);
      page.reload();
      PlaywrightAssertions.assertThat(page.locator("#transcript .message-text").last()).hasText(IMAGE);
      PlaywrightAssertions.assertThat(page.locator("#conversation-list a").first()).hasText(SCRIPT);
      assertThat(page.locator("main img, main script, header script").count()).isZero();

      page.navigate(base + "/history?q=script");
      PlaywrightAssertions.assertThat(page.locator(".history-item a")).hasText(SCRIPT);
      assertThat(page.locator("main img, main script").count()).isZero();
      browser.check(page, "history-payloads");
    }
    assertThat(watch.dialogs).as("dialogs opened by injected script").isEmpty();
    assertThat(watch.policyViolations).isEmpty();
  }

  @Test
  void theMainFlowWorksWithTheKeyboardAlone() {
    BrowserFixture.Watch watch = new BrowserFixture.Watch();
    try (BrowserContext context = browser.context()) {
      Page page = BrowserFixture.watched(context, watch);
      page.navigate(base + "/signup");
      tabTo(page, "[data-choice=essential]");
      page.keyboard().press("Enter");
      tabTo(page, "#name");
      page.keyboard().type("Kay Board");
      tabTo(page, "#email");
      page.keyboard().type("kay@example.com");
      tabTo(page, "#password");
      page.keyboard().type(PASSWORD);
      tabTo(page, "#birthDate");
      page.keyboard().type("05011990");
      page.keyboard().press("Enter");
      page.waitForURL("**/chat");

      PlaywrightAssertions.assertThat(page.locator("#model option")).not().hasCount(1);
      tabTo(page, "#message");
      page.keyboard().type("Hello from the keyboard");
      page.keyboard().press("Enter");
      answer(page).containsText("Hello from the keyboard");

      page.keyboard().type("Compare by keyboard");
      tabTo(page, "#compare-button");
      page.keyboard().press("Enter");
      PlaywrightAssertions.assertThat(page.locator("[data-choice=b]")).isEnabled();
      tabTo(page, "[data-choice=b]");
      page.keyboard().press("Enter");
      PlaywrightAssertions.assertThat(page.locator("#compare-status")).containsText("You chose B.");

      tabTo(page, "#transcript [data-rating=up]");
      page.keyboard().press("Space");
      PlaywrightAssertions.assertThat(page.locator("#transcript [data-rating=up]").first()).hasAttribute("aria-pressed", "true");

      tabTo(page, ".site-nav a[href='/privacy-center']");
      page.keyboard().press("Enter");
      page.waitForURL("**/privacy-center");
      tabTo(page, "#setting-trainingOptOut");
      page.keyboard().press("Space");
      tabTo(page, "#settings-form button[type=submit]");
      page.keyboard().press("Enter");
      PlaywrightAssertions.assertThat(page.locator("#settings-status")).hasText("Your settings are saved.");
      java.util.UUID kay = server.confide.accounts.authenticate("kay@example.com", PASSWORD.toCharArray()).orElseThrow();
      boolean chosen = server.confide.database.jdbi().withHandle(h -> h.createQuery(
          "SELECT retention_chosen FROM subject_settings WHERE subject_id = :s").bind("s", kay).mapTo(Boolean.class).one());
      assertThat(chosen).as("saving another setting does not make today's default retention Kay's choice").isFalse();

      tabTo(page, "[data-action=delete-account]");
      page.keyboard().press("Enter");
      PlaywrightAssertions.assertThat(page.locator("#confirm-cancel")).isFocused();
      page.keyboard().press("Tab");
      PlaywrightAssertions.assertThat(page.locator("#confirm-ok")).isFocused();
      page.keyboard().press("Enter");
      page.waitForURL("**/account-deleted");
      PlaywrightAssertions.assertThat(page.locator("#receipt")).isVisible();
    }
    assertThat(watch.dialogs).isEmpty();
    assertThat(watch.policyViolations).isEmpty();
  }

  @Test
  @Tag("P24")
  @Tag("P37")
  void theAddressIsVerifiedAndChangedWithTheCodesFromTheMail() {
    BrowserFixture.Watch watch = new BrowserFixture.Watch();
    try (BrowserContext context = browser.context()) {
      Page page = BrowserFixture.watched(context, watch);
      page.navigate(base + "/signup");
      button(page, "Essential cookies only").click();
      signUp(page, "Vera Verify", "vera@example.com");
      page.waitForURL("**/chat");
      java.util.UUID vera = server.confide.accounts.findByEmail("vera@example.com").orElseThrow();
      Mailbox mailbox = new Mailbox(server);

      page.navigate(base + "/privacy-center");
      PlaywrightAssertions.assertThat(page.locator("#email-state")).hasText("Not verified");
      browser.check(page, "privacy-center-email-unverified");
      String first = mailbox.verificationCode(vera, "vera@example.com");
      page.getByLabel("Code from the e-mail").fill(first.equals("00000000") ? "11111111" : "00000000");
      button(page, "Verify").click();
      PlaywrightAssertions.assertThat(page.locator("#email-status")).containsText("Not done: The code does not match");
      PlaywrightAssertions.assertThat(page.getByLabel("Code from the e-mail")).hasAttribute("aria-invalid", "true");

      button(page, "Send a new code").click();
      PlaywrightAssertions.assertThat(page.locator("#email-status")).containsText("A new code is on its way");
      page.getByLabel("Code from the e-mail").fill(mailbox.verificationCode(vera, "vera@example.com"));
      button(page, "Verify").click();
      PlaywrightAssertions.assertThat(page.locator("#email-status")).hasText("Verified: your address is vera@example.com.");
      PlaywrightAssertions.assertThat(page.locator("#email-state")).containsText("Verified on");
      PlaywrightAssertions.assertThat(page.locator("#verify-email-form")).hasCount(0);

      page.getByLabel("New e-mail address").fill("vera.new@example.com");
      button(page, "Change my address").click();
      PlaywrightAssertions.assertThat(page.locator("#pending-email")).containsText("vera.new@example.com");
      PlaywrightAssertions.assertThat(page.locator("#current-email")).hasText("vera@example.com");
      PlaywrightAssertions.assertThat(page.getByLabel("Code from the e-mail")).isFocused();
      browser.check(page, "privacy-center-email-pending");
      page.getByLabel("Code from the e-mail").fill(mailbox.verificationCode(vera, "vera.new@example.com"));
      button(page, "Verify").click();
      PlaywrightAssertions.assertThat(page.locator("#current-email")).hasText("vera.new@example.com");
      PlaywrightAssertions.assertThat(page.locator("#pending-email")).hasCount(0);
      assertThat(mailbox.single(vera, "vera@example.com", "was changed").body()).doesNotContain("vera.new");
    }
    assertThat(watch.dialogs).isEmpty();
    assertThat(watch.policyViolations).isEmpty();
  }

  @Test
  @Tag("P34")
  void anUnderThirteenIsRefusedClearlyAndNothingIsKept() {
    try (BrowserContext context = browser.context()) {
      Page page = context.newPage();
      page.navigate(base + "/signup");
      signUp(page, "Young Person", "young@example.com", "2016-03-01");
      Locator refusal = page.locator("#underage");
      PlaywrightAssertions.assertThat(refusal).isVisible();
      PlaywrightAssertions.assertThat(refusal).isFocused();
      PlaywrightAssertions.assertThat(refusal).containsText("at least 13 years old");
      PlaywrightAssertions.assertThat(page.locator("#signup-form")).isHidden();
      PlaywrightAssertions.assertThat(page).hasURL(Pattern.compile(".*/signup$"));
      browser.check(page, "signup-underage");

      // nothing was stored: the same address signs up normally afterwards
      page.navigate(base + "/signup");
      signUp(page, "Grown Up", "young@example.com", "1990-03-01");
      page.waitForURL("**/chat");
    }
  }

  @Test
  @Tag("P03")
  void historySearchesByTitleAndDeletesOneOrAllAfterSayingWhatDeletionMeans() {
    try (BrowserContext context = browser.context()) {
      Page page = context.newPage();
      page.navigate(base + "/signup");
      signUp(page, "Hester History", "hester@example.com");
      page.waitForURL("**/chat");
      page.evaluate("""
          async (titles) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            for (const content of titles) {
              await fetch('/api/conversations', {method: 'POST', body: JSON.stringify({content, model: 'builtin-echo'}),
                headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token}});
            }
          }""", List.of("Alpha trip", "Beta budget", "Alpha recipes"));
      page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("History").setExact(true)).click();
      page.waitForURL("**/history");
      PlaywrightAssertions.assertThat(page.locator(".history-item")).hasCount(3);
      browser.check(page, "history");

      page.getByLabel("Search by title").fill("alpha");
      PlaywrightAssertions.assertThat(page.locator(".history-item")).hasCount(2);
      PlaywrightAssertions.assertThat(page.locator("#search-status")).containsText("2 chats match");

      button(page, "Delete “Alpha trip”").click();
      Locator dialog = page.locator("#confirm-dialog");
      PlaywrightAssertions.assertThat(dialog).containsText("What deletion means");
      PlaywrightAssertions.assertThat(dialog).containsText("cannot be restored");
      browser.check(page, "history-confirm");
      dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete chat")).click();
      PlaywrightAssertions.assertThat(page.locator(".history-item")).hasCount(1);
      PlaywrightAssertions.assertThat(page.locator(".history-item")).containsText("Alpha recipes");

      button(page, "Delete all chats…").click();
      PlaywrightAssertions.assertThat(dialog).containsText("Every chat in your history");
      dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cancel")).click();
      PlaywrightAssertions.assertThat(page.locator(".history-item")).hasCount(1);
      button(page, "Delete all chats…").click();
      dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete all chats")).click();
      PlaywrightAssertions.assertThat(page.locator(".history-item")).hasCount(0);
      page.getByLabel("Search by title").fill("");
      PlaywrightAssertions.assertThat(page.locator("#result-count")).containsText("0 chats");
    }
  }

  @Test
  @Tag("P38")
  void analyticsWaitForConsentAndTheChoiceFollowsTheVisitorIntoTheirSettings() {
    try (BrowserContext context = browser.context()) {
      Page page = context.newPage();
      page.navigate(base + "/signup");
      PlaywrightAssertions.assertThat(page.locator("#cookie-banner")).isVisible();
      assertThat(page.locator("meta[name=confide-analytics]").getAttribute("content")).isEqualTo("denied");
      assertThat(context.cookies()).isEmpty();
      button(page, "Allow analytics cookies").click();
      PlaywrightAssertions.assertThat(page.locator("#cookie-banner")).hasCount(0);
      assertThat(page.locator("meta[name=confide-analytics]").getAttribute("content")).isEqualTo("granted");
      signUp(page, "Connie Sent", "connie@example.com");
      page.waitForURL("**/chat");
      PlaywrightAssertions.assertThat(page.locator("#cookie-banner")).hasCount(0);
      Map<?, ?> settings = (Map<?, ?>) page.evaluate("async () => (await fetch('/api/settings')).json()");
      assertThat(settings.get("analyticsCookies")).isEqualTo(true);
    }
  }

  @Test
  @Tag("P17")
  @Tag("P38")
  void aBrowserSendingGlobalPrivacyControlNeverSeesAnalyticsAndItsOptOutIsRecorded() {
    try (BrowserContext context = browser.context(Map.of("Sec-GPC", "1"))) {
      Page page = context.newPage();
      page.navigate(base + "/signup");
      PlaywrightAssertions.assertThat(page.locator("#cookie-banner")).hasCount(0);
      assertThat(page.locator("meta[name=confide-analytics]").getAttribute("content")).isEqualTo("denied");
      signUp(page, "Gil Private", "gil@example.com");
      page.waitForURL("**/chat");
      page.navigate(base + "/privacy-center");
      PlaywrightAssertions.assertThat(page.locator("#gpc-note")).isVisible();
      PlaywrightAssertions.assertThat(page.getByLabel("Allow analytics cookies")).isDisabled();
      PlaywrightAssertions.assertThat(page.getByLabel("Allow analytics cookies")).not().isChecked();
      PlaywrightAssertions.assertThat(page.getByLabel("Do not sell or share my personal data")).isChecked();
      browser.check(page, "privacy-center-gpc");
      List<?> history = (List<?>) ((Map<?, ?>) page.evaluate("async () => (await fetch('/api/settings/history')).json()")).get("data");
      assertThat(history).anySatisfy(entry -> {
        assertThat(((Map<?, ?>) entry).get("setting")).isEqualTo("optOutOfSale");
        assertThat(((Map<?, ?>) entry).get("source")).isEqualTo("gpc");
      });
    }
  }

  // ---- helpers ----

  static Locator button(Page page, String name) {
    return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name));
  }

  private static void signUp(Page page, String name, String email) {
    signUp(page, name, email, "1990-05-01");
  }

  private static void signUp(Page page, String name, String email, String birthDate) {
    page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill(name);
    page.getByLabel("Email").fill(email);
    page.getByLabel("Password").fill(PASSWORD);
    page.getByLabel("Date of birth").fill(birthDate);
    button(page, "Create account").click();
  }

  private static void chooseModel(Page page, String model) {
    PlaywrightAssertions.assertThat(page.locator("#model option[value='" + model + "']")).hasCount(1);
    page.getByLabel("Model").selectOption(model);
  }

  private static void send(Page page, String text) {
    page.getByLabel("Message").fill(text);
    page.getByLabel("Message").press("Enter");
  }

  /** The newest answer once the server has re-rendered it (it then carries its id). */
  private static com.microsoft.playwright.assertions.LocatorAssertions answer(Page page) {
    return PlaywrightAssertions.assertThat(page.locator("#transcript article[data-message-id].message-assistant .message-text").last());
  }

  /** Presses Tab until {@code selector} has focus, and checks the focus is visible there. */
  static void tabTo(Page page, String selector) {
    for (int i = 0; i < 80; i++) {
      page.keyboard().press("Tab");
      if (Boolean.TRUE.equals(page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector))) {
        Object outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle");
        assertThat(outline).as("visible focus on " + selector).isNotEqualTo("none");
        return;
      }
    }
    fail("the keyboard never reached " + selector);
  }

  private static List<String> zipEntries(Path zip) throws IOException {
    List<String> names = new java.util.ArrayList<>();
    try (InputStream file = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(file)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        names.add(entry.getName());
      }
    }
    return names;
  }
}
