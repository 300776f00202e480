package dev.confide.http;

import dev.confide.app.Confide;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** Liveness, readiness and Prometheus metrics. */
final class OpsRoutes {
  private final Confide confide;
  private final PrometheusMeterRegistry metrics;

  OpsRoutes(Confide confide, PrometheusMeterRegistry metrics) {
    this.confide = confide;
    this.metrics = metrics;
  }

  void register(RoutesConfig routes) {
    routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
    routes.get("/readyz", this::ready);
    routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
  }

  private void ready(Context ctx) {
    boolean database = confide.database.isReachable();
    boolean keys = database && confide.isReady();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", database && keys ? "ready" : "not_ready");
    body.put("database", database ? "up" : "down");
    body.put("keys", keys ? "loaded" : "unavailable");
    ctx.status(database && keys ? 200 : 503).json(body);
  }
}
