package dev.confide.policy;

import dev.confide.policy.Policy.AccountKinds;
import dev.confide.policy.Policy.AnalyticsCookies;
import dev.confide.policy.Policy.Breach;
import dev.confide.policy.Policy.Changes;
import dev.confide.policy.Policy.Channel;
import dev.confide.policy.Policy.Company;
import dev.confide.policy.Policy.Contacts;
import dev.confide.policy.Policy.Cookies;
import dev.confide.policy.Policy.DataCategory;
import dev.confide.policy.Policy.Defaults;
import dev.confide.policy.Policy.Dpo;
import dev.confide.policy.Policy.Hipaa;
import dev.confide.policy.Policy.Jurisdiction;
import dev.confide.policy.Policy.Processor;
import dev.confide.policy.Policy.ProcessorKind;
import dev.confide.policy.Policy.Retention;
import dev.confide.policy.Policy.RetentionRule;
import dev.confide.policy.Policy.Right;
import dev.confide.policy.Policy.Security;
import dev.confide.policy.Policy.Training;
import dev.confide.policy.Policy.TransferMechanism;
import dev.confide.policy.Policy.Transfers;
import dev.confide.policy.PolicyYaml.Mapping;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Turns a parsed policy file into a {@link Policy}: reads every section, then checks the sections
 * against each other (a processor's categories exist, the numbers the sweeps enforce agree with
 * the categories' stated retention, each promise made has what it needs in the file).
 */
final class PolicyReader {
  private static final List<String> TOP = List.of("version", "effectiveDate", "language", "company", "contacts",
      "minimumAge", "defaults", "retention", "categories", "accountKinds", "training", "processors", "transfers",
      "cookies", "jurisdictions", "breach", "security", "changes", "promises");
  private static final String KEEP = "keep";
  private static final String ACCOUNT = "account";

  private final PolicyYaml yaml;
  /** Where each category is, by id, for checks that point at it. */
  private final Map<String, Node> categoryNodes = new LinkedHashMap<>();
  private final Map<String, Node> retentionNodes = new LinkedHashMap<>();

  PolicyReader(PolicyYaml yaml) {
    this.yaml = yaml;
  }

  /** The policy, or null when the file has errors (then in {@link PolicyYaml#errors()}). */
  Policy read(Node root) {
    Mapping top = yaml.mapping(root, "", TOP);
    String version = top.text("version");
    LocalDate effectiveDate = top.get("effectiveDate", yaml::date);
    String language = top.has("language") ? top.get("language", this::language) : "en";
    Company company = company(top.mapping("company", List.of("name", "legalName", "service", "website"), true));
    Contacts contacts = contacts(top.mapping("contacts",
        List.of("privacyEmail", "postalAddress", "dpo", "hipaaEmail", "accessibilityEmail"), true));
    Integer minimumAge = top.get("minimumAge", (n, p) -> yaml.number(n, p, 13, 120, "a whole number of years from 13 to 120"));
    Defaults defaults = defaults(top.mapping("defaults", List.of("dataCollection", "dataCollectionForHipaa", "chatRetentionDays"), true));
    Retention retention = retention(top.mapping("retention",
        List.of("usageDays", "accessLogDays", "ipTruncationDays", "deletionWindowDays", "erasedPurgeDays"), true));
    List<DataCategory> categories = categories(top);
    Mapping kinds = top.mapping("accountKinds", List.of("hipaa"), true);
    Mapping hipaa = kinds.mapping("hipaa", List.of("enabled", "description"), true);
    boolean hipaaEnabled = hipaa.bool("enabled");
    AccountKinds accountKinds = new AccountKinds(new Hipaa(hipaaEnabled,
        hipaaEnabled ? hipaa.text("description") : hipaa.opt("description", yaml::text)));
    Training training = new Training(top.mapping("training", List.of("usesContent"), true).bool("usesContent"));
    Transfers transfers = transfers(top.mapping("transfers", List.of("mechanisms"), true));
    List<Processor> processors = processors(top, transfers);
    Cookies cookies = cookies(top.mapping("cookies", List.of("purposes", "analytics"), true), processors);
    List<Jurisdiction> jurisdictions = jurisdictions(top);
    Breach breach = new Breach(Objects.requireNonNullElse(top.mapping("breach", List.of("regulatorHours"), true)
        .get("regulatorHours", (n, p) -> yaml.number(n, p, 1, 720, "a whole number of hours from 1 to 720")), 0));
    Security security = new Security(top.mapping("security", List.of("measures"), false).list("measures", false, yaml::text));
    Mapping changesMapping = top.mapping("changes", List.of("channels"), true);
    Changes changes = new Changes(distinct(changesMapping, "channels", (n, p) -> yaml.choice(n, p, Channel.class)));
    checkRetentionAgreement(defaults, retention, categories);

    Policy draft = new Policy(version, effectiveDate, language, company, contacts, minimumAge == null ? 0 : minimumAge,
        defaults, retention, categories, accountKinds, training, processors, transfers, cookies, jurisdictions, breach,
        security, changes, List.of());
    List<String> promises = promises(top, draft);
    if (yaml.hasErrors()) {
      return null;
    }
    return new Policy(version, effectiveDate, language, company, contacts, minimumAge, defaults, retention, categories,
        accountKinds, training, processors, transfers, cookies, jurisdictions, breach, security, changes, promises);
  }

  private String language(Node node, String path) {
    String value = yaml.text(node, path);
    if (value != null && !value.matches("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")) {
      yaml.error(node, path + " must be a language tag such as en or en-GB");
      return null;
    }
    return value;
  }

  private Company company(Mapping m) {
    return new Company(m.text("name"), m.opt("legalName", yaml::text), m.text("service"), m.opt("website", yaml::httpsUrl));
  }

  private Contacts contacts(Mapping m) {
    Dpo dpo = null;
    if (m.has("dpo")) {
      Mapping d = m.mapping("dpo", List.of("name", "email"), true);
      dpo = new Dpo(d.text("name"), d.get("email", yaml::email));
    }
    return new Contacts(m.get("privacyEmail", yaml::email), m.opt("postalAddress", yaml::text), dpo,
        m.opt("hipaaEmail", yaml::email), m.opt("accessibilityEmail", yaml::email));
  }

  private Defaults defaults(Mapping m) {
    return new Defaults(m.bool("dataCollection"), m.bool("dataCollectionForHipaa"), m.get("chatRetentionDays", (n, p) -> {
      if (n instanceof ScalarNode s && s.getValue().equals(KEEP)) {
        return RetentionRule.KEEP;
      }
      Integer days = yaml.number(n, p, 1, PolicyYaml.MAX_DAYS, "a positive number of days or keep");
      return days == null ? null : RetentionRule.days(days);
    }));
  }

  private Retention retention(Mapping m) {
    Retention r = new Retention(m.days("usageDays"), m.days("accessLogDays"), m.days("ipTruncationDays"),
        m.days("deletionWindowDays"), m.days("erasedPurgeDays"));
    if (r.erasedPurgeDays() > r.deletionWindowDays() && r.deletionWindowDays() > 0) {
      yaml.error(m.optional("erasedPurgeDays"), m.path("erasedPurgeDays") + " (" + r.erasedPurgeDays()
          + ") must not exceed retention.deletionWindowDays (" + r.deletionWindowDays() + ")");
    }
    if (r.ipTruncationDays() > r.accessLogDays() && r.accessLogDays() > 0) {
      yaml.error(m.optional("ipTruncationDays"), m.path("ipTruncationDays") + " (" + r.ipTruncationDays()
          + ") must not exceed retention.accessLogDays (" + r.accessLogDays() + ")");
    }
    return r;
  }

  private List<DataCategory> categories(Mapping top) {
    List<DataCategory> out = new ArrayList<>();
    List<Node> items = top.nodes("categories", true);
    for (int i = 0; i < items.size(); i++) {
      Mapping m = yaml.mapping(items.get(i), "categories[" + i + "]",
          List.of("id", "name", "description", "purposes", "retention", "anonymous", "details"));
      String id = m.get("id", yaml::id);
      RetentionRule retention = m.get("retention", this::retentionRule);
      boolean anonymous = m.has("anonymous") && m.bool("anonymous");
      DataCategory c = new DataCategory(id, m.text("name"), m.text("description"), m.list("purposes", true, yaml::text),
          retention, anonymous, m.list("details", false, yaml::text));
      if (c.purposes().isEmpty() && m.optional("purposes") instanceof SequenceNode s && s.getValue().isEmpty()) {
        yaml.error(m.optional("purposes"), m.path("purposes") + " must name at least one purpose");
      }
      if (anonymous && retention != null && retention.kind() == RetentionRule.Kind.ACCOUNT) {
        yaml.error(m.optional("retention"), m.path("retention")
            + " cannot be 'account' for an anonymous category: nothing ties it to an account; use keep or a number of days");
      }
      if (id != null) {
        if (categoryNodes.containsKey(id)) {
          yaml.error(m.optional("id"), m.path("id") + " repeats category " + id + " (first at line "
              + PolicyYaml.line(categoryNodes.get(id)) + ")");
        } else {
          categoryNodes.put(id, items.get(i));
          retentionNodes.put(id, m.optional("retention"));
          out.add(c);
        }
      }
    }
    if (items.isEmpty() && top.optional("categories") instanceof SequenceNode) {
      yaml.error(top.optional("categories"), "categories must list at least one data category");
    }
    return out;
  }

  private RetentionRule retentionRule(Node node, String path) {
    if (node instanceof ScalarNode s && (s.getValue().equals(KEEP) || s.getValue().equals(ACCOUNT))) {
      return s.getValue().equals(KEEP) ? RetentionRule.KEEP : RetentionRule.WHILE_ACCOUNT;
    }
    Integer days = yaml.number(node, path, 1, PolicyYaml.MAX_DAYS, "a positive number of days, keep or account");
    return days == null ? null : RetentionRule.days(days);
  }

  private Transfers transfers(Mapping m) {
    List<TransferMechanism> mechanisms = distinct(m, "mechanisms", (n, p) -> {
      TransferMechanism t = yaml.choice(n, p, TransferMechanism.class);
      if (t == TransferMechanism.NONE) {
        yaml.error(n, p + " must be a safeguard; none is what a processor that transfers nothing says");
        return null;
      }
      return t;
    }, true);
    return new Transfers(mechanisms);
  }

  private List<Processor> processors(Mapping top, Transfers transfers) {
    List<Processor> out = new ArrayList<>();
    Map<String, Node> seen = new LinkedHashMap<>();
    List<Node> items = top.nodes("processors", true);
    for (int i = 0; i < items.size(); i++) {
      Mapping m = yaml.mapping(items.get(i), "processors[" + i + "]",
          List.of("name", "kind", "examples", "purpose", "categories", "country", "transferMechanism", "baa"));
      String name = m.text("name");
      List<String> categories = m.list("categories", true, (n, p) -> {
        String id = yaml.id(n, p);
        if (id != null && !categoryNodes.containsKey(id)) {
          yaml.error(n, p + " names data category " + id + ", which categories does not define");
          return null;
        }
        return id;
      });
      TransferMechanism mechanism = m.get("transferMechanism", (n, p) -> {
        TransferMechanism t = yaml.choice(n, p, TransferMechanism.class);
        if (t != null && t != TransferMechanism.NONE && !transfers.mechanisms().contains(t)) {
          yaml.error(n, p + " " + t.id() + " is not among transfers.mechanisms");
        }
        return t;
      });
      Processor processor = new Processor(name, m.get("kind", (n, p) -> yaml.choice(n, p, ProcessorKind.class)),
          m.list("examples", false, yaml::text), m.text("purpose"), categories, m.get("country", yaml::country), mechanism,
          m.bool("baa"));
      if (name != null && seen.containsKey(name)) {
        yaml.error(m.optional("name"), m.path("name") + " repeats processor " + PolicyYaml.shown(name) + " (first at line "
            + PolicyYaml.line(seen.get(name)) + ")");
      } else if (name != null) {
        seen.put(name, items.get(i));
        out.add(processor);
      }
    }
    return out;
  }

  private Cookies cookies(Mapping m, List<Processor> processors) {
    AnalyticsCookies analytics = null;
    if (m.has("analytics")) {
      Mapping a = m.mapping("analytics", List.of("processor", "consentRequired", "optOut"), true);
      String processor = a.get("processor", (n, p) -> {
        String name = yaml.text(n, p);
        if (name != null && processors.stream().noneMatch(x -> x.name().equals(name))) {
          yaml.error(n, p + " names processor " + PolicyYaml.shown(name) + ", which processors does not list");
        }
        return name;
      });
      analytics = new AnalyticsCookies(processor, a.bool("consentRequired"), a.text("optOut"));
    }
    return new Cookies(m.list("purposes", true, yaml::text), analytics);
  }

  private List<Jurisdiction> jurisdictions(Mapping top) {
    Mapping m = top.mapping("jurisdictions", null, true);
    List<Jurisdiction> out = new ArrayList<>();
    for (Map.Entry<String, Node> e : m.entries().entrySet()) {
      String id = yaml.id(m.key(e.getKey()), m.path(e.getKey()));
      Mapping j = yaml.mapping(e.getValue(), m.path(e.getKey()), List.of("name", "respondWithin", "extendableBy", "rights"));
      List<Right> rights = distinct(j, "rights", (n, p) -> yaml.choice(n, p, Right.class));
      if (id != null) {
        out.add(new Jurisdiction(id, j.text("name"), j.get("respondWithin", (n, p) -> yaml.period(n, p, false)),
            j.get("extendableBy", (n, p) -> yaml.period(n, p, true)), rights));
      }
    }
    if (m.entries().isEmpty() && !m.absent()) {
      yaml.error(top.optional("jurisdictions"), "jurisdictions must name at least one law, e.g. gdpr");
    }
    return out;
  }

  /** A required, non-empty list without repeats. */
  private <T> List<T> distinct(Mapping m, String key, PolicyYaml.Reader<T> reader) {
    return distinct(m, key, reader, false);
  }

  /** A required list without repeats. */
  private <T> List<T> distinct(Mapping m, String key, PolicyYaml.Reader<T> reader, boolean mayBeEmpty) {
    List<T> out = new ArrayList<>();
    List<Node> items = m.nodes(key, true);
    for (int i = 0; i < items.size(); i++) {
      String path = m.path(key) + "[" + i + "]";
      T item = reader.read(items.get(i), path);
      if (item != null && out.contains(item)) {
        yaml.error(items.get(i), path + " repeats an earlier entry");
      } else if (item != null) {
        out.add(item);
      }
    }
    if (!mayBeEmpty && items.isEmpty() && m.optional(key) instanceof SequenceNode) {
      yaml.error(m.optional(key), m.path(key) + " must not be empty");
    }
    return out;
  }

  /**
   * The sweeps enforce the numbers under {@code defaults} and {@code retention}; the categories
   * state retention to the reader. Both come from the file, so they must say the same.
   */
  private void checkRetentionAgreement(Defaults defaults, Retention retention, List<DataCategory> categories) {
    for (DataCategory c : categories) {
      Node at = retentionNodes.get(c.id());
      if (c.retention() == null || at == null) {
        continue;
      }
      switch (c.id()) {
        case "chat_history" -> {
          RetentionRule chat = defaults.chatRetention();
          boolean agrees = chat == null || (chat.kind() == RetentionRule.Kind.KEEP
              ? c.retention().kind() != RetentionRule.Kind.DAYS : c.retention().equals(chat));
          if (!agrees) {
            yaml.error(at, "chat_history's retention must match defaults.chatRetentionDays ("
                + (chat.kind() == RetentionRule.Kind.KEEP ? KEEP + " or " + ACCOUNT : chat.days()) + "), which the sweeps enforce");
          }
        }
        case "usage", "api_usage" -> requireDays(c, at, retention.usageDays(), "retention.usageDays");
        case "access_logs", "device" -> requireDays(c, at, retention.accessLogDays(), "retention.accessLogDays");
        default -> { }
      }
    }
  }

  private void requireDays(DataCategory c, Node at, int days, String source) {
    if (days > 0 && !c.retention().equals(RetentionRule.days(days))) {
      yaml.error(at, c.id() + "'s retention must match " + source + " (" + days + "), which the sweeps enforce");
    }
  }

  private List<String> promises(Mapping top, Policy draft) {
    List<String> ids = distinct(top, "promises", (n, p) -> {
      String id = yaml.text(n, p);
      if (id != null && PromiseCatalogue.find(id).isEmpty()) {
        yaml.error(n, p + " " + PolicyYaml.shown(id) + " is not a promise in the catalogue (P01 to P41)");
        return null;
      }
      return id;
    });
    List<Node> nodes = top.nodes("promises", false);
    for (Node n : nodes) {
      if (n instanceof ScalarNode s && ids.contains(s.getValue())) {
        checkNeeds(s.getValue(), n, draft);
      }
    }
    return ids;
  }

  /** What the file must contain for a promise it makes to be kept. */
  private void checkNeeds(String id, Node at, Policy p) {
    switch (id) {
      case "P01" -> needCategory(id, at, "account");
      case "P02", "P03" -> needCategory(id, at, "chat_history");
      case "P04" -> {
        needCategory(id, at, "chat_history");
        if (p.defaults().chatRetention() != null && p.defaults().chatRetention().kind() != RetentionRule.Kind.DAYS) {
          yaml.error(at, id + " needs defaults.chatRetentionDays to be a number of days, not keep");
        }
      }
      case "P05" -> {
        needCategory(id, at, "decision_data");
        p.category("decision_data").filter(c -> !c.anonymous()).ifPresent(c ->
            yaml.error(at, id + " needs the decision_data category to be anonymous: true"));
      }
      case "P06", "P10" -> needCategory(id, at, "feedback");
      case "P07" -> needCategory(id, at, "usage");
      case "P08" -> needCategory(id, at, "api_usage");
      case "P09" -> {
        needCategory(id, at, "access_logs");
        needCategory(id, at, "device");
      }
      case "P11" -> needCategory(id, at, "support_tickets");
      case "P12", "P13" -> need(p.training().usesContent(), id, at, "training.usesContent: true");
      case "P31" -> need(p.accountKinds().hipaa().enabled(), id, at, "accountKinds.hipaa.enabled: true");
      case "P36" -> need(!p.transfers().mechanisms().isEmpty(), id, at, "at least one of transfers.mechanisms");
      case "P38" -> need(p.cookies().analytics() == null || p.cookies().analytics().consentRequired(), id, at,
          "cookies.analytics.consentRequired: true");
      case "P41" -> need(p.processors().stream().anyMatch(x -> x.kind() == ProcessorKind.PAYMENT), id, at,
          "a processor of kind payment");
      default -> { }
    }
  }

  private void needCategory(String id, Node at, String category) {
    need(categoryNodes.containsKey(category), id, at, "data category " + category);
  }

  private void need(boolean present, String id, Node at, String what) {
    if (!present) {
      yaml.error(at, id + " needs " + what + ", which the file does not have");
    }
  }
}
