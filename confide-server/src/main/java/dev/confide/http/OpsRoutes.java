package dev.confide.http;

import dev.confide.app.Confide;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
    routes.get("/metrics", this::metrics);
  }

  /**
   * Metrics hold no personal data, but they do tell an outsider how busy the service is and which
   * routes fail; so they need the configured token, or, with none, come only to this host (a local
   * scraper or sidecar), never through a proxy, which would add {@code X-Forwarded-For}.
   */
  private void metrics(Context ctx) {
    String token = confide.config.server().metricsToken();
    if (token != null) {
      String sent = ctx.header("Authorization");
      if (sent == null || !MessageDigest.isEqual(("Bearer " + token).getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8))) {
        throw new Problem(Problem.Kind.UNAUTHENTICATED, "unauthenticated", "send the metrics token as Authorization: Bearer");
      }
    } else if (!ClientAddress.isLoopback(ctx.ip()) || ctx.header("X-Forwarded-For") != null || ctx.header("Forwarded") != null) {
      throw new Problem(Problem.Kind.FORBIDDEN, "metrics_local_only",
          "metrics are served to this host only; set server.metricsToken to scrape them from elsewhere");
    }
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
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
