package dev.confide.web;

import dev.confide.app.Confide;
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
