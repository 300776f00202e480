package dev.confide.pii;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Builds the {@link Lexicon} from datafaker's bundled locale files (first and last names, cities, states,
 * countries, nationalities, company suffixes, English words), read from the classpath — no network — plus
 * the small lists in {@link Vocabulary}.
 */
final class Gazetteers {
  /** datafaker's locale files with names and addresses (the {@code _XX.yml} files hold only id formats). */
  static final List<String> LOCALE_FILES = List.of("ar", "be", "bg", "by", "ca-CAT", "ca", "cs-CZ", "cs", "da-DK",
      "de-AT", "de-CH", "de", "el-GR", "en-AU", "en-CA", "en-GB", "en-IE", "en-IN", "en-MS", "en-NEP", "en-NG",
      "en-NZ", "en-PAK", "en-PH", "en-PK", "en-SG", "en-UG", "en-US", "en-ZA", "en", "es-AR", "es-MX", "es-PY", "es",
      "et", "fa", "fi-FI", "fr-CA", "fr-CH", "fr", "he", "hr", "hu", "hy", "id-ID", "id", "it", "ja", "ka", "ko", "lv",
      "mk", "nb-NO", "nl-BE", "nl", "no-NO", "pl", "pt-BR", "pt", "ro-MD", "ru-MD", "ru", "sk", "sq", "sv-SE", "sv",
      "ta-IN", "ta", "th", "tr", "uk", "uz", "vi", "zh-CN", "zh-TW");

  /** datafaker's English files with structured lists. */
  static final List<String> ENGLISH_FILES = List.of("en/name.yml", "en/address.yml", "en/country.yml",
      "en/nation.yml", "en/demographic.yml", "en/company.yml", "en/job.yml");

  private static final Set<String> AIRPORT_WORDS = Set.of("intl", "international", "airport", "regional", "municipal",
      "county", "national", "domestic", "airfield", "airstrip", "field", "aerodrome", "airbase", "apt");

  /**
   * datafaker's English word lists, and its programming languages: capitalized in chat, but naming no
   * person, place or organization.
   */
  static final List<String> ENGLISH_WORD_FILES = List.of("en/words.yml", "en/verbs.yml", "en/adjective.yml",
      "en/programming_language.yml");

  /**
   * datafaker's English files of sentences and phrases, used when the jar's directory cannot be listed
   * (every word seen there in lower case is a common English word).
   */
  static final List<String> ENGLISH_PROSE_FILES = List.of("en/quote.yml", "en/famous_last_words.yml",
      "en/hitchhikers_guide_to_the_galaxy.yml", "en/yoda.yml", "en/shakespeare.yml", "en/movie.yml",
      "en/chuck_norris.yml", "en/marketing.yml", "en/hipster.yml", "en/matz.yml", "en/greek_philosophers.yml",
      "en/book.yml", "en/educator.yml", "en/company.yml", "en/commerce.yml", "en/food.yml", "en/science.yml",
      "en/hacker.yml", "en/job.yml", "en/medical.yml", "en/disease.yml", "en/weather.yml", "en/military.yml",
      "en/music.yml", "en/app.yml", "en/construction.yml", "en/house.yml", "en/animal.yml", "en/relationship.yml",
      "en/emotion.yml", "en/hobby.yml", "en/restaurant.yml", "en/appliance.yml", "en/computer.yml", "en/device.yml",
      "en/vehicle.yml", "en/location.yml", "en/mood.yml", "en/observation.yml", "en/financial_terms.yml",
      "en/joke.yml", "en/measurement.yml", "en/show.yml", "en/largelanguagemodel.yml");

  private Gazetteers() {}

  /** The standard lexicon. Takes one to two seconds (about 90 YAML files are read); build once and share. */
  static Lexicon standard() {
    Lexicon.Builder b = new Lexicon.Builder();
    java.util.concurrent.CompletableFuture<Map<String, Integer>> commonF =
        java.util.concurrent.CompletableFuture.supplyAsync(Gazetteers::commonWords);
    java.util.concurrent.CompletableFuture<Set<String>> placesF =
        java.util.concurrent.CompletableFuture.supplyAsync(Gazetteers::extraPlaces);
    Map<String, Set<String>> lists = loadLocaleLists();
    Map<String, Integer> common = commonF.join();
    Set<String> extraPlaces = placesF.join();

    b.addAll(Vocabulary.FUNCTION_WORDS, Lexicon.FUNCTION | Lexicon.COMMON);
    b.addAll(Vocabulary.NATIONALITIES, Lexicon.NRP);

    b.addAll(clean(lists.get("first")), Lexicon.FIRST);
    b.addAll(clean(lists.get("last")), Lexicon.LAST);
    b.addAll(clean(lists.get("city")), Lexicon.CITY);
    Set<String> names = new HashSet<>();
    for (String n : lists.getOrDefault("first", Set.of())) {
      names.add(n.toLowerCase(Locale.ROOT));
    }
    for (String place : extraPlaces) {
      // Places named like people ("Logan", "Alexander") stay names only.
      if (!names.contains(place.toLowerCase(Locale.ROOT))) {
        b.add(place, Lexicon.CITY);
      }
    }
    b.addAll(clean(lists.get("state")), Lexicon.STATE);
    b.addAll(clean(lists.get("country")), Lexicon.COUNTRY);
    for (String abbr : lists.getOrDefault("state_abbr", Set.of())) {
      if (abbr.length() >= 2 && abbr.length() <= 3 && abbr.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
        b.add(abbr, Lexicon.STATE_ABBR);
      }
    }
    for (String code : lists.getOrDefault("country_code", Set.of())) {
      if (code.length() == 2 && code.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
        b.add(code, Lexicon.COUNTRY_CODE);
      }
    }
    b.addAll(clean(lists.get("nationality")), Lexicon.NRP);
    b.addAll(Vocabulary.RELIGIOUS_AND_POLITICAL_GROUPS, Lexicon.NRP);
    for (String s : lists.getOrDefault("company_suffix", Set.of())) {
      if (s.length() <= 12) {
        b.add(s, Lexicon.ORG_SUFFIX);
      }
    }
    b.addAll(Vocabulary.ORG_LEGAL_SUFFIXES, Lexicon.ORG_SUFFIX);
    b.addAll(Vocabulary.ORG_HEAD_WORDS, Lexicon.ORG_WORD);
    b.addAll(Vocabulary.HONORIFICS, Lexicon.HONORIFIC);
    b.addAll(Vocabulary.ABBREVIATED_HONORIFICS, Lexicon.HONORIFIC | Lexicon.ABBR_HONORIFIC);
    b.addAll(Vocabulary.JOB_HEADS, Lexicon.JOB);
    for (String s : lists.getOrDefault("job", Set.of())) {
      if (s.indexOf(' ') < 0 && isLatin(s)) {
        b.add(s, Lexicon.JOB);
      }
    }
    for (String s : lists.getOrDefault("job_modifier", Set.of())) {
      if (s.indexOf(' ') < 0 && isLatin(s)) {
        b.add(s, Lexicon.JOB_MODIFIER);
      }
    }
    b.addAll(Vocabulary.NAME_PARTICLES, Lexicon.PARTICLE);
    // the most frequent English words go into the lexicon's small first-level table
    common.entrySet().stream().sorted((x, y) -> Integer.compare(y.getValue(), x.getValue())).limit(3000)
        .forEach(e -> b.hot(List.of(e.getKey())));
    // English words seen in lower case in datafaker's sentences; a name or place needs two sightings.
    for (Map.Entry<String, Integer> e : common.entrySet()) {
      int f = b.flagsOf(e.getKey());
      if (e.getValue() >= 2 || (f & (Lexicon.NAME | Lexicon.PLACE | Lexicon.NRP)) == 0) {
        b.add(e.getKey(), Lexicon.COMMON);
      }
    }
    b.addAll(Vocabulary.STREET_TYPES, Lexicon.STREET_TYPE | Lexicon.STREET_STRONG);
    b.addAll(Vocabulary.ADDRESS_CUES, Lexicon.ADDRESS_CUE);
    b.addAll(Vocabulary.POSTAL_LABELS, Lexicon.POSTAL_LABEL);
    b.addAll(Vocabulary.LICENSE_CUES, Lexicon.LICENSE_CUE);
    for (String s : lists.getOrDefault("street_suffix_en", Set.of())) {
      b.add(s, Lexicon.STREET_TYPE);
    }
    b.addAll(Vocabulary.STREET_PREFIXES, Lexicon.STREET_PREFIX);
    for (String s : lists.getOrDefault("street_prefix", Set.of())) {
      if (s.indexOf(' ') < 0 && s.indexOf(',') < 0) {
        b.add(s, Lexicon.STREET_PREFIX);
      }
    }
    b.addAll(Vocabulary.UNIT_WORDS, Lexicon.UNIT);
    b.addAll(Vocabulary.MONTHS, Lexicon.MONTH);
    b.addAll(Vocabulary.WEEKDAYS, Lexicon.WEEKDAY);
    b.addAll(Vocabulary.PLACE_PREFIXES, Lexicon.PLACE_PREFIX);
    b.addAll(Vocabulary.LABEL_WORDS, Lexicon.LABEL);
    // Words of a few letters that the lists call names or places but that read as words or abbreviations.
    for (String w : Vocabulary.FUNCTION_WORDS) {
      if (!w.equals("will") && !w.equals("may")) {
        b.remove(w, Lexicon.FIRST | Lexicon.LAST | Lexicon.CITY | Lexicon.STATE | Lexicon.COUNTRY);
      }
    }
    return b.build();
  }

  // ---- datafaker locale files -------------------------------------------------------------------

  /** List name (first, last, city, ...) to entries, across all locales. */
  static Map<String, Set<String>> loadLocaleLists() {
    Map<String, Set<String>> out = new ConcurrentHashMap<>();
    List<String> files = new ArrayList<>();
    for (String l : LOCALE_FILES) {
      files.add(l + ".yml");
    }
    files.addAll(ENGLISH_FILES);
    files.parallelStream().forEach(f -> {
      Map<String, List<String>> m = load(f);
      if (m.isEmpty()) {
        return;
      }
      String locale = f.startsWith("en/") ? "en" : f.substring(0, f.length() - 4);
      String faker = locale + ".faker.";
      boolean english = f.startsWith("en");
      collect(out, m, faker + "name", Map.of("first_name", "first", "male_first_name", "first", "female_first_name",
          "first", "man_first_name", "first", "woman_first_name", "first", "female_english_name", "first",
          "male_english_name", "first", "male_middle_name", "first", "female_middle_name", "first"));
      collect(out, m, faker + "name", Map.of("last_name", "last", "male_last_name", "last", "female_last_name", "last",
          "man_last_name", "last", "woman_last_name", "last", "last_name_base", "last"));
      collect(out, m, faker + "address", Map.of("city", "city", "city_name", "city", "cities", "city", "city_names",
          "city", "municipality", "city", "suburb", "city", "village", "city", "community", "city", "district_names",
          "city", "lga", "city"));
      collect(out, m, faker + "address", Map.of("state", "state", "county", "state", "province", "state", "region",
          "state", "state_abbr", "state_abbr"));
      collect(out, m, faker + "address", Map.of("country", "country", "default_country", "country", "country_code",
          "country_code"));
      collect(out, m, faker + "address", Map.of("street_prefix", "street_prefix"));
      if (english) {
        collect(out, m, faker + "address", Map.of("street_suffix", "street_suffix_en"));
      }
      collect(out, m, faker + "country", Map.of("name", "country", "capital", "city"));
      collect(out, m, faker + "nation", Map.of("capital_city", "city", "nationality", "nationality", "language",
          "nationality"));
      collect(out, m, faker + "demographic", Map.of("demonym", "nationality"));
      collect(out, m, faker + "company", Map.of("suffix", "company_suffix", "legal_form", "company_suffix",
          "profession", "job"));
      collect(out, m, faker + "job", Map.of("position", "job", "seniority", "job_modifier", "field", "job_modifier"));
    });
    return out;
  }

  private static void collect(Map<String, Set<String>> out, Map<String, List<String>> lists, String section,
      Map<String, String> keys) {
    for (Map.Entry<String, String> k : keys.entrySet()) {
      List<String> list = lists.get(section + "." + k.getKey());
      if (list == null) {
        continue;
      }
      Set<String> target = out.computeIfAbsent(k.getValue(), x -> ConcurrentHashMap.newKeySet());
      for (String str : list) {
        if (!str.contains("#") && !str.isBlank()) {
          target.add(str.strip());
        }
      }
    }
  }

  /**
   * Every list in a datafaker YAML file by its dotted key path, read with {@link DatafakerLists} or, for
   * files it cannot read, with SnakeYAML. Empty when the file is missing.
   */
  static Map<String, List<String>> load(String resource) {
    String content;
    try (InputStream in = open(resource)) {
      if (in == null) {
        return Map.of();
      }
      content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, List<String>> quick = DatafakerLists.read(content);
    if (quick != null) {
      return quick;
    }
    Map<String, List<String>> out = new HashMap<>();
    try {
      LoaderOptions options = new LoaderOptions();
      options.setCodePointLimit(16 * 1024 * 1024);
      flatten(new Yaml(new SafeConstructor(options)).load(content), "", out);
    } catch (RuntimeException e) {
      // a malformed file only costs its entries
    }
    return out;
  }

  private static void flatten(Object node, String path, Map<String, List<String>> out) {
    if (node instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        flatten(e.getValue(), path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey(), out);
      }
    } else if (node instanceof List<?> l) {
      List<String> items = new ArrayList<>();
      for (Object o : l) {
        if (o instanceof String str) {
          items.add(str);
        }
      }
      out.put(path, items);
    }
  }

  /** A resource from datafaker's jar, preferred over any same-named resource elsewhere on the classpath. */
  static InputStream open(String resource) throws IOException {
    ClassLoader cl = Gazetteers.class.getClassLoader();
    Enumeration<URL> urls = cl.getResources(resource);
    URL first = null;
    while (urls.hasMoreElements()) {
      URL u = urls.nextElement();
      if (first == null) {
        first = u;
      }
      if (u.toString().contains("datafaker")) {
        return u.openStream();
      }
    }
    return first == null ? null : first.openStream();
  }

  /**
   * City names taken from datafaker's airport names ("Miami Intl" gives Miami), university places and US
   * county names.
   */
  static Set<String> extraPlaces() {
    Set<String> out = new HashSet<>();
    for (String airport : load("en/aviation.yml").getOrDefault("en.faker.aviation.airport_name", List.of())) {
      String[] parts = airport.strip().split("\\s+");
      int end = parts.length;
      while (end > 0 && AIRPORT_WORDS.contains(parts[end - 1].toLowerCase(Locale.ROOT))) {
        end--;
      }
      if (end == parts.length || end == 0 || end > 2) {
        continue; // no airport word to strip, or more than a short place name left
      }
      String place = String.join(" ", java.util.Arrays.copyOf(parts, end));
      if (place.chars().allMatch(c -> Character.isLetter(c) || c == ' ' || c == '-') && Character.isUpperCase(place.charAt(0))) {
        out.add(place);
      }
    }
    out.addAll(load("en/university.yml").getOrDefault("en.faker.university.place", List.of()));
    for (Map.Entry<String, List<String>> e : load("_US.yml").entrySet()) {
      if (e.getKey().startsWith("_US.faker.address.county_by_postcode.")) {
        out.addAll(e.getValue());
      }
    }
    return clean(out);
  }

  /** Entries that can name something: no digits, not too short, not placeholders. */
  private static Set<String> clean(Set<String> entries) {
    Set<String> out = new HashSet<>();
    if (entries == null) {
      return out;
    }
    for (String e : entries) {
      if (e.length() < 2 || e.length() > 50) {
        continue;
      }
      boolean ok = true;
      for (int i = 0; i < e.length(); i++) {
        char c = e.charAt(i);
        if (Character.isDigit(c) || c == '(' || c == ')' || c == '/' || c == '@') {
          ok = false;
          break;
        }
      }
      if (ok) {
        out.add(e);
      }
    }
    return out;
  }

  private static boolean isLatin(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.UnicodeScript.of(s.charAt(i)) != Character.UnicodeScript.LATIN) {
        return false;
      }
    }
    return true;
  }

  /** English words: datafaker's word lists plus every word its English sentences use in lower case. */
  static Map<String, Integer> commonWords() {
    Set<String> words = ConcurrentHashMap.newKeySet();
    Set<String> technical = ConcurrentHashMap.newKeySet();
    ENGLISH_WORD_FILES.parallelStream().forEach(f -> {
      // dictionary words count as seen twice; technical names ("Python", "Ruby") once, so that a name or
      // place among them ("Ruby", "Julia") keeps being a name
      Set<String> target = f.startsWith("en/words") || f.startsWith("en/verbs") || f.startsWith("en/adjective")
          ? words : technical;
      for (List<String> list : load(f).values()) {
        for (String w : list) {
          if (w.indexOf(' ') < 0) {
            target.add(w.toLowerCase(Locale.ROOT));
          }
        }
      }
    });
    Map<String, int[]> counts = new ConcurrentHashMap<>();
    englishFiles().parallelStream().forEach(f -> {
      String content;
      try (InputStream in = open(f)) {
        if (in == null) {
          return;
        }
        content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return;
      }
      Map<String, Integer> local = new HashMap<>();
      for (String line : content.split("\n")) {
        String l = line.strip();
        if (l.startsWith("- ") && spaces(l) >= 3) {
          proseWords(l, local); // phrases and sentences only, not keys or single items
        }
      }
      local.forEach((w, c) -> counts.computeIfAbsent(w, k -> new int[1])[0] += c);
    });
    Map<String, Integer> out = new HashMap<>();
    for (String w : technical) {
      out.put(w, 1);
    }
    for (String w : words) {
      out.put(w, 2);
    }
    counts.forEach((w, c) -> out.merge(w, c[0], Integer::sum));
    return out;
  }

  /** Counts the all-lower-case words of a sentence, skipping parts of addresses, handles and URLs. */
  static void proseWords(String line, Map<String, Integer> counts) {
    int n = line.length();
    int i = 0;
    while (i < n) {
      char c = line.charAt(i);
      if (!Character.isLetter(c)) {
        i++;
        continue;
      }
      int j = i;
      boolean lower = true;
      while (j < n && Character.isLetter(line.charAt(j))) {
        if (!Character.isLowerCase(line.charAt(j))) {
          lower = false;
        }
        j++;
      }
      char before = i > 0 ? line.charAt(i - 1) : ' ';
      char after = j < n ? line.charAt(j) : ' ';
      boolean embedded = "'’@./_#-".indexOf(before) >= 0 || "@/_".indexOf(after) >= 0;
      if (lower && !embedded && (j - i > 1 || c == 'a' || c == 'i')) {
        counts.merge(line.substring(i, j), 1, Integer::sum);
      }
      i = j;
    }
  }

  private static int spaces(String l) {
    int n = 0;
    for (int i = 0; i < l.length(); i++) {
      if (l.charAt(i) == ' ') {
        n++;
      }
    }
    return n;
  }

  /** Every {@code en/*.yml} file in datafaker's jar except names and addresses; the fixed list if it can't be listed. */
  static List<String> englishFiles() {
    try {
      URL url = Gazetteers.class.getClassLoader().getResource("en/name.yml");
      java.util.Enumeration<URL> all = Gazetteers.class.getClassLoader().getResources("en/name.yml");
      while (all.hasMoreElements()) {
        URL u = all.nextElement();
        if (u.toString().contains("datafaker")) {
          url = u;
        }
      }
      if (url != null && url.openConnection() instanceof java.net.JarURLConnection jar) {
        jar.setUseCaches(false);
        List<String> out = new ArrayList<>();
        try (java.util.jar.JarFile file = jar.getJarFile()) {
          file.stream().map(java.util.zip.ZipEntry::getName)
              .filter(n -> n.startsWith("en/") && n.endsWith(".yml") && n.indexOf('/', 3) < 0)
              .filter(n -> !n.equals("en/name.yml") && !n.equals("en/address.yml"))
              .forEach(out::add);
        }
        if (out.size() > 50) {
          return out;
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall back to the fixed list
    }
    return ENGLISH_PROSE_FILES;
  }

}
