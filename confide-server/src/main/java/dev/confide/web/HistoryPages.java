package dev.confide.web;

import dev.confide.app.Confide;
import dev.confide.chat.ConversationSummary;
import dev.confide.chat.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * History: every conversation, searchable by title, with delete one and delete all (P03). Titles
 * are sealed, so the search runs here over the opened titles rather than in the database.
 */
final class HistoryPages {
  /** Conversations searched per request; past this the page says the list is cut. */
  private static final int SEARCH_LIMIT = 2000;
  private static final int PAGE = 100;

  private final Pages pages;
  private final Confide confide;

  HistoryPages(Pages pages, Confide confide) {
    this.pages = pages;
    this.confide = confide;
  }

  void register(RoutesConfig routes) {
    routes.get("/history", pages.html(ctx -> pages.page(ctx, "history/history.jte", pages.frame(ctx, "History", "history"),
        Map.of("results", search(ctx)))));
    routes.get("/history/results", pages.html(ctx -> pages.fragment(ctx, "history/results.jte", Map.of("results", search(ctx)))));
  }

  private SearchResults search(Context ctx) {
    UUID subject = pages.requireVisitor(ctx).subject();
    String query = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").strip();
    String needle = query.toLowerCase(Locale.ROOT);
    List<ConversationSummary> found = new ArrayList<>();
    String cursor = null;
    int seen = 0;
    do {
      Page<ConversationSummary> page = confide.chat.conversations().list(subject, PAGE, cursor);
      for (ConversationSummary c : page.items()) {
        if (c.title() != null && c.title().toLowerCase(Locale.ROOT).contains(needle)) {
          found.add(c);
        }
      }
      seen += page.items().size();
      cursor = page.nextCursor();
    } while (cursor != null && seen < SEARCH_LIMIT);
    return new SearchResults(query, found, cursor != null);
  }
}
