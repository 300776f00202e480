package dev.confide.web;

import dev.confide.app.Confide;
import dev.confide.http.JsonBody;
import dev.confide.problem.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpStatus;

/** The web app's routes: static assets, the page groups for people, and the staff console. */
public final class WebApp {
  private final Confide confide;
  private final Pages pages;
  private final StaffLookup staff;

  public WebApp(Confide confide, VisitorLookup visitors, StaffLookup staff) {
    this.confide = confide;
    this.pages = new Pages(confide, visitors);
    this.staff = staff;
  }

  public void register(RoutesConfig routes) {
    new Assets().register(routes);
    routes.get("/", ctx -> ctx.redirect(pages.visitor(ctx).isPresent() ? "/chat" : "/login", HttpStatus.SEE_OTHER));
    new AuthPages(pages, confide.config.ageGate().minimumAge()).register(routes);
    new ChatPages(pages, confide).register(routes);
    new HistoryPages(pages, confide).register(routes);
    new PrivacyCenterPages(pages, confide).register(routes);
    new StaffPages(pages, confide, staff).register(routes);
    // The banner's choice, set by the server so the cookie can be sealed. JSON only: a cross-site form cannot
    // send it, so no other site can record a consent for the visitor.
    routes.post("/api/cookie-choice", ctx -> {
      String choice = JsonBody.read(ctx, java.util.Set.of("choice")).requiredString("choice");
      if (!CookieConsent.CHOICES.contains(choice)) {
        throw Problem.invalid("invalid_choice", "send {\"choice\": \"analytics\"} or {\"choice\": \"essential\"}");
      }
      if ("analytics".equals(choice) && "1".equals(ctx.header("Sec-GPC"))) {
        throw new Problem(Problem.Kind.CONFLICT, "gpc_refuses_analytics",
            "your browser sends the Global Privacy Control signal, which refuses analytics cookies");
      }
      pages.consent().record(ctx, choice);
      ctx.status(204);
    });
    routes.exception(Pages.SignInRequired.class, (e, ctx) -> {
      if (ctx.header("HX-Request") != null) {
        // htmx would swap the log-in page into a fragment; ask it to load the whole page instead
        ctx.header("HX-Redirect", "/login").status(HttpStatus.NO_CONTENT);
      } else {
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
      }
    });
  }
}
