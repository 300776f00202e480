package dev.confide.policy;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads one policy file: parses it into SnakeYAML's node tree without constructing any object from
 * it, then hands out checked values, recording every problem with its line and column instead of
 * stopping at the first.
 *
 * <p>Hostile input is refused before it can cost anything: a size cap, a nesting cap, and no
 * anchors, aliases (so no alias bombs) or explicit tags (so no type construction, which the node
 * API would not do anyway).
 */
final class PolicyYaml {
  static final int MAX_CHARS = 256 * 1024;
  private static final int MAX_DEPTH = 12;
  private static final int MAX_TEXT = 4000;
  static final int MAX_DAYS = 36_500;
  private static final Pattern NUMBER = Pattern.compile("[-+]?[0-9]{1,12}");
  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\n\\t]]");

  private final String source;
  private final List<Problem> problems = new ArrayList<>();

  private record Problem(int line, int column, String text) {}

  PolicyYaml(String source) {
    this.source = source;
  }

  /** Every problem found, in file order. */
  List<String> errors() {
    return problems.stream().sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
        .map(Problem::text).toList();
  }

  boolean hasErrors() {
    return !problems.isEmpty();
  }

  /** The document's root node; a file that is not even well-formed YAML is refused here, with its one error. */
  Node parse(String text) {
    if (text.length() > MAX_CHARS) {
      throw new PolicyException(source, List.of(source + ": the file is larger than " + MAX_CHARS / 1024 + " KiB"));
    }
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CHARS);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setMaxAliasesForCollections(0);
    options.setAllowRecursiveKeys(false);
    Node root;
    try {
      root = new Composer(new Guard(new ParserImpl(new StreamReader(text), options)), new Resolver(), options).getSingleNode();
    } catch (Refused e) {
      throw new PolicyException(source, List.of(at(e.mark) + e.getMessage()));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getContext() == null ? e.getProblem()
          : e.getProblem() == null ? e.getContext() : e.getContext() + ", " + e.getProblem();
      throw new PolicyException(source, List.of((mark == null ? source + ": " : at(mark)) + "not valid YAML: " + problem));
    } catch (YAMLException e) {
      throw new PolicyException(source, List.of(source + ": not valid YAML: " + e.getMessage()));
    }
    if (root == null) {
      throw new PolicyException(source, List.of(source + ": the file is empty"));
    }
    return root;
  }

  void error(Node node, String message) {
    Mark mark = node.getStartMark();
    problems.add(new Problem(mark.getLine(), mark.getColumn(), at(mark) + message));
  }

  private String at(Mark mark) {
    return source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ";
  }

  /** Text from the file as quoted in an error: printable and short, since errors end up in logs and terminals. */
  static String shown(String text) {
    String printable = CONTROL.matcher(text).replaceAll("?").replace('\n', ' ').replace('\t', ' ');
    return printable.length() <= 60 ? printable : printable.substring(0, 57) + "...";
  }

  static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  static boolean isNull(Node node) {
    return node == null || node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
  }

  /** Reads {@code node} as a mapping with only the given keys; reports anything else. */
  Mapping mapping(Node node, String path, List<String> keys) {
    return new Mapping(node, path, keys);
  }

  List<Node> sequence(Node node, String path) {
    if (node instanceof SequenceNode s) {
      return s.getValue();
    }
    error(node, path + " must be a list");
    return List.of();
  }

  String text(Node node, String path) {
    if (!(node instanceof ScalarNode s)) {
      error(node, path + " must be text");
      return null;
    }
    String value = s.getValue().strip();
    if (value.isEmpty() || isNull(s)) {
      error(node, path + " must not be empty");
      return null;
    }
    if (value.length() > MAX_TEXT) {
      error(node, path + " is longer than " + MAX_TEXT + " characters");
      return null;
    }
    if (CONTROL.matcher(value).find()) {
      error(node, path + " must not contain control characters");
      return null;
    }
    return value;
  }

  String id(Node node, String path) {
    String value = text(node, path);
    if (value != null && !value.matches("[a-z][a-z0-9_]{0,63}")) {
      error(node, path + " must be a lower-case id (letters, digits, _), e.g. chat_history");
      return null;
    }
    return value;
  }

  String email(Node node, String path) {
    String value = text(node, path);
    if (value != null && !EMAIL.matcher(value).matches()) {
      error(node, path + " must be an e-mail address");
      return null;
    }
    return value;
  }

  String httpsUrl(Node node, String path) {
    String value = text(node, path);
    if (value != null && !value.matches("https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/%-]*)?")) {
      error(node, path + " must be an https:// address");
      return null;
    }
    return value;
  }

  String country(Node node, String path) {
    String value = text(node, path);
    if (value != null && !Set.of(Locale.getISOCountries()).contains(value)) {
      error(node, path + " must be an ISO 3166-1 alpha-2 country code such as US or DE");
      return null;
    }
    return value;
  }

  Boolean bool(Node node, String path) {
    if (node instanceof ScalarNode s && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
        && (s.getValue().equals("true") || s.getValue().equals("false"))) {
      return Boolean.valueOf(s.getValue());
    }
    error(node, path + " must be true or false");
    return null;
  }

  /** A whole number in {@code [min, max]}; {@code what} completes "must be ...". */
  Integer number(Node node, String path, int min, int max, String what) {
    if (node instanceof ScalarNode s && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN && NUMBER.matcher(s.getValue()).matches()) {
      long n = Long.parseLong(s.getValue());
      if (n >= min && n <= max) {
        return (int) n;
      }
    }
    error(node, path + " must be " + what);
    return null;
  }

  Integer days(Node node, String path) {
    return number(node, path, 1, MAX_DAYS, "a positive number of days (at most " + MAX_DAYS + ")");
  }

  LocalDate date(Node node, String path) {
    String value = node instanceof ScalarNode s ? s.getValue() : null;
    try {
      if (value != null && value.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
        return LocalDate.parse(value);
      }
    } catch (DateTimeException e) {
      // falls through to the error below
    }
    error(node, path + " must be a date such as 2025-01-01");
    return null;
  }

  /** An ISO-8601 period of years, months, weeks or days (P1M, P45D); zero only if allowed. */
  Period period(Node node, String path, boolean allowZero) {
    String value = node instanceof ScalarNode s ? s.getValue() : "";
    if (value.matches("P([0-9]{1,3}Y)?([0-9]{1,4}M)?([0-9]{1,3}W)?([0-9]{1,5}D)?") && value.length() > 1) {
      Period p = Period.parse(value);
      if (allowZero || !p.isZero()) {
        return p;
      }
    }
    error(node, path + " must be an ISO-8601 period such as P1M or P45D" + (allowZero ? "" : ", and not zero"));
    return null;
  }

  /** One of an enum's values, written as its lower-case id. */
  <E extends Enum<E>> E choice(Node node, String path, Class<E> type) {
    String value = node instanceof ScalarNode s ? s.getValue() : "";
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
        return e;
      }
    }
    error(node, path + " must be one of: " + Arrays.stream(type.getEnumConstants())
        .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    return null;
  }

  /** A mapping being read: knows its path for messages and reports keys that are unknown, repeated or missing. */
  final class Mapping {
    private final Node node;
    private final String path;
    private final Map<String, Node> values = new LinkedHashMap<>();
    private final Map<String, Node> keys = new LinkedHashMap<>();

    /** Set when there is nothing to read (absent, or not a mapping): that was reported once, its keys are not. */
    private final boolean absent;

    private Mapping(Node node, String path, List<String> allowed) {
      this.node = node;
      this.path = path;
      this.absent = !(node instanceof MappingNode);
      if (node == null) {
        return;
      }
      if (!(node instanceof MappingNode m)) {
        error(node, (path.isEmpty() ? "the file" : path) + " must be a mapping of keys to values");
        return;
      }
      for (NodeTuple t : m.getValue()) {
        Node key = t.getKeyNode();
        String name = key instanceof ScalarNode s ? s.getValue() : null;
        if (name == null) {
          error(key, "keys in " + describe() + " must be plain names");
        } else if (allowed != null && !allowed.contains(name)) {
          error(key, describe() + " has no key '" + shown(name) + "'; expected one of: " + String.join(", ", allowed));
        } else if (keys.containsKey(name)) {
          error(key, path(name) + " appears twice (first at line " + line(keys.get(name)) + ")");
        } else {
          keys.put(name, key);
          values.put(name, t.getValueNode());
        }
      }
    }

    private String describe() {
      return path.isEmpty() ? "the file" : path;
    }

    boolean absent() {
      return absent;
    }

    String path(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    /** The entries in file order (for mappings whose keys are ids, like jurisdictions). */
    Map<String, Node> entries() {
      return values;
    }

    Node key(String name) {
      return keys.get(name);
    }

    /** The value under {@code key}, or null (reported) if it is absent or null. */
    Node required(String key) {
      Node value = values.get(key);
      if (isNull(value)) {
        if (!absent) {
          error(value == null ? node : value, path(key) + " is missing");
        }
        return null;
      }
      return value;
    }

    /** The value under {@code key}, or null if it is absent or null. */
    Node optional(String key) {
      Node value = values.get(key);
      return isNull(value) ? null : value;
    }

    /** The value under a required {@code key}, read by {@code reader}; null if absent or wrong (reported). */
    <T> T get(String key, Reader<T> reader) {
      Node value = required(key);
      return value == null ? null : reader.read(value, path(key));
    }

    /** The value under an optional {@code key}, read by {@code reader}; null if absent or wrong. */
    <T> T opt(String key, Reader<T> reader) {
      Node value = optional(key);
      return value == null ? null : reader.read(value, path(key));
    }

    String text(String key) {
      return get(key, PolicyYaml.this::text);
    }

    boolean bool(String key) {
      return Boolean.TRUE.equals(get(key, PolicyYaml.this::bool));
    }

    int days(String key) {
      Integer n = get(key, PolicyYaml.this::days);
      return n == null ? 0 : n;
    }

    /** The items of a list, each read by {@code reader} with its index in the path; wrong ones are left out. */
    <T> List<T> list(String key, boolean required, Reader<T> reader) {
      List<T> out = new ArrayList<>();
      List<Node> items = nodes(key, required);
      for (int i = 0; i < items.size(); i++) {
        T item = reader.read(items.get(i), path(key) + "[" + i + "]");
        if (item != null) {
          out.add(item);
        }
      }
      return out;
    }

    /** The nodes of a list; absent when optional gives an empty list. */
    List<Node> nodes(String key, boolean required) {
      Node value = required ? required(key) : optional(key);
      return value == null ? List.of() : sequence(value, path(key));
    }

    /** A nested mapping; absent gives an empty one, reported if {@code required}. */
    Mapping mapping(String key, List<String> allowed, boolean required) {
      Node value = required ? required(key) : optional(key);
      return new Mapping(value, path(key), allowed);
    }

    boolean has(String key) {
      return optional(key) != null;
    }
  }

  /** Reads one node into a value, reporting problems under {@code path}; null when it cannot. */
  @FunctionalInterface
  interface Reader<T> {
    T read(Node node, String path);
  }

  /** Refuses the YAML features a policy file has no use for, at the event that uses them. */
  private static final class Guard implements Parser {
    private final Parser parser;

    Guard(Parser parser) {
      this.parser = parser;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
      return parser.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
      return parser.peekEvent();
    }

    @Override
    public Event getEvent() {
      Event event = parser.getEvent();
      if (event instanceof AliasEvent a) {
        throw new Refused(a.getStartMark(), "aliases (*" + shown(a.getAnchor()) + ") are not allowed in a policy file");
      }
      if (event instanceof NodeEvent n && n.getAnchor() != null) {
        throw new Refused(n.getStartMark(), "anchors (&" + shown(n.getAnchor()) + ") are not allowed in a policy file");
      }
      String tag = event instanceof ScalarEvent s ? s.getTag() : event instanceof CollectionStartEvent c ? c.getTag() : null;
      if (tag != null && !tag.equals("!")) {
        throw new Refused(event.getStartMark(), "tags (" + shown(tag) + ") are not allowed in a policy file");
      }
      return event;
    }
  }

  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Mark mark;

    Refused(Mark mark, String message) {
      super(message, null, false, false);
      this.mark = mark;
    }
  }
}
