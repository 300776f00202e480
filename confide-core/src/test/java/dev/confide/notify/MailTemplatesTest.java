package dev.confide.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("P37")
class MailTemplatesTest {
  private final MailTemplates templates = new MailTemplates(NotifyFixture.DEFAULTS);

  @Test
  void everyBuiltInTemplateRendersWithItsParameters() {
    Map<String, Map<String, String>> params = Map.of(
        "verification_code", Map.of("code", "123456", "minutes", "15"),
        "request_receipt", Map.of("requestType", "export", "requestId", "r-1", "receivedAt", "2026-11-02", "dueAt", "2026-12-02"),
        "breach_notice", Map.of("summary", "S", "categories", "email", "measures", "M", "advice", "A"),
        "policy_update", Map.of("version", "2", "summary", "S", "publishedOn", "2026-11-02"),
        "product_update", Map.of("title", "T", "message", "M"),
        "email_verification", Map.of("code", "12345678", "hours", "24"),
        "email_changed", Map.of("changedAt", "2 November 2026 at 10:00 UTC"));
    assertThat(params.keySet()).containsExactlyInAnyOrderElementsOf(MailTemplates.BUILT_IN);
    params.forEach((name, values) -> {
      MailTemplates.Rendered r = templates.render(name, values);
      assertThat(r.subjectLine()).isNotBlank().doesNotContain("{{");
      assertThat(r.body()).doesNotContain("{{").contains("Canary Service");
    });
  }

  @Test
  void valuesAreInsertedAsTheyAreAndNeverReadAsTemplates() {
    MailTemplates.Rendered r = templates.render("product_update",
        Map.of("title", "{{service}} $1 \\", "message", "{{code}} and {{service}} stay as typed"));
    assertThat(r.subjectLine()).isEqualTo("{{service}} $1 \\");
    assertThat(r.body()).startsWith("{{code}} and {{service}} stay as typed\n");
  }

  @Test
  void aLineBreakInAValueCannotAddAHeader() {
    MailTemplates.Rendered r = templates.render("product_update",
        Map.of("title", "Hello\r\nBcc: victim@example.com", "message", "line one\r\nline two\u0007"));
    assertThat(r.subjectLine()).isEqualTo("Hello  Bcc: victim@example.com").doesNotContain("\n").doesNotContain("\r");
    assertThat(r.body()).startsWith("line one\nline two\n");
  }

  @Test
  void aMissingParameterOrAnUnknownTemplateIsAnError() {
    assertThatThrownBy(() -> templates.render("verification_code", Map.of("code", "1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minutes");
    assertThatThrownBy(() -> templates.render("no_such", Map.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MailTemplates(Map.of("service", "X"))).isInstanceOf(IllegalArgumentException.class);
  }
}
