package dev.confide.policy;

import dev.confide.policy.Policy.Channel;
import dev.confide.policy.Policy.DataCategory;
import dev.confide.policy.Policy.Jurisdiction;
import dev.confide.policy.Policy.Processor;
import dev.confide.policy.Policy.RetentionRule;
import dev.confide.policy.Policy.Right;
import dev.confide.policy.Policy.TransferMechanism;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The words of the human-readable policy, built from the policy file alone: every number, name and
 * address comes from the {@link Policy}, and a statement tied to a promise appears only when the
 * file makes that promise. The result is a plain tree that {@link PolicyRenderer} writes as
 * Markdown or HTML, so both say exactly the same.
 */
final class PolicyText {
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.ENGLISH);

  /** A run of text, a link when {@code href} is set (only mailto: and https: addresses from the file). */
  record Span(String text, String href) {}

  interface Block {}

  record Paragraph(List<Span> spans) implements Block {}

  record Bullets(List<List<Span>> items) implements Block {}

  record Table(String caption, List<String> head, List<List<String>> rows) implements Block {}

  record Subheading(String anchor, String text) implements Block {}

  record Section(String anchor, String title, List<Block> blocks) {}

  record Document(String title, String language, String subtitle, List<Section> sections) {}

  private final Policy p;
  private final List<Section> sections = new ArrayList<>();
  private List<Block> blocks;

  private PolicyText(Policy policy) {
    this.p = policy;
  }

  /** The whole policy; the version history section only when {@code history} is not null. */
  static Document of(Policy policy, List<VersionEntry> history) {
    PolicyText t = new PolicyText(policy);
    t.whoWeAre();
    t.whatWeCollect();
    if (policy.category("decision_data").isPresent()) {
      t.decisionData();
    }
    t.training();
    t.sharing();
    t.transfers();
    t.rights();
    t.children();
    t.hipaa();
    t.cookies();
    t.security();
    t.breach();
    if (policy.makes("P39") || policy.contacts().accessibilityEmail() != null) {
      t.accessibility();
    }
    t.changes(history != null);
    t.contact();
    if (history != null) {
      t.history(history);
    }
    return new Document("Privacy Policy — " + policy.company().name(), policy.language(),
        "Version " + policy.version() + ", effective " + date(policy.effectiveDate()), t.sections);
  }

  private void whoWeAre() {
    section("who-we-are", "Who we are");
    var c = p.company();
    para(c.name() + " is " + c.service() + ". " + (c.legalName() == null ? c.name() : "It is provided by " + c.legalName() + ", which")
        + " decides how your personal data is used and is responsible for it (the controller).");
    if (c.website() != null) {
      para(text("Website: "), link(c.website(), c.website()));
    }
    para("This policy explains what we collect, why, how long we keep it, who we share it with and your rights. "
        + "It is generated from the same policy file that configures the software, so what it says is what the software does.");
    para(text("Questions about your privacy: "), mail(p.contacts().privacyEmail()), text("."));
  }

  private void whatWeCollect() {
    section("what-we-collect", "What we collect and why");
    List<List<String>> rows = p.categories().stream()
        .map(c -> List.of(c.name(), String.join("; ", c.purposes()), retention(c))).toList();
    blocks.add(new Table("Data we hold, why, and for how long", List.of("Data", "Why", "How long we keep it"), rows));
    for (DataCategory c : p.categories()) {
      blocks.add(new Subheading("data-" + c.id().replace('_', '-'), c.name()));
      para(c.description());
      para("Why: " + String.join("; ", c.purposes()) + ".");
      para("How long: " + retention(c) + ".");
      if (c.anonymous()) {
        para("It is kept without any link to you, so it stays when you delete your account and cannot be deleted on request.");
      }
      bullets(c.details());
    }
    blocks.add(new Subheading("deletion", "Deletion"));
    para("When you delete data or your account, it is securely deleted within " + days(p.retention().deletionWindowDays())
        + ". A chat you delete is deleted at once. When you delete your account, everything in it becomes unreadable at once,"
        + " because the key that encrypts it is destroyed, and what remains is purged within "
        + (p.retention().erasedPurgeDays() == p.retention().deletionWindowDays() ? "that time" : days(p.retention().erasedPurgeDays()))
        + ". If we ever restore a backup of our database, what you deleted after that backup was made is deleted again"
        + " before the service runs.");
    if (p.category("access_logs").isPresent()) {
      para("IP addresses in our access logs are shortened to their network part after " + days(p.retention().ipTruncationDays()) + ".");
    }
  }

  private void decisionData() {
    section("decision-data", "Decision data");
    var d = p.defaults();
    para("When you choose between compared answers, we save the conversation leading up to your decision, but not the answers "
        + "you compared. Personal details are removed, the time is kept only as the day, and nothing links it to you, "
        + "so it cannot be deleted, even when you delete your account.");
    para("It is collected only while data collection is on in your settings"
        + (p.makes("P26") ? " and you have not restricted the processing of your data" : "") + ". Data collection is "
        + onOff(d.dataCollection()) + " by default"
        + (p.accountKinds().hipaa().enabled() ? ", and " + onOff(d.dataCollectionForHipaa()) + " by default for HIPAA accounts" : "")
        + ".");
  }

  private void training() {
    section("training", "Model training");
    if (!p.training().usesContent()) {
      para("We do not use your conversations or other content to train AI models.");
      List<String> anonymous = p.categories().stream().filter(DataCategory::anonymous).map(c -> lower(c.name())).toList();
      if (!anonymous.isEmpty()) {
        para("Only anonymized data described above helps us improve our models: " + anonymous.stream().collect(joinedWith("and")) + ".");
      }
      return;
    }
    para("Your content may be used to train and improve AI models.");
    if (p.makes("P12")) {
      para(text("You can opt out at any time in your account settings, or by e-mail to "), mail(p.contacts().privacyEmail()),
          text(". Opting out may limit some AI features."));
    }
    if (p.makes("P13")) {
      para("Before any training use we remove personally identifiable information, aggregate the data with other users' data, "
          + "and apply differential privacy to the statistics we publish.");
    }
    para("Content of accounts whose processing is restricted" + (p.accountKinds().hipaa().enabled() ? ", and of HIPAA accounts," : "")
        + " is never used for training.");
  }

  private void sharing() {
    section("sharing", "Sharing and processors");
    if (p.makes("P17")) {
      para("We never sell your personal data.");
    }
    para(p.makes("P14")
        ? "We share personal data only with the processors listed below, and only the kinds of data listed for each."
        : "These processors handle data for us:");
    boolean baa = p.accountKinds().hipaa().enabled();
    List<String> head = new ArrayList<>(List.of("Processor", "What they do", "Data", "Country", "Safeguard"));
    if (baa) {
      head.add("HIPAA BAA");
    }
    List<List<String>> rows = new ArrayList<>();
    for (Processor x : p.processors()) {
      List<String> row = new ArrayList<>(List.of(
          x.name() + (x.examples().isEmpty() ? "" : " (for example " + String.join(", ", x.examples()) + ")"),
          x.purpose(),
          x.categories().stream().map(id -> p.category(id).map(DataCategory::name).orElse(id)).collect(Collectors.joining(", ")),
          country(x.country()),
          mechanism(x.transferMechanism())));
      if (baa) {
        row.add(x.baa() ? "yes" : "no");
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      para("We use no processors.");
    } else {
      blocks.add(new Table("Processors", head, rows));
    }
    if (p.makes("P15")) {
      para("AI model providers never receive personally identifiable information without your explicit consent: personal "
          + "details are replaced by placeholders before a message leaves us and restored in the answer.");
    }
    if (p.makes("P16")) {
      para("We disclose personal data to authorities only when the law requires it (a court order or a government request) "
          + "or to protect our legal rights and those of our users, and we record every such disclosure.");
    }
  }

  private void transfers() {
    section("transfers", "International transfers");
    List<TransferMechanism> mechanisms = p.transfers().mechanisms();
    if (mechanisms.isEmpty()) {
      para("Your data is not transferred to other countries.");
      return;
    }
    para("Your information may be transferred to and processed in countries other than your own. We transfer it only with "
        + "one of these safeguards; the table of processors names the one used for each:");
    bullets(mechanisms.stream().map(PolicyText::mechanism).toList());
  }

  private void rights() {
    section("rights", "Your privacy rights");
    for (Jurisdiction j : p.jurisdictions()) {
      blocks.add(new Subheading("rights-" + j.id().replace('_', '-'), j.name()));
      bullets(j.rights().stream().map(this::right).toList());
      para("We answer within " + period(j.respondWithin()) + " of receiving your request"
          + (j.extendableBy().isZero() ? "." : "; if a request is complex we may take up to " + period(j.extendableBy())
          + " more, and we tell you why within the first period."));
    }
    para(text("To exercise your rights, use the privacy section of your account settings or e-mail "),
        mail(p.contacts().privacyEmail()),
        text(". When you write to us, we confirm it is you with a one-time code sent to your account's e-mail address."));
    List<String> controls = new ArrayList<>();
    if (p.category("chat_history").isPresent()) {
      controls.add("choose how long chats are kept after your last activity, or keep them until you delete them");
    }
    if (p.category("decision_data").isPresent()) {
      controls.add("turn data collection (decision data) on or off");
    }
    if (p.makes("P12")) {
      controls.add("opt out of the use of your content for model training");
    }
    if (p.makes("P17")) {
      controls.add("opt out of the sale or sharing of your personal data");
    }
    if (p.makes("P29")) {
      controls.add("limit the use of your sensitive personal data");
    }
    if (p.makes("P37")) {
      controls.add("choose which e-mail notifications and marketing communications you receive (legal notices are always sent)");
    }
    if (p.makes("P38")) {
      controls.add("choose your cookie preferences");
    }
    if (!controls.isEmpty()) {
      para("In your settings you can also:");
      bullets(controls);
    }
  }

  private void children() {
    section("children", "Children's privacy");
    int age = p.minimumAge();
    para(p.company().name() + " is not intended for anyone under " + age + ", and sign-up refuses anyone younger. If we learn "
        + "that we hold personal data of someone under " + age + ", we delete it immediately.");
  }

  private void hipaa() {
    section("hipaa", "HIPAA");
    var h = p.accountKinds().hipaa();
    if (!h.enabled()) {
      para("We do not offer HIPAA accounts or sign Business Associate Agreements.");
      return;
    }
    para(h.description());
    para("For HIPAA accounts, decision data collection is " + onOff(p.defaults().dataCollectionForHipaa()) + " by default, "
        + "their content is never used for model training, and Protected Health Information goes to an AI model provider only "
        + "if it has signed a Business Associate Agreement, or else with personal details removed. Every staff access to "
        + "their content is recorded.");
    if (p.contacts().hipaaEmail() != null) {
      para(text("Contact us at "), mail(p.contacts().hipaaEmail()), text(" for more information."));
    }
  }

  private void cookies() {
    section("cookies", "Cookies");
    para("We use cookies to:");
    bullets(p.cookies().purposes());
    if (p.makes("P19")) {
      para("All cookies are encrypted with AES-256 under keys rotated daily.");
    }
    var a = p.cookies().analytics();
    if (a == null) {
      para("We use no analytics cookies.");
    } else if (a.consentRequired()) {
      para("We set analytics cookies for " + a.processor() + " only after you agree to them. " + a.optOut());
    } else {
      para("We also use " + a.processor() + " to understand how the service is used. To opt out: " + a.optOut());
    }
    if (p.makes("P17")) {
      para("A Global Privacy Control signal from your browser counts as an opt-out of the sale or sharing of your data"
          + (a == null ? "." : " and of analytics cookies."));
    }
  }

  private void security() {
    section("security", "How we protect your data");
    List<String> measures = new ArrayList<>();
    measures.add(p.makes("P18") ? "Encryption at rest: all data at rest is encrypted with AES-256, with keys rotated daily."
        : "Encryption at rest: your personal data is encrypted at rest.");
    measures.add(p.makes("P20") ? "Encryption in transit: HTTPS with elliptic-curve cryptography (P-521)."
        : "Encryption in transit: HTTPS.");
    if (p.makes("P21")) {
      measures.add("Access control: only authorized staff can access your data, only when absolutely necessary (for example, "
          + "debugging), through time-limited access that is recorded.");
    }
    if (p.makes("P22")) {
      measures.add("Regular audits: a tamper-evident audit log and regular security checks.");
    }
    measures.addAll(p.security().measures());
    bullets(measures);
  }

  private void breach() {
    section("breach", "Data breach notifications");
    para("If a data breach affects your data, we tell you as soon as possible, and we notify the regulatory authorities "
        + "within " + p.breach().regulatorHours() + " hours where the law requires it.");
  }

  private void accessibility() {
    section("accessibility", "Accessibility");
    String ask = p.contacts().accessibilityEmail();
    para("We strive to make our services accessible to everyone"
        + (p.makes("P39") ? ", to the Web Content Accessibility Guidelines (WCAG) 2.1 level AA" : "") + ".");
    if (ask != null) {
      para(text("If you need assistance accessing this policy, e-mail "), mail(ask), text("."));
    }
  }

  private void changes(boolean withHistory) {
    section("changes", "Changes to this policy");
    para("We may update this policy to reflect changes in our practices or legal requirements. We announce significant "
        + "changes " + p.changes().channels().stream().map(PolicyText::channel).collect(joinedWith("and")) + "."
        + (withHistory ? " Every version is listed under Version history." : ""));
  }

  private void contact() {
    section("contact", "Contact us");
    var c = p.contacts();
    List<List<Span>> items = new ArrayList<>();
    items.add(List.of(text("Privacy questions and requests: "), mail(c.privacyEmail())));
    if (c.dpo() != null) {
      items.add(List.of(text("Data protection officer: " + c.dpo().name() + ", "), mail(c.dpo().email())));
    }
    if (c.hipaaEmail() != null) {
      items.add(List.of(text("HIPAA: "), mail(c.hipaaEmail())));
    }
    if (c.accessibilityEmail() != null) {
      items.add(List.of(text("Accessibility: "), mail(c.accessibilityEmail())));
    }
    if (c.postalAddress() != null) {
      items.add(List.of(text("By post: " + p.company().controller() + ", " + c.postalAddress().replaceAll("\\s*\\n\\s*", ", "))));
    }
    blocks.add(new Bullets(items));
  }

  private void history(List<VersionEntry> history) {
    section("history", "Version history");
    if (history.isEmpty()) {
      para("This is the first version.");
      return;
    }
    blocks.add(new Table("Versions of this policy", List.of("Version", "Date", "Summary"),
        history.stream().map(v -> List.of(v.version(), date(v.date()), v.summary())).toList()));
  }

  private String retention(DataCategory c) {
    RetentionRule r = c.retention();
    if (c.id().equals("chat_history")) {
      return r.kind() == RetentionRule.Kind.DAYS
          ? "deleted after " + days(r.days()) + " without activity; you can change this in your settings"
          : "until you delete it or your account";
    }
    return switch (r.kind()) {
      case DAYS -> "up to " + days(r.days());
      case KEEP -> "indefinitely";
      case ACCOUNT -> "while your account exists";
    };
  }

  private String right(Right r) {
    return switch (r) {
      case ACCESS -> "Access: find out what personal data we hold about you and get a copy of it.";
      case RECTIFY -> "Correction: fix inaccurate data.";
      case ERASE -> "Erasure: delete your data and your account, with a signed receipt.";
      case RESTRICT -> "Restriction: limit how your data is processed.";
      case EXPORT -> "Portability: get your data in a portable format (JSON and CSV).";
      case OBJECT -> "Objection: stop certain kinds of processing.";
      case OPT_OUT_SALE -> "Opt out of the sale or sharing of your data" + (p.makes("P17") ? " (we do not sell it)." : ".");
      case LIMIT_SENSITIVE -> "Limit the use of your sensitive personal data.";
    };
  }

  private static String mechanism(TransferMechanism m) {
    return switch (m) {
      case NONE -> "none needed (no transfer)";
      case SCC -> "Standard contractual clauses";
      case ADEQUACY -> "Adequacy decision";
      case DPF -> "Data Privacy Framework";
      case BCR -> "Binding corporate rules";
    };
  }

  private static String channel(Channel c) {
    return switch (c) {
      case IN_APP -> "in the app";
      case EMAIL -> "by e-mail";
      case WEBSITE -> "on our website";
    };
  }

  private static String country(String code) {
    return new Locale("", code).getDisplayCountry(Locale.ENGLISH) + " (" + code + ")";
  }

  private static String days(int n) {
    String base = n == 1 ? "1 day" : n + " days";
    return n % 365 == 0 ? base + " (" + (n / 365 == 1 ? "1 year" : n / 365 + " years") + ")" : base;
  }

  private static String period(Period period) {
    List<String> parts = new ArrayList<>();
    unit(parts, period.getYears(), "year");
    unit(parts, period.getMonths(), "month");
    unit(parts, period.getDays(), "day");
    return parts.stream().collect(joinedWith("and"));
  }

  private static void unit(List<String> parts, int n, String unit) {
    if (n != 0) {
      parts.add(n + " " + unit + (n == 1 ? "" : "s"));
    }
  }

  private static java.util.stream.Collector<String, ?, String> joinedWith(String conjunction) {
    return Collectors.collectingAndThen(Collectors.toList(), l -> l.size() <= 1 ? String.join("", l)
        : String.join(", ", l.subList(0, l.size() - 1)) + " " + conjunction + " " + l.get(l.size() - 1));
  }

  private static String date(LocalDate d) {
    return d.format(DATE);
  }

  private static String onOff(boolean on) {
    return on ? "on" : "off";
  }

  private static String lower(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private void section(String anchor, String title) {
    blocks = new ArrayList<>();
    sections.add(new Section(anchor, title, blocks));
  }

  private void para(String text) {
    blocks.add(new Paragraph(List.of(text(text))));
  }

  private void para(Span... spans) {
    blocks.add(new Paragraph(List.of(spans)));
  }

  private void bullets(List<String> items) {
    if (!items.isEmpty()) {
      blocks.add(new Bullets(items.stream().map(i -> List.of(text(i))).toList()));
    }
  }

  private static Span text(String text) {
    return new Span(text, null);
  }

  private static Span mail(String address) {
    return new Span(address, "mailto:" + address);
  }

  private static Span link(String text, String href) {
    return new Span(text, href);
  }
}
