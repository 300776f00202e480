package dev.confide.pii;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fast reader for the subset of YAML that datafaker's locale files use for lists: nested keys, block
 * lists ({@code - item}) and one-line flow lists ({@code key: [a, b]}), plain or quoted. It returns every
 * list by its dotted key path. Anything else it does not understand makes it return null, and the caller
 * falls back to a full YAML parser for that file.
 */
final class DatafakerLists {
  private DatafakerLists() {}

  /** Lists by dotted path ("hu.faker.name.first_name"), or null when the file needs a real YAML parser. */
  static Map<String, List<String>> read(String content) {
    Map<String, List<String>> out = new HashMap<>();
    Map<String, List<String>> anchors = new HashMap<>();
    int[] indents = new int[32];
    String[] keys = new String[32];
    int depth = 0;
    int pos = 0;
    int len = content.length();
    while (pos < len) {
      int eol = content.indexOf('\n', pos);
      if (eol < 0) {
        eol = len;
      }
      int indent = 0;
      while (pos + indent < eol && content.charAt(pos + indent) == ' ') {
        indent++;
      }
      int start = pos + indent;
      int end = eol;
      while (end > start && (content.charAt(end - 1) == '\r' || content.charAt(end - 1) == ' ')) {
        end--;
      }
      pos = eol + 1;
      if (start >= end || content.charAt(start) == '#') {
        continue;
      }
      if (content.startsWith("---", start) || content.charAt(start) == '\t') {
        return null;
      }
      if (content.charAt(start) == '-' && (start + 1 == end || content.charAt(start + 1) == ' ')) {
        while (depth > 0 && indents[depth - 1] > indent) {
          depth--;
        }
        if (depth == 0) {
          return null;
        }
        String item = content.substring(Math.min(start + 2, end), end).strip();
        if (item.startsWith("[") || item.startsWith("{") || item.startsWith("|") || item.startsWith(">")) {
          continue; // nested structures are not lists of words: skip
        }
        out.computeIfAbsent(path(keys, depth), k -> new ArrayList<>()).add(unquote(item));
        continue;
      }
      int colon = keyEnd(content, start, end);
      if (colon < 0) {
        return null;
      }
      String key = unquote(content.substring(start, colon).strip());
      String value = content.substring(colon + 1, end).strip();
      while (depth > 0 && indents[depth - 1] >= indent) {
        depth--;
      }
      if (value.isEmpty()) {
        if (depth == keys.length) {
          return null;
        }
        indents[depth] = indent;
        keys[depth] = key;
        depth++;
      } else {
        String anchor = null;
        if (value.startsWith("&")) {
          int sp = value.indexOf(' ');
          if (sp < 0) {
            return null;
          }
          anchor = value.substring(1, sp);
          value = value.substring(sp + 1).strip();
        }
        if (value.startsWith("*")) {
          List<String> aliased = anchors.get(value.substring(1).strip());
          if (aliased == null) {
            return null;
          }
          keys[depth] = key;
          out.computeIfAbsent(path(keys, depth + 1), k -> new ArrayList<>()).addAll(aliased);
        } else if (value.startsWith("[")) {
          // a flow list, possibly over several lines
          StringBuilder flow = new StringBuilder(value);
          FlowState state = new FlowState();
          int scanned = 0;
          while (!state.closes(flow, scanned) && pos < len) {
            scanned = flow.length();
            int next = content.indexOf('\n', pos);
            if (next < 0) {
              next = len;
            }
            flow.append(' ').append(content, pos, next);
            pos = next + 1;
          }
          String v = flow.toString().strip();
          if (!v.endsWith("]")) {
            return null;
          }
          List<String> items = flow(v.substring(1, v.length() - 1));
          keys[depth] = key;
          out.computeIfAbsent(path(keys, depth + 1), k -> new ArrayList<>()).addAll(items);
          if (anchor != null) {
            anchors.put(anchor, items);
          }
        } else if (value.startsWith("|") || value.startsWith(">") || value.startsWith("{") || anchor != null) {
          return null;
        }
      }
      // other scalars are not lists: ignore
    }
    return out;
  }

  /** Scans a flow list as it grows line by line: each char is looked at once. */
  private static final class FlowState {
    char quote;
    int open;
    char prev = ' ';
    boolean escaped;

    /** Whether the closing bracket is in {@code flow[from, end)}, given the state after {@code flow[0, from)}. */
    boolean closes(CharSequence flow, int from) {
      for (int i = from; i < flow.length(); i++) {
        char c = flow.charAt(i);
        if (quote != 0) {
          if (escaped) {
            escaped = false;
          } else if (c == '\\' && quote == '"') {
            escaped = true;
          } else if (c == quote) {
            quote = 0;
          }
          continue;
        }
        if ((c == '"' || c == '\'') && (prev == '[' || prev == ',')) {
          quote = c; // a quote only opens a quoted item at its start ("O'Neill" is plain)
        } else if (c == '[') {
          open++;
        } else if (c == ']') {
          open--;
          if (open == 0) {
            return true;
          }
        }
        if (c != ' ') {
          prev = c;
        }
      }
      return false;
    }
  }

  private static String path(String[] keys, int depth) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (i > 0) {
        b.append('.');
      }
      b.append(keys[i]);
    }
    return b.toString();
  }

  /** The colon ending a mapping key (outside quotes, followed by a space or the line end), or -1. */
  private static int keyEnd(String s, int start, int end) {
    char q = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (q != 0) {
        if (c == q) {
          q = 0;
        }
      } else if ((c == '"' || c == '\'') && i == start) {
        q = c;
      } else if (c == ':' && (i + 1 == end || s.charAt(i + 1) == ' ')) {
        return i;
      }
    }
    return -1;
  }

  private static List<String> flow(String inner) {
    List<String> items = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char q = 0;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (q != 0) {
        if (c == '\\' && q == '"' && i + 1 < inner.length()) {
          cur.append(c).append(inner.charAt(++i));
          continue;
        }
        if (c == q) {
          q = 0;
        }
        cur.append(c);
      } else if ((c == '"' || c == '\'') && cur.toString().isBlank()) {
        q = c;
        cur.append(c);
      } else if (c == ',') {
        items.add(unquote(cur.toString().strip()));
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (!cur.toString().isBlank()) {
      items.add(unquote(cur.toString().strip()));
    }
    return items;
  }

  static String unquote(String v) {
    if (v.length() >= 2 && ((v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"')
        || (v.charAt(0) == '\'' && v.charAt(v.length() - 1) == '\''))) {
      String inner = v.substring(1, v.length() - 1);
      return v.charAt(0) == '"' ? inner.replace("\\\"", "\"").replace("\\\\", "\\") : inner.replace("''", "'");
    }
    return v;
  }
}
