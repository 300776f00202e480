package dev.confide.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.confide.app.Confide;
import dev.confide.config.ConfideConfig;
import dev.confide.identity.ApiKeys;
import dev.confide.models.DeltaSink;
import dev.confide.models.ProviderException;
import dev.confide.problem.Problem;
import dev.confide.store.SqlErrors;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and runs the Javalin server: cross-cutting handlers (security headers, body limit,
 * authentication and CSRF, metrics, JSON errors) and the route groups.
 */
public final class ConfideHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfideHttp.class);
  private static final String PRINCIPAL = "confide.principal";
  private static final String STARTED = "confide.started";
  // The cookie choice is the banner's, for visitors too; JSON only, so no other site can send it (dev.confide.web.WebApp).
  private static final Set<String> PUBLIC_API = Set.of("/api/auth/signup", "/api/auth/login", "/api/privacy/receipt-key",
      PolicyRoutes.PUBLIC_POLICY, "/api/cookie-choice");

  private final Confide confide;
  private final ConfideConfig config;
  private final PrometheusMeterRegistry metrics;
  private final SessionCookie sessionCookie;
  private final ClientAddress clients;
  private final SettingsRoutes settingsRoutes;
  private final boolean tls;
  private final Javalin app;
  private final QueuedThreadPool requestThreads;

  private ConfideHttp(Confide confide, boolean tls) {
    this.confide = confide;
    this.config = confide.config;
    this.tls = tls;
    this.metrics = confide.metrics;
    this.sessionCookie = new SessionCookie(confide.cookieSealer, tls || config.server().secureCookies());
    this.clients = new ClientAddress(config.server().trustedProxies() == null ? java.util.List.of() : config.server().trustedProxies());
    this.settingsRoutes = new SettingsRoutes(confide);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    // Streaming answers hold a thread each: size the pool for a few hundred concurrent streams.
    // Threads the pool grew for a burst stay idle for a minute, so "busy" is the figure that shows a leak.
    this.requestThreads = new QueuedThreadPool(600, 8, 60_000);
    requestThreads.setName("confide-http");
    Gauge.builder("confide.http.threads.busy", requestThreads, QueuedThreadPool::getUtilizedThreads)
        .description("request threads serving a request or holding a stream").register(metrics);
    Gauge.builder("confide.http.threads", requestThreads, QueuedThreadPool::getThreads)
        .description("request threads started, busy or idle").register(metrics);
    this.app = Javalin.create(this::configure);
  }

  /** Starts serving; with {@code tls} on HTTPS only (TLS 1.3 and 1.2, P-521 certificate). */
  public static ConfideHttp start(Confide confide, boolean tls) {
    ConfideHttp http = new ConfideHttp(confide, tls);
    http.app.start();
    LOG.info("listening on {}://{}:{}", tls ? "https" : "http", confide.config.server().host(), http.port());
    return http;
  }

  public int port() {
    return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
  }

  /** Request threads serving a request right now; idle ones and those Jetty leases for accepting and selecting do not count. */
  int busyRequestThreads() {
    return requestThreads.getUtilizedThreads();
  }

  /** The routes, for tests that check every endpoint has an authorization expectation. */
  public Javalin javalin() {
    return app;
  }

  @Override
  public void close() {
    app.stop();
  }

  private void configure(JavalinConfig c) {
    ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    c.jsonMapper(new JavalinJackson(mapper, false));
    c.http.maxRequestSize = config.server().maxBodyBytes();
    c.startup.showJavalinBanner = false;
    c.startup.showOldJavalinVersionWarning = false;
    c.jetty.host = config.server().host();
    c.jetty.port = config.server().port();
    c.jetty.threadPool = requestThreads;
    // No version in a Server header; Jetty's default limits stay (8 KiB of headers -> 431, 30 s idle
    // connections closed) and what Jetty refuses itself gets the JSON error shape and security headers.
    c.jetty.modifyHttpConfiguration(http -> {
      http.setSendServerVersion(false);
      http.setSendXPoweredBy(false);
    });
    c.jetty.modifyServer(server -> server.setErrorHandler(
        new JettyErrors(tls ? "max-age=" + config.server().tls().hstsMaxAgeSeconds() : null)));
    if (tls) {
      TlsConnector tlsConnector = TlsConnector.fromConfig(config);
      c.jetty.addConnector((server, httpConfig) -> tlsConnector.create(server, httpConfig));
    }
    c.requestLogger.http((ctx, ms) -> LOG.info("http {} {} {} {}ms",
        ctx.method(), routeOf(ctx), ctx.statusCode(), Math.round(ms)));

    c.routes.before(this::commonHeaders);
    c.routes.before("/api/*", this::authenticate);
    c.routes.before("/v1/*", this::authenticate);
    c.routes.after(this::makeDurable);
    c.routes.after(this::recordMetrics);

    new OpsRoutes(confide, metrics).register(c.routes);
    // One throttle for sign-up, log-in and e-mail changes: each of them tells whether an address has an account.
    LoginThrottle userThrottle = new LoginThrottle(config.loginLimits().perAccountPerMinute(), config.loginLimits().perIpPerMinute());
    new AuthRoutes(confide, sessionCookie, clients, userThrottle).register(c.routes);
    new AccountRoutes(confide, sessionCookie, clients, userThrottle).register(c.routes);
    SessionCookie staffCookie = new SessionCookie(confide.cookieSealer, tls || config.server().secureCookies(), "confide_staff");
    new StaffAuthRoutes(confide, staffCookie, clients,
        new LoginThrottle(config.loginLimits().perAccountPerMinute(), config.loginLimits().perIpPerMinute()))
        .register(c.routes);
    new AdminRoutes(confide).register(c.routes);
    new NoticeRoutes(confide).register(c.routes);
    new GovernanceRoutes(confide).register(c.routes);
    new DisclosureRoutes(confide).register(c.routes);
    new AnalyticsRoutes(confide).register(c.routes);
    c.routes.after("/api/admin/*", this::auditStaffCall);
    new OpenAiRoutes(confide.chat, confide.models, config.gateway().maxPromptChars()).register(c.routes);
    new ChatRoutes(confide.chat, confide.usage, confide.clock).register(c.routes);
    new ShieldRoutes(confide).register(c.routes);
    settingsRoutes.register(c.routes);
    new PrivacyRequestRoutes(confide).register(c.routes);
    new PolicyRoutes(confide, tls).register(c.routes);
    // The web pages: the visitor comes from the same session cookie, and Sec-GPC is honoured as on the API;
    // the staff console's staff member from the staff cookie, as on /api/admin.
    new dev.confide.web.WebApp(confide, ctx -> sessionCookie.read(ctx).flatMap(s -> confide.sessions.resolve(s.sessionId())
        .map(subject -> {
          settingsRoutes.honourGlobalPrivacyControl(ctx, subject);
          return new dev.confide.web.Visitor(subject, SessionCookie.csrfToken(s.csrf()));
        })), ctx -> staffCookie.read(ctx).flatMap(s -> confide.staffSessions.resolve(s.sessionId())
        .flatMap(confide.staff::member)
        .map(m -> new dev.confide.web.StaffVisitor(m.id(), m.roles(), SessionCookie.csrfToken(s.csrf()),
            m.passwordChangeRequired())))).register(c.routes);

    c.routes.exception(Problem.class, (e, ctx) -> ApiErrors.write(ctx, e));
    c.routes.exception(ProviderException.class, (e, ctx) -> ApiErrors.write(ctx, e));
    c.routes.exception(DeltaSink.ClientGoneException.class, (e, ctx) -> LOG.debug("client went away on {}", routeOf(ctx)));
    c.routes.exception(HttpResponseException.class, (e, ctx) -> ApiErrors.write(ctx, e.getStatus(),
        codeFor(e.getStatus()), messageFor(e.getStatus())));
    c.routes.exception(Exception.class, (e, ctx) -> {
      Fault fault = fault(ctx, e);
      if (fault.retryAfterSeconds() != null) {
        ctx.header("Retry-After", String.valueOf(fault.retryAfterSeconds()));
      }
      ApiErrors.write(ctx, fault.status(), fault.code(), fault.message());
    });
    c.routes.error(404, ctx -> {
      if (ctx.attribute(ApiErrors.WRITTEN) == null) {
        ApiErrors.write(ctx, 404, "not_found", "no such resource");
      }
    });
    c.routes.error(405, ctx -> {
      if (ctx.attribute(ApiErrors.WRITTEN) == null) {
        ApiErrors.write(ctx, 405, "method_not_allowed", "this method is not allowed here");
      }
    });
  }

  private void commonHeaders(Context ctx) {
    ctx.attribute(STARTED, System.nanoTime());
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-store");
    if (tls) {
      ctx.header("Strict-Transport-Security", "max-age=" + config.server().tls().hstsMaxAgeSeconds());
    }
    long declared = ctx.contentLength();
    if (declared > config.server().maxBodyBytes()) {
      throw new Problem(Problem.Kind.TOO_LARGE, "body_too_large",
          "the body is larger than " + config.server().maxBodyBytes() + " bytes");
    }
  }

  /**
   * A request that changed state is acknowledged only once its commits survive a kill -9 (the
   * response is written after the after-handlers; a streamed chat answer is made durable by
   * ChatService before its last event). A failure here turns the response into an error.
   */
  private void makeDurable(Context ctx) {
    // A response already on its way (a stream) was made durable by its writer before its last
    // event, and a failure here could no longer be reported to the client anyway.
    if (ctx.res().isCommitted()) {
      return;
    }
    if (!changesState(ctx.method()) || ctx.statusCode() >= 500) {
      return;
    }
    // A refused anonymous request (a bad log-in, a malformed sign-up) commits nothing, and letting it
    // force a checkpoint would let anyone keep the database busy writing pages.
    boolean anonymous = ctx.attribute(PRINCIPAL) == null && ctx.attribute(StaffAuthRoutes.STAFF) == null;
    if (anonymous && ctx.statusCode() >= 400) {
      return;
    }
    confide.database.makeCommitsDurable();
  }

  /** P22: every staff API call leaves an audit entry: who, which route, which subject, the outcome. */
  private void auditStaffCall(Context ctx) {
    StaffPrincipal staff = ctx.attribute(StaffAuthRoutes.STAFF);
    if (staff == null) {
      return;
    }
    String route = routeOf(ctx).replaceAll("[^a-z0-9]+", ".").replaceAll("^\\.|\\.$", "");
    var event = dev.confide.audit.AuditEvent.of(dev.confide.audit.Actor.staff(staff.staffId()), "staff.api")
        .with("route", route.isEmpty() ? "root" : route.length() > 60 ? route.substring(0, 60) : route)
        .with("method", ctx.method().name().toLowerCase(java.util.Locale.ROOT))
        .with("status", ctx.statusCode());
    String subject = ctx.pathParamMap().get("id");
    if (subject != null && routeOf(ctx).startsWith("/api/admin/subjects/")) {
      try {
        event = event.about(UUID.fromString(subject));
      } catch (IllegalArgumentException ignored) {
        // a malformed id was answered 404; nothing to link
      }
    }
    confide.auditLog.append(event);
  }

  private void authenticate(Context ctx) {
    if (ctx.method() == HandlerType.OPTIONS || PUBLIC_API.contains(ctx.path()) || ctx.path().startsWith("/api/admin/")) {
      return; // the staff API authenticates staff, never end users (StaffAuthRoutes)
    }
    Principal principal = resolvePrincipal(ctx);
    if (principal.viaCookie() && changesState(ctx.method())) {
      String sent = ctx.header("X-CSRF-Token");
      String expected = SessionCookie.csrfToken(principal.csrfToken());
      if (sent == null || !java.security.MessageDigest.isEqual(sent.getBytes(), expected.getBytes())) {
        throw new Problem(Problem.Kind.FORBIDDEN, "csrf_failed",
            "send the csrfToken from sign-up or log-in in the X-CSRF-Token header");
      }
    }
    ctx.attribute(PRINCIPAL, principal);
    settingsRoutes.honourGlobalPrivacyControl(ctx, principal.subject());
  }

  private Principal resolvePrincipal(Context ctx) {
    String authorization = ctx.header("Authorization");
    if (authorization != null) {
      if (!authorization.startsWith("Bearer ")) {
        throw unauthenticated();
      }
      ApiKeys.Principal key = confide.apiKeys.authenticate(authorization.substring("Bearer ".length()).trim())
          .orElseThrow(ConfideHttp::unauthenticated);
      confide.accessLog.recordKeyUse(key.subject(), key.keyId(), clients.of(ctx), ctx.header("User-Agent"));
      return new Principal(key.subject(), null, null, key.keyId());
    }
    SessionCookie.Contents contents = sessionCookie.read(ctx).orElseThrow(ConfideHttp::unauthenticated);
    UUID subject = confide.sessions.resolve(contents.sessionId()).orElseThrow(ConfideHttp::unauthenticated);
    sessionCookie.refreshIfOld(ctx, contents,
        confide.clock.instant().plus(java.time.Duration.ofDays(config.sessions().maxAgeDays())), confide.clock.instant());
    return new Principal(subject, contents.sessionId(), contents.csrf(), null);
  }

  static Principal principal(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL);
    if (principal == null) {
      throw unauthenticated();
    }
    return principal;
  }

  private static Problem unauthenticated() {
    return new Problem(Problem.Kind.UNAUTHENTICATED, "unauthenticated", "sign in, or send a valid API key as a Bearer token");
  }

  static boolean changesState(HandlerType method) {
    return method == HandlerType.POST || method == HandlerType.PUT || method == HandlerType.PATCH
        || method == HandlerType.DELETE;
  }

  private void recordMetrics(Context ctx) {
    Long started = ctx.attribute(STARTED);
    if (started != null) {
      Timer.builder("http.server.requests")
          .tags("method", ctx.method().name(), "route", routeOf(ctx), "status", String.valueOf(ctx.statusCode()))
          .register(metrics)
          .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  /** The route template, never the raw path: ids stay out of logs and metric labels. */
  static String routeOf(Context ctx) {
    try {
      var endpoint = ctx.endpoints().lastHttpEndpoint();
      return endpoint == null ? "unmatched" : endpoint.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "body_too_large";
      case 415 -> "unsupported_media_type";
      default -> status >= 500 ? "internal_error" : "request_refused";
    };
  }

  private static String messageFor(int status) {
    return switch (status) {
      case 404 -> "no such resource";
      case 405 -> "this method is not allowed here";
      case 413 -> "the body is too large";
      default -> "the request was refused";
    };
  }

  /** A failure as the client is told of it: never a stack trace or data. */
  record Fault(int status, String code, String message, Long retryAfterSeconds) {
    /** The error body, in OpenAI's shape when {@code openAi}. */
    Map<String, Object> body(boolean openAi) {
      return ApiErrors.body(openAi, status, code, message);
    }
  }

  /**
   * Classifies a failure (and logs a fault of the machinery, which the client may retry later).
   * Used for error responses and for the error event of a stream that had already begun.
   */
  static Fault fault(Context ctx, Exception e) {
    if (e instanceof Problem problem) {
      return new Fault(ApiErrors.status(problem.kind()), problem.code(), problem.getMessage(), problem.retryAfterSeconds());
    }
    if (e instanceof ProviderException failure) {
      return new Fault(ApiErrors.status(failure), ApiErrors.code(failure), failure.getMessage(), failure.retryAfterSeconds());
    }
    if (SqlErrors.isStorageFull(e)) {
      LOG.error("storage is full on {} {}: {}", ctx.method(), routeOf(ctx), e.getClass().getSimpleName());
      return new Fault(507, "storage_full", "the server has run out of storage; nothing was saved for this request, try again later", 60L);
    }
    if (SqlErrors.isDatabaseUnavailable(e)) {
      LOG.warn("database unavailable on {} {}: {}", ctx.method(), routeOf(ctx), e.getClass().getSimpleName());
      return new Fault(503, "database_unavailable", "the database cannot be reached right now; try again shortly", 5L);
    }
    String incident = UUID.randomUUID().toString();
    LOG.error("unhandled error, incident {} on {} {}", incident, ctx.method(), routeOf(ctx), dev.confide.problem.Unexplained.of(e));
    return new Fault(500, "internal_error", "something went wrong on our side (incident " + incident + ")", null);
  }

  static Map<String, Object> data(Object list) {
    return Map.of("data", list);
  }
}
