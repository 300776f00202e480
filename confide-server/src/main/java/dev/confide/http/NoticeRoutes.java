package dev.confide.http;

import dev.confide.app.Confide;
import dev.confide.notify.Notices.Notice;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** In-app notices (P33, P35): policy updates and breach notices a user must acknowledge. */
final class NoticeRoutes {
  private final Confide confide;

  NoticeRoutes(Confide confide) {
    this.confide = confide;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/notices", ctx -> {
      var subject = ConfideHttp.principal(ctx).subject();
      ctx.json(Map.of("data", confide.notices.list(subject).stream().map(NoticeRoutes::view).toList(),
          "pendingAcknowledgement", confide.notices.pendingAck(subject)));
    });
    routes.post("/api/notices/{id}/ack", ctx -> {
      confide.notices.acknowledge(ConfideHttp.principal(ctx).subject(), PathIds.uuid(ctx, "notice"));
      ctx.status(204);
    });
  }

  private static Map<String, Object> view(Notice n) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", n.id().toString());
    out.put("kind", n.kind().wireName());
    out.put("title", n.title());
    out.put("body", n.body());
    out.put("requiresAck", n.requiresAck());
    out.put("createdAt", n.createdAt());
    out.put("acknowledgedAt", n.acknowledgedAt());
    return out;
  }
}
