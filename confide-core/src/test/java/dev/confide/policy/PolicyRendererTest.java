package dev.confide.policy;

import static dev.confide.policy.CustomPolicy.replaced;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class PolicyRendererTest {
  private static final List<VersionEntry> HISTORY = List.of(
      new VersionEntry("2024-06-01", LocalDate.of(2024, 6, 1), "First version"),
      new VersionEntry("2025-01-01", LocalDate.of(2025, 1, 1), "Decision data & HIPAA accounts"));

  @Test
  void theInfuzuPolicyCarriesItsNumbersContactsAndProcessors() {
    String md = PolicyRenderer.markdown(PolicyLoader.load("infuzu"));

    assertThat(md).startsWith("# Privacy Policy — Infuzu\n\nVersion 2025-01-01, effective January 1, 2025\n")
        .contains("deleted after 90 days without activity", "up to 730 days (2 years)", "within 30 days",
            "shortened to their network part after 30 days", "within 72 hours", "We answer within 1 month",
            "up to 2 months more", "We answer within 45 days", "under 13", "[privacy@infuzu.com](<mailto:privacy@infuzu.com>)",
            "hipaa@infuzu.com", "accessibility@infuzu.com", "| Stripe |", "United States (US)", "Data Privacy Framework",
            "Data collection is on by default, and off by default for HIPAA accounts",
            "All cookies are encrypted with AES-256 under keys rotated daily", "We never sell your personal data",
            "Install the Google Analytics opt-out browser add-on.", "Limit the use of your sensitive personal data")
        .doesNotContain("opt out of the use of your content for model training", "## Version history");
  }

  @Test
  void theLumisPolicyCarriesItsOwnDifferentPromises() {
    String md = PolicyRenderer.markdown(PolicyLoader.load("lumis"));

    assertThat(md).contains("Privacy Policy — Lumis", "You can opt out at any time in your account settings",
            "apply differential privacy", "(for example AWS, Google Cloud)", "Standard contractual clauses", "Adequacy decision",
            "We do not offer HIPAA accounts", "only after you agree to them", "Employee security training and background checks.",
            "on our website, by e-mail and in the app", "until you delete it or your account")
        .doesNotContain("## Decision data", "keys rotated daily", "We never sell");
  }

  @Test
  @Tag("P04")
  void changingTheChatRetentionInTheFileChangesThePolicyText() {
    String yaml = replaced(PolicyLoader.presetYaml("infuzu"), "chatRetentionDays: 90", "chatRetentionDays: 45");
    Policy p = PolicyLoader.parse(replaced(yaml, "retention: 90", "retention: 45"), "infuzu-custom.yaml");

    for (String text : List.of(PolicyRenderer.markdown(p), PolicyRenderer.html(p, HISTORY))) {
      assertThat(text).contains("deleted after 45 days without activity").doesNotContain("90");
    }
  }

  @Test
  @Tag("P07") @Tag("P09") @Tag("P30") @Tag("P32") @Tag("P33") @Tag("P34")
  void aCustomFilesNumbersAreTheOnesRendered() {
    String md = PolicyRenderer.markdown(CustomPolicy.load());

    assertThat(md).contains("# Privacy Policy — Acme Chat", "up to 400 days", "up to 200 days", "after 7 days",
        "securely deleted within 14 days", "purged within 3 days", "within 48 hours", "We answer within 30 days of receiving your request.",
        "under 16", "Germany (DE)", "none needed (no transfer)", "Your data is not transferred to other countries.",
        "We use no analytics cookies.", "We announce significant changes by e-mail.")
        .doesNotContain("730", "72 hours", "under 13", "HIPAA BAA");
  }

  @Test
  @Tag("P05") @Tag("P31")
  void decisionDataDefaultsComeFromTheFile() {
    String yaml = replaced(PolicyLoader.presetYaml("infuzu"), "dataCollection: true", "dataCollection: false");
    Policy p = PolicyLoader.parse(replaced(yaml, "dataCollectionForHipaa: false", "dataCollectionForHipaa: true"), "x.yaml");

    assertThat(p.defaults().dataCollection()).isFalse();
    assertThat(p.defaults().dataCollectionForHipaa()).isTrue();
    assertThat(PolicyRenderer.markdown(p)).contains("Data collection is off by default, and on by default for HIPAA accounts.",
        "For HIPAA accounts, decision data collection is on by default");
  }

  @Test
  void theHtmlPageIsCompleteSemanticAndFreeOfScriptsAndStyles() {
    String html = PolicyRenderer.html(PolicyLoader.load("lumis"), HISTORY);

    assertThat(html).startsWith("<!DOCTYPE html>\n<html lang=\"en\">").endsWith("</html>\n")
        .contains("<meta charset=\"utf-8\">", "<title>Privacy Policy — Lumis</title>", "<main>", "<nav aria-labelledby=\"contents\">",
            "<section aria-labelledby=\"rights\">\n<h2 id=\"rights\">Your privacy rights</h2>", "<th scope=\"col\">Safeguard</th>",
            "<a href=\"mailto:privacy@lumis.example\">privacy@lumis.example</a>")
        .doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<style").doesNotContainIgnoringCase("style=")
        .doesNotContainIgnoringCase("javascript:").doesNotContainPattern("\\son[a-z]+=");
    assertThat(count(html, "<h1>")).isOne();
    assertThat(count(html, "<section ")).isEqualTo(count(html, "<li><a href=\"#"));
  }

  @Test
  void theVersionHistoryListsEveryEntryEscaped() {
    String html = PolicyRenderer.html(PolicyLoader.load("infuzu"), HISTORY);
    String md = PolicyRenderer.markdown(PolicyLoader.load("infuzu"), HISTORY);

    assertThat(html).contains("<h2 id=\"history\">Version history</h2>",
        "<tr><th scope=\"row\">2024-06-01</th><td>June 1, 2024</td><td>First version</td></tr>",
        "<td>Decision data &amp; HIPAA accounts</td>", "Every version is listed under Version history.");
    assertThat(md).contains("## Version history", "| 2025-01-01 | January 1, 2025 | Decision data & HIPAA accounts |");
    assertThat(PolicyRenderer.html(PolicyLoader.load("infuzu"), List.of())).contains("This is the first version.");
  }

  @Test
  void everyValueFromTheFileIsEscaped() {
    String yaml = CustomPolicy.with("name: Acme Chat", "name: \"<script>alert('x')</script>\"");
    yaml = replaced(yaml, "description: Your conversations.", "description: \"Chats <img src=x onerror=alert(1)> & \\\"quotes\\\"\"");
    yaml = replaced(yaml, "purposes: [Billing]", "purposes: [\"Billing | <b>bold</b> *stars* [link](http://x.test)\"]");
    Policy p = PolicyLoader.parse(yaml, "hostile.yaml");
    List<VersionEntry> history = List.of(new VersionEntry("<v>", LocalDate.of(2026, 3, 1), "<script>bad()</script>"));

    String html = PolicyRenderer.html(p, history);
    String md = PolicyRenderer.markdown(p, history);

    assertThat(html).doesNotContain("<script", "<img", "<b>")
        .contains("<title>Privacy Policy — &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</title>",
            "Chats &lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;", "&lt;script&gt;bad()&lt;/script&gt;");
    // in Markdown every < from the file is escaped; the only bare ones open our own link targets, "(<mailto:"
    assertThat(md).doesNotContainPattern("(?<![\\\\(])<").doesNotContain("[link](")
        .contains("\\<script\\>", "Billing \\| \\<b\\>bold\\</b\\> \\*stars\\* \\[link\\](http://x.test)");
  }

  private static int count(String text, String needle) {
    Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
