package dev.confide.web;

import dev.confide.identity.PasswordPolicy;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;

/**
 * Sign-up (with the age gate, P34), log-in, and the page shown after an account is deleted. The
 * forms post to {@code /api/auth/*} from the browser; log-out is a button in the layout.
 */
final class AuthPages {
  private final Pages pages;
  private final int minimumAge;

  AuthPages(Pages pages, int minimumAge) {
    this.pages = pages;
    this.minimumAge = minimumAge;
  }

  void register(RoutesConfig routes) {
    routes.get("/login", ctx -> signedOutPage(ctx, "auth/login.jte", "Log in", Map.of()));
    routes.get("/signup", ctx -> signedOutPage(ctx, "auth/signup.jte", "Create your account",
        Map.of("minimumAge", minimumAge, "minPasswordLength", PasswordPolicy.MIN_LENGTH)));
    routes.get("/account-deleted", ctx -> pages.page(ctx, "auth/deleted.jte", pages.frame(ctx, "Your account is deleted", ""), Map.of()));
  }

  private void signedOutPage(Context ctx, String template, String title, Map<String, Object> model) {
    if (pages.visitor(ctx).isPresent()) {
      ctx.redirect("/chat", HttpStatus.SEE_OTHER);
      return;
    }
    pages.page(ctx, template, pages.frame(ctx, title, ""), model);
  }
}
