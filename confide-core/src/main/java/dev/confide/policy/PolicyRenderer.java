package dev.confide.policy;

import dev.confide.policy.PolicyText.Block;
import dev.confide.policy.PolicyText.Bullets;
import dev.confide.policy.PolicyText.Document;
import dev.confide.policy.PolicyText.Paragraph;
import dev.confide.policy.PolicyText.Section;
import dev.confide.policy.PolicyText.Span;
import dev.confide.policy.PolicyText.Subheading;
import dev.confide.policy.PolicyText.Table;
import java.util.List;

/**
 * The human-readable policy, rendered from the policy file alone: Markdown for
 * {@code confide policy render}, and a complete HTML page for {@code /privacy}. The HTML escapes
 * every value, has no inline script or style (the page's CSP forbids them) and uses semantic
 * headings, so it reads well with a screen reader.
 */
public final class PolicyRenderer {
  private PolicyRenderer() {}

  public static String markdown(Policy policy) {
    return markdown(PolicyText.of(policy, null));
  }

  /** Markdown with a version history section listing {@code history}. */
  public static String markdown(Policy policy, List<VersionEntry> history) {
    return markdown(PolicyText.of(policy, List.copyOf(history)));
  }

  /** A complete HTML page, with a version history section listing {@code history}. */
  public static String html(Policy policy, List<VersionEntry> history) {
    Document d = PolicyText.of(policy, List.copyOf(history));
    StringBuilder out = new StringBuilder(16_384);
    out.append("<!DOCTYPE html>\n<html lang=\"").append(escape(d.language())).append("\">\n<head>\n")
        .append("<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(escape(d.title())).append("</title>\n</head>\n<body>\n<main>\n<header>\n<h1>")
        .append(escape(d.title())).append("</h1>\n<p>").append(escape(d.subtitle())).append("</p>\n</header>\n")
        .append("<nav aria-labelledby=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n");
    for (Section s : d.sections()) {
      out.append("<li><a href=\"#").append(escape(s.anchor())).append("\">").append(escape(s.title())).append("</a></li>\n");
    }
    out.append("</ol>\n</nav>\n");
    for (Section s : d.sections()) {
      out.append("<section aria-labelledby=\"").append(escape(s.anchor())).append("\">\n<h2 id=\"").append(escape(s.anchor()))
          .append("\">").append(escape(s.title())).append("</h2>\n");
      for (Block b : s.blocks()) {
        html(out, b);
      }
      out.append("</section>\n");
    }
    return out.append("</main>\n</body>\n</html>\n").toString();
  }

  private static void html(StringBuilder out, Block block) {
    if (block instanceof Paragraph p) {
      out.append("<p>");
      html(out, p.spans());
      out.append("</p>\n");
    } else if (block instanceof Bullets b) {
      out.append("<ul>\n");
      for (List<Span> item : b.items()) {
        out.append("<li>");
        html(out, item);
        out.append("</li>\n");
      }
      out.append("</ul>\n");
    } else if (block instanceof Subheading h) {
      out.append("<h3 id=\"").append(escape(h.anchor())).append("\">").append(escape(h.text())).append("</h3>\n");
    } else if (block instanceof Table t) {
      out.append("<table>\n<caption>").append(escape(t.caption())).append("</caption>\n<thead>\n<tr>");
      for (String h : t.head()) {
        out.append("<th scope=\"col\">").append(escape(h)).append("</th>");
      }
      out.append("</tr>\n</thead>\n<tbody>\n");
      for (List<String> row : t.rows()) {
        out.append("<tr>");
        for (int i = 0; i < row.size(); i++) {
          // the first cell names the row, so screen readers announce it with each value
          out.append(i == 0 ? "<th scope=\"row\">" : "<td>").append(escape(row.get(i))).append(i == 0 ? "</th>" : "</td>");
        }
        out.append("</tr>\n");
      }
      out.append("</tbody>\n</table>\n");
    }
  }

  private static void html(StringBuilder out, List<Span> spans) {
    for (Span s : spans) {
      if (s.href() == null) {
        out.append(escape(s.text()));
      } else {
        out.append("<a href=\"").append(escape(s.href())).append("\">").append(escape(s.text())).append("</a>");
      }
    }
  }

  /** Escapes text for HTML content and double- or single-quoted attribute values. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String markdown(Document d) {
    StringBuilder out = new StringBuilder(16_384);
    out.append("# ").append(md(d.title())).append("\n\n").append(md(d.subtitle())).append("\n");
    for (Section s : d.sections()) {
      out.append("\n## ").append(md(s.title())).append("\n");
      for (Block b : s.blocks()) {
        out.append('\n');
        markdown(out, b);
      }
    }
    return out.toString();
  }

  private static void markdown(StringBuilder out, Block block) {
    if (block instanceof Paragraph p) {
      markdown(out, p.spans());
      out.append('\n');
    } else if (block instanceof Bullets b) {
      for (List<Span> item : b.items()) {
        out.append("- ");
        markdown(out, item);
        out.append('\n');
      }
    } else if (block instanceof Subheading h) {
      out.append("### ").append(md(h.text())).append('\n');
    } else if (block instanceof Table t) {
      row(out, t.head());
      out.append("|---".repeat(t.head().size())).append("|\n");
      t.rows().forEach(r -> row(out, r));
    }
  }

  private static void row(StringBuilder out, List<String> cells) {
    for (String c : cells) {
      out.append("| ").append(md(c)).append(' ');
    }
    out.append("|\n");
  }

  private static void markdown(StringBuilder out, List<Span> spans) {
    for (Span s : spans) {
      out.append(s.href() == null ? md(s.text()) : "[" + md(s.text()) + "](<" + s.href() + ">)");
    }
  }

  /** Escapes the characters Markdown would read as markup; line breaks become spaces. */
  private static String md(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ("\\`*_[]<>|#!".indexOf(c) >= 0) {
        out.append('\\').append(c);
      } else if (c == '\n' || c == '\r') {
        out.append(' ');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
