package dev.confide.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.app.Confide;
import dev.confide.consent.Settings;
import dev.confide.identity.PasswordPolicy;
import dev.confide.problem.Problem;
import dev.confide.rights.PrivacyRequests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * The staff console under {@code /staff}: log-in with TOTP, the forced password change, and one
 * page per task (privacy requests, break-glass grants and subjects, audit log, incidents, policy,
 * processors and disclosures, models and usage, keys and retention).
 *
 * <p>Pages are shells: whatever concerns a data subject is fetched by the browser from
 * {@code /api/admin}, and every change is sent there with the staff CSRF token, so role checks and
 * the audit entry of each staff call stay in the API. Rendered here are only facts without
 * personal values that have no API: key ages, job runs, usage per model, the policy file's lists.
 */
final class StaffPages {
  static final String LOGIN = "/staff/login";
  static final String PASSWORD = "/staff/password";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter DATETIME_LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").withZone(ZoneOffset.UTC);
  private static final int USAGE_MONTHS = 6;

  /** Sends the browser to the log-in page, or to replace a one-time password first. */
  static final class Redirect extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String to;

    Redirect(String to) {
      super(to, null, false, false);
      this.to = to;
    }
  }

  private final Pages pages;
  private final Confide confide;
  private final StaffLookup lookup;
  private final ConsoleFacts facts;

  StaffPages(Pages pages, Confide confide, StaffLookup lookup) {
    this.pages = pages;
    this.confide = confide;
    this.lookup = lookup;
    this.facts = new ConsoleFacts(confide);
  }

  void register(RoutesConfig routes) {
    routes.get(LOGIN, this::logIn);
    routes.get(PASSWORD, ctx -> {
      StaffVisitor staff = lookup.staff(ctx).orElseThrow(() -> new Redirect(LOGIN));
      render(ctx, "staff/password.jte", new StaffFrame("Choose your password", "", staff, confide.clock.instant()),
          Map.of("required", staff.passwordChangeRequired(), "minPasswordLength", PasswordPolicy.MIN_LENGTH));
    });
    console(routes, "/staff", "staff/requests.jte", "Privacy requests", "requests", ctx -> Map.of(
        "types", new TreeSet<>(PrivacyRequests.TYPES),
        "jurisdictions", confide.policy.jurisdictions(),
        "purposes", new TreeSet<>(Settings.PURPOSES),
        "now", DATETIME_LOCAL.format(confide.clock.instant())));
    console(routes, "/staff/grants", "staff/grants.jte", "Break-glass grants", "grants", ctx -> Map.of(
        "subject", Optional.ofNullable(ctx.queryParam("subject")).filter(StaffPages::isUuid).orElse(""),
        "approvalRequired", confide.config.staff().grantApproval()));
    console(routes, "/staff/subjects/{id}", "staff/subject.jte", "Subject", "grants", ctx -> Map.of("subject", id(ctx)));
    console(routes, "/staff/audit", "staff/audit.jte", "Audit log", "audit", ctx -> Map.of());
    console(routes, "/staff/incidents", "staff/incidents.jte", "Incidents", "incidents", ctx -> Map.of(
        "categories", confide.policy.categories(),
        "regulatorHours", confide.policy.breach().regulatorHours(),
        "now", DATETIME_LOCAL.format(confide.clock.instant())));
    console(routes, "/staff/incidents/{id}", "staff/incident.jte", "Incident", "incidents", ctx -> Map.of(
        "incident", id(ctx), "regulatorHours", confide.policy.breach().regulatorHours()));
    console(routes, "/staff/policy", "staff/policy.jte", "Privacy policy", "policy", ctx -> Map.of("policy", confide.policy));
    console(routes, "/staff/disclosures", "staff/disclosures.jte", "Processors and disclosures", "disclosures",
        ctx -> Map.of("processors", confide.policy.processors(), "categories", confide.policy.categories()));
    console(routes, "/staff/analytics", "staff/analytics.jte", "Models and usage", "analytics", ctx -> {
      ConsoleFacts.Usage usage = facts.usage(USAGE_MONTHS);
      return Map.of("usage", usage.rows(), "usageJson", json(usage), "months", USAGE_MONTHS);
    });
    console(routes, "/staff/status", "staff/status.jte", "Keys and retention", "status", ctx -> Map.of(
        "keys", facts.keyEncryptionKeys(), "jobs", facts.jobs(), "retention", confide.policy.retention(),
        "deletionWindowDays", confide.config.keys().deletionWindowDays()));
    routes.exception(Redirect.class, (e, ctx) -> ctx.redirect(e.to, HttpStatus.SEE_OTHER));
  }

  private void logIn(Context ctx) {
    Optional<StaffVisitor> staff = lookup.staff(ctx);
    if (staff.isPresent()) {
      ctx.redirect(staff.get().passwordChangeRequired() ? PASSWORD : "/staff", HttpStatus.SEE_OTHER);
      return;
    }
    render(ctx, "staff/login.jte", new StaffFrame("Staff log-in", "", null, confide.clock.instant()), Map.of());
  }

  /** A console page: needs a staff session with a password of their own. */
  private void console(RoutesConfig routes, String path, String template, String title, String section,
      Function<Context, Map<String, Object>> model) {
    routes.get(path, ctx -> {
      StaffVisitor staff = lookup.staff(ctx).orElseThrow(() -> new Redirect(LOGIN));
      if (staff.passwordChangeRequired()) {
        throw new Redirect(PASSWORD);
      }
      StaffFrame frame = new StaffFrame(title, section, staff, confide.clock.instant());
      try {
        render(ctx, template, frame, model.apply(ctx));
      } catch (Problem problem) {
        ctx.status(404).attribute(Pages.ERROR_WRITTEN, Boolean.TRUE);
        render(ctx, "staff/error.jte", new StaffFrame("Not found", section, staff, frame.now()),
            Map.of("message", problem.getMessage()));
      }
    });
  }

  private void render(Context ctx, String template, StaffFrame frame, Map<String, Object> model) {
    Map<String, Object> params = new HashMap<>(model);
    params.put("frame", frame);
    pages.render(ctx, template, params);
  }

  private static String id(Context ctx) {
    String id = ctx.pathParam("id");
    if (!isUuid(id)) {
      throw Problem.notFound("there is nothing at this address");
    }
    return id;
  }

  private static boolean isUuid(String text) {
    try {
      return UUID.fromString(text).toString().equalsIgnoreCase(text);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
