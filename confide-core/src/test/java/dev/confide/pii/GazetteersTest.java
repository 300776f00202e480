package dev.confide.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The gazetteers come from datafaker's bundled locale files, read offline. */
class GazetteersTest {

  @Test
  void datafakersListsAreLoadedFromTheClasspath() {
    Map<String, Set<String>> lists = Gazetteers.loadLocaleLists();
    assertThat(lists.get("first")).hasSizeGreaterThan(10_000).contains("Krisztián", "Aaron", "Иван");
    assertThat(lists.get("last")).hasSizeGreaterThan(10_000).contains("Christiansen", "Петров");
    assertThat(lists.get("city")).hasSizeGreaterThan(3_000);
    assertThat(lists.get("country")).contains("Estonia", "New Zealand");
    assertThat(lists.get("nationality")).isNotEmpty();
    assertThat(Gazetteers.commonWords()).containsKeys("the", "month", "letter").hasSizeGreaterThan(10_000);
  }

  @Test
  void theLexiconKnowsNamesPlacesAndWords() {
    Lexicon lex = Gazetteers.standard();
    assertThat(lex.flags("kevin") & Lexicon.FIRST).isNotZero();
    assertThat(lex.flags("christiansen") & Lexicon.LAST).isNotZero();
    assertThat(lex.flags("estonia") & Lexicon.COUNTRY).isNotZero();
    assertThat(lex.flags("the") & Lexicon.FUNCTION).isNotZero();
    assertThat(lex.flags("gmbh") & Lexicon.ORG_SUFFIX).isNotZero();
    assertThat(lex.phraseFlags("new zealand") & Lexicon.COUNTRY).isNotZero();
    // accents are optional when looking a name up
    assertThat(lex.flags("jose") & Lexicon.FIRST).isNotZero();
    assertThat(lex.flags("zzqxv")).isZero();
    assertThat(lex.shape.score("yefremova")).isGreaterThan(lex.shape.score("cautionary"));
  }

  @Test
  void theQuickReaderHandlesDatafakersYaml() {
    String yaml = """
        # comment
        xx:
          faker:
            name:
              first_name: [Anna, "Bo, Jr", 'O''Hara', D'Angelo]
              last_name:
                - "Smith"
                - Jones
              multi: &m [Alpha,
                Beta, "Gam]ma"]
              copy: *m
              name:
                - "#{first_name} #{last_name}"
            address:
              city: Oslo
        """;
    Map<String, List<String>> lists = DatafakerLists.read(yaml);
    assertThat(lists.get("xx.faker.name.first_name")).containsExactly("Anna", "Bo, Jr", "O'Hara", "D'Angelo");
    assertThat(lists.get("xx.faker.name.last_name")).containsExactly("Smith", "Jones");
    assertThat(lists.get("xx.faker.name.multi")).containsExactly("Alpha", "Beta", "Gam]ma");
    assertThat(lists.get("xx.faker.name.copy")).containsExactly("Alpha", "Beta", "Gam]ma");
    assertThat(lists.get("xx.faker.name.name")).containsExactly("#{first_name} #{last_name}");
    assertThat(lists).doesNotContainKey("xx.faker.address.city");
    // constructs it does not read make it hand the file to a full YAML parser
    assertThat(DatafakerLists.read("a:\n  b: |\n    text\n")).isNull();
  }
}
