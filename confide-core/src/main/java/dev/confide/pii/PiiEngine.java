package dev.confide.pii;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The standard PII detector: every recognizer, context words per type, a score threshold per type, and
 * overlap resolution (the higher score wins, then the longer span). Immutable and thread-safe: build it
 * once and share it. Works offline; no model is downloaded.
 *
 * <pre>{@code
 * PiiEngine pii = PiiEngine.standard();
 * List<PiiEntity> found = pii.detect("Call Anna Berg on +44 20 7946 0958");
 * String safe = Redaction.replaceWithTypes(text, found); // "Call <PERSON> on <PHONE_NUMBER>"
 * }</pre>
 */
public final class PiiEngine implements PiiDetector {
  /** Score added when a context word for the entity's type is near it. */
  static final double CONTEXT_BOOST = 0.35;
  private static final int CONTEXT_BEFORE = 6;
  private static final int CONTEXT_AFTER = 2;

  /** Regions tried, in order, for national-format phone numbers not valid in the default region. */
  public static final List<String> PHONE_REGIONS = List.of("GB", "DE", "FR", "IT", "ES", "NL", "BE", "CH", "AT", "SE",
      "NO", "DK", "FI", "IE", "PT", "PL", "CZ", "HU", "GR", "AU", "NZ", "IN", "BR", "MX", "AR", "JP", "CN", "RU", "IL",
      "ZA", "IS", "EE", "UY", "TR");

  private static final Map<String, Double> DEFAULT_THRESHOLDS = Map.ofEntries(
      Map.entry(EntityTypes.PERSON, 0.5), Map.entry(EntityTypes.LOCATION, 0.5),
      Map.entry(EntityTypes.ORGANIZATION, 0.55), Map.entry(EntityTypes.NRP, 0.5), Map.entry(EntityTypes.TITLE, 0.5),
      Map.entry(EntityTypes.DATE_TIME, 0.5), Map.entry(EntityTypes.AGE, 0.5), Map.entry(EntityTypes.ZIP_CODE, 0.5),
      Map.entry(EntityTypes.STREET_ADDRESS, 0.5), Map.entry(EntityTypes.PHONE_NUMBER, 0.5),
      Map.entry(EntityTypes.EMAIL_ADDRESS, 0.5), Map.entry(EntityTypes.CREDIT_CARD, 0.5),
      Map.entry(EntityTypes.IBAN_CODE, 0.5), Map.entry(EntityTypes.US_SSN, 0.5),
      Map.entry(EntityTypes.US_DRIVER_LICENSE, 0.5), Map.entry(EntityTypes.IP_ADDRESS, 0.5),
      Map.entry(EntityTypes.URL, 0.5), Map.entry(EntityTypes.DOMAIN_NAME, 0.5));

  /** Words that, shortly before (or just after) a candidate, make its type more likely. */
  private static final Map<String, Set<String>> CONTEXT_WORDS = Map.of(
      EntityTypes.PHONE_NUMBER, Set.of("phone", "telephone", "tel", "call", "calling", "called", "mobile", "cell",
          "cellphone", "fax", "office", "desk", "contact", "reach", "text", "sms", "whatsapp", "dial",
          "ring", "answering", "landline", "hotline", "ext", "home", "work", "direct", "mob", "ph", "phones"),
      EntityTypes.CREDIT_CARD, Set.of("card", "credit", "debit", "visa", "mastercard", "amex", "discover", "jcb",
          "diners", "maestro", "payment", "pay", "cc", "cvv", "expiry", "charged", "billing", "cardholder"),
      EntityTypes.US_SSN, Set.of("ssn", "social", "security", "ss", "taxpayer", "tin", "itin", "ssns"),
      EntityTypes.ZIP_CODE, Set.of("zip", "postal", "postcode", "zipcode"),
      EntityTypes.DATE_TIME, Set.of("date", "dob", "born", "birthday", "birth", "time", "scheduled", "appointment",
          "deadline", "expires", "expiry", "expiration", "meeting", "since", "until", "when", "dated", "on"),
      EntityTypes.DOMAIN_NAME, Set.of("website", "site", "domain", "visit", "url", "web", "link", "homepage",
          "online", "www", "page", "blog"),
      EntityTypes.IP_ADDRESS, Set.of("ip", "server", "host", "ipv4", "ipv6", "client", "address", "gateway", "dns",
          "router", "subnet"),
      EntityTypes.AGE, Set.of("age", "aged", "old"));

  /** Phone validation data per default region, compiled once (it is immutable and shared). */
  private static final java.util.concurrent.ConcurrentHashMap<String, PhoneRecognizer> PHONES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Lexicon lexicon;
  private final List<Recognizer> recognizers;
  private final Map<String, Double> thresholds;
  private final Set<String> enabled;
  /** The score each enabled type needs to be reported: one look-up per candidate instead of two. */
  private final Map<String, Double> minScore;

  private PiiEngine(Builder b) {
    this.lexicon = b.lexicon != null ? b.lexicon : LexiconHolder.STANDARD;
    this.recognizers = List.of(new EmailRecognizer(), new WebRecognizer(), new IpRecognizer(), new CardRecognizer(),
        new IbanRecognizer(), new SsnRecognizer(), new DriverLicenseRecognizer(),
        PHONES.computeIfAbsent(b.defaultRegion, r -> new PhoneRecognizer(r, PHONE_REGIONS)), new DateTimeRecognizer(),
        new AgeRecognizer(),
        new AddressRecognizer(b.wholeAddresses), new NameRecognizer(), new ContactBlockRecognizer());
    Map<String, Double> th = new HashMap<>(DEFAULT_THRESHOLDS);
    th.putAll(b.thresholds);
    this.thresholds = Map.copyOf(th);
    Set<String> en = new HashSet<>(EntityTypes.ALL);
    en.removeAll(b.disabled);
    this.enabled = Set.copyOf(en);
    Map<String, Double> min = new HashMap<>();
    for (String type : enabled) {
      min.put(type, thresholds.getOrDefault(type, 0.5));
    }
    this.minScore = Map.copyOf(min);
  }

  /**
   * Every recognizer with default thresholds and US as the default phone region. The first call loads the
   * gazetteers and phone metadata (one to two seconds); later calls share them and take milliseconds.
   */
  public static PiiEngine standard() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The score threshold for each entity type. */
  public Map<String, Double> thresholds() {
    return thresholds;
  }

  /** The entity types this engine reports. */
  public Set<String> entityTypes() {
    return enabled;
  }

  @Override
  public List<PiiEntity> detect(String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    Text t = new Text(text, lexicon);
    Candidates c = new Candidates();
    for (Recognizer r : recognizers) {
      r.scan(t, c);
    }
    applyContext(t, c);
    return resolve(c);
  }

  private void applyContext(Text t, Candidates c) {
    for (int k = 0; k < c.size; k++) {
      if (!c.contextual[k]) {
        continue;
      }
      Set<String> words = CONTEXT_WORDS.get(c.type[k]);
      if (words == null) {
        continue;
      }
      if (hasContext(t, c.start[k], c.end[k], words)) {
        c.score[k] = Math.min(1.0, c.score[k] + CONTEXT_BOOST);
      }
    }
  }

  private static boolean hasContext(Text t, int start, int end, Set<String> words) {
    int first = t.tokenAt(start);
    int seen = 0;
    for (int k = first - 1; k >= 0 && seen < CONTEXT_BEFORE && k >= first - 4 * CONTEXT_BEFORE; k--) {
      if ((t.shape[k + 1] & Text.BLANK_LINE_BEFORE) != 0) {
        break;
      }
      if (t.kind[k] == Text.WORD) {
        seen++;
        if (words.contains(t.lower[k])) {
          return true;
        }
      }
    }
    seen = 0;
    int after = t.tokenAt(end);
    for (int k = after; k < t.n && seen < CONTEXT_AFTER && k < after + 4 * CONTEXT_AFTER; k++) {
      if ((t.shape[k] & Text.NEWLINE_BEFORE) != 0) {
        break;
      }
      if (t.kind[k] == Text.WORD) {
        seen++;
        if (words.contains(t.lower[k])) {
          return true;
        }
      }
    }
    return false;
  }

  /** Candidates above their threshold, highest score first (then longest), without overlaps, sorted by start. */
  private List<PiiEntity> resolve(Candidates c) {
    int[] order = new int[c.size];
    int m = 0;
    for (int k = 0; k < c.size; k++) {
      Double min = minScore.get(c.type[k]);
      if (min != null && c.score[k] >= min) {
        order[m++] = k;
      }
    }
    if (m == 0) {
      return List.of();
    }
    // insertion sort: candidate lists are short; larger ones fall back to a general sort
    if (m <= 64) {
      for (int x = 1; x < m; x++) {
        int v = order[x];
        int y = x - 1;
        while (y >= 0 && better(c, v, order[y])) {
          order[y + 1] = order[y];
          y--;
        }
        order[y + 1] = v;
      }
    } else {
      mergeSort(c, order, new int[m], 0, m);
    }
    List<PiiEntity> out = new ArrayList<>(Math.min(m, 16));
    // accepted spans never overlap: a few are checked one by one, many through an ordered map (log n each,
    // whatever the order they come in)
    TreeMap<Integer, Integer> taken = m > 16 ? new TreeMap<>() : null;
    int[] ts = taken == null ? new int[m] : null;
    int[] te = taken == null ? new int[m] : null;
    int accepted = 0;
    for (int x = 0; x < m; x++) {
      int k = order[x];
      int s = c.start[k];
      int e = c.end[k];
      boolean overlaps = false;
      if (taken != null) {
        Map.Entry<Integer, Integer> before = taken.floorEntry(e - 1);
        overlaps = before != null && before.getValue() > s;
      } else {
        for (int y = 0; y < accepted; y++) {
          if (ts[y] < e && s < te[y]) {
            overlaps = true;
            break;
          }
        }
      }
      if (overlaps) {
        continue;
      }
      if (taken != null) {
        taken.put(s, e);
      } else {
        ts[accepted] = s;
        te[accepted] = e;
      }
      accepted++;
      out.add(new PiiEntity(c.type[k], s, e, Math.round(c.score[k] * 100) / 100.0));
    }
    out.sort((x, y) -> Integer.compare(x.start(), y.start()));
    return Collections.unmodifiableList(out);
  }

  /** Sorts {@code order[from, to)} best first, without boxing; stable, n log n. */
  private static void mergeSort(Candidates c, int[] order, int[] tmp, int from, int to) {
    if (to - from < 2) {
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(c, order, tmp, from, mid);
    mergeSort(c, order, tmp, mid, to);
    int i = from;
    int j = mid;
    int k = from;
    while (i < mid && j < to) {
      tmp[k++] = better(c, order[j], order[i]) ? order[j++] : order[i++];
    }
    while (i < mid) {
      tmp[k++] = order[i++];
    }
    while (j < to) {
      tmp[k++] = order[j++];
    }
    System.arraycopy(tmp, from, order, from, to - from);
  }

  /** Whether candidate {@code a} wins over {@code b}: higher score, then longer, then earlier. */
  private static boolean better(Candidates c, int a, int b) {
    if (c.score[a] != c.score[b]) {
      return c.score[a] > c.score[b];
    }
    int la = c.end[a] - c.start[a];
    int lb = c.end[b] - c.start[b];
    if (la != lb) {
      return la > lb;
    }
    return c.start[a] < c.start[b];
  }

  /** Options for a non-standard engine. */
  public static final class Builder {
    private String defaultRegion = "US";
    private final Map<String, Double> thresholds = new HashMap<>();
    private final Set<String> disabled = new HashSet<>();
    private boolean wholeAddresses;
    private Lexicon lexicon;

    private Builder() {}

    /** The region (ISO 3166 code) for phone numbers written without a country code. Default US. */
    public Builder defaultRegion(String region) {
      this.defaultRegion = region;
      return this;
    }

    /** The minimum score for reporting an entity of {@code type}. */
    public Builder threshold(String type, double minScore) {
      thresholds.put(type, minScore);
      return this;
    }

    /**
     * Reports an address written over several lines as one {@code STREET_ADDRESS} span. By default the
     * street line (with whatever follows it on that line) is one span and each further line's locality,
     * region, postal code and country are reported as {@code LOCATION} and {@code ZIP_CODE}.
     */
    public Builder wholeAddresses(boolean whole) {
      this.wholeAddresses = whole;
      return this;
    }

    /** Stops reporting entities of {@code type}. */
    public Builder disable(String type) {
      disabled.add(type);
      return this;
    }

    Builder lexicon(Lexicon lexicon) {
      this.lexicon = lexicon;
      return this;
    }

    public PiiEngine build() {
      return new PiiEngine(this);
    }
  }

  /** The gazetteers, loaded once per class loader on first use. */
  private static final class LexiconHolder {
    static final Lexicon STANDARD = Gazetteers.standard();
  }
}
