package dev.confide.web;

import dev.confide.app.Confide;
import dev.confide.notify.Notices.Notice;
import dev.confide.problem.Problem;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Renders pages and fragments with the precompiled templates and puts the security headers on
 * every HTML response. Also answers who is signed in, once per request.
 */
final class Pages {
  /** No inline script or style, nothing from other origins, never framed. */
  static final String CONTENT_SECURITY_POLICY = String.join("; ",
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
      "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'");
  private static final String VISITOR = "confide.web.visitor";
  /** ConfideHttp's status handlers write a JSON error unless this request attribute (ApiErrors.WRITTEN) is set. */
  static final String ERROR_WRITTEN = "confide.errorWritten";

  /** Thrown by a page that needs a signed-in visitor; answered with a redirect to the log-in page. */
  static final class SignInRequired extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SignInRequired() {
      super("sign in first", null, false, false);
    }
  }

  private final TemplateEngine templates =
      TemplateEngine.createPrecompiled(null, ContentType.Html, Pages.class.getClassLoader(), "dev.confide.web.jte");
  private final Confide confide;
  private final VisitorLookup visitors;
  private final CookieConsent consent;

  Pages(Confide confide, VisitorLookup visitors) {
    this.confide = confide;
    this.visitors = visitors;
    this.consent = new CookieConsent(confide.settings, confide.cookieSealer, confide.config.server().secureCookies());
  }

  Optional<Visitor> visitor(Context ctx) {
    Optional<Visitor> known = ctx.attribute(VISITOR);
    if (known == null) {
      known = visitors.visitor(ctx);
      ctx.attribute(VISITOR, known);
    }
    return known;
  }

  Visitor requireVisitor(Context ctx) {
    return visitor(ctx).orElseThrow(SignInRequired::new);
  }

  CookieConsent consent() {
    return consent;
  }

  /** The layout's view of the request: who is signed in, which section, the cookie banner. */
  Frame frame(Context ctx, String title, String section) {
    Optional<Visitor> visitor = visitor(ctx);
    CookieConsent.State cookies = consent.of(ctx, visitor);
    String name = visitor.flatMap(v -> confide.accounts.profile(v.subject())).map(p -> p.name()).orElse(null);
    return new Frame(title, section, name, visitor.map(Visitor::csrfToken).orElse(null),
        cookies.showBanner(), cookies.analytics(), cookies.gpc(), visitor.map(v -> pendingNotices(v.subject())).orElse(List.of()));
  }

  /** Counted first: nearly every page view has none, and the count opens nothing sealed. */
  private List<Notice> pendingNotices(UUID subject) {
    if (confide.notices.pendingAck(subject) == 0) {
      return List.of();
    }
    return confide.notices.list(subject).stream().filter(Notice::pendingAck).toList();
  }

  /** A whole page: {@code template} gets {@code frame} plus the model. */
  void page(Context ctx, String template, Frame frame, Map<String, Object> model) {
    Map<String, Object> params = new HashMap<>(model);
    params.put("frame", frame);
    render(ctx, template, params);
  }

  /** A piece of a page, for htmx to swap in. */
  void fragment(Context ctx, String template, Map<String, Object> model) {
    render(ctx, template, model);
  }

  /**
   * Wraps a page handler so that a problem (an id that is not the visitor's, a bad query) becomes
   * an HTML error page rather than the API's JSON error.
   */
  Handler html(Handler handler) {
    return ctx -> {
      try {
        handler.handle(ctx);
      } catch (Problem problem) {
        int status = problem.kind() == Problem.Kind.NOT_FOUND ? 404 : 400;
        ctx.status(status).attribute(ERROR_WRITTEN, Boolean.TRUE);
        page(ctx, "error.jte", frame(ctx, status == 404 ? "Not found" : "Something is wrong", ""),
            Map.of("message", problem.getMessage()));
      }
    };
  }

  /** Renders {@code template} with exactly {@code params}, with the security headers. */
  void render(Context ctx, String template, Map<String, Object> params) {
    StringOutput out = new StringOutput();
    templates.render(template, params, out);
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.contentType("text/html; charset=utf-8").result(out.toString());
  }
}
