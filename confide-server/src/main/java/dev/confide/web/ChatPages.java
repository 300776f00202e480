package dev.confide.web;

import dev.confide.app.Confide;
import dev.confide.chat.ConversationSummary;
import dev.confide.chat.ConversationView;
import dev.confide.consent.Settings;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The chat page: recent conversations, the transcript of the current branch, the composer with
 * its model picker, and the compare panel. Streaming, editing, regenerating, comparing and rating
 * happen in the browser against the chat API; these routes only render.
 */
final class ChatPages {
  private static final int RECENT = 30;

  private final Pages pages;
  private final Confide confide;

  ChatPages(Pages pages, Confide confide) {
    this.pages = pages;
    this.confide = confide;
  }

  void register(RoutesConfig routes) {
    routes.get("/chat", pages.html(ctx -> chat(ctx, null)));
    routes.get("/chat/list", pages.html(ctx -> pages.fragment(ctx, "chat/conversations.jte",
        Map.of("conversations", recent(pages.requireVisitor(ctx).subject()),
            "current", String.valueOf(ctx.queryParam("current"))))));
    routes.get("/chat/{id}", pages.html(ctx -> chat(ctx, conversationId(ctx))));
    routes.get("/chat/{id}/transcript", pages.html(ctx -> pages.fragment(ctx, "chat/transcript.jte",
        Map.of("conversation", confide.chat.conversations().view(pages.requireVisitor(ctx).subject(), conversationId(ctx))))));
  }

  private void chat(Context ctx, UUID id) {
    UUID subject = pages.requireVisitor(ctx).subject();
    ConversationView conversation = id == null ? null : confide.chat.conversations().view(subject, id);
    Settings settings = confide.settings.get(subject);
    Map<String, Object> model = new HashMap<>();
    model.put("conversations", recent(subject));
    model.put("conversation", conversation);
    model.put("current", id == null ? "" : id.toString());
    // Decision data is collected only with data collection on and processing not restricted (P05, P26).
    model.put("collectsDecisions", settings.dataCollection() && !settings.restricted());
    pages.page(ctx, "chat/chat.jte", pages.frame(ctx, conversation == null ? "New chat" : conversation.title(), "chat"), model);
  }

  private List<ConversationSummary> recent(UUID subject) {
    return confide.chat.conversations().list(subject, RECENT, null).items();
  }

  static UUID conversationId(Context ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw Problem.notFound("no such conversation");
    }
  }
}
