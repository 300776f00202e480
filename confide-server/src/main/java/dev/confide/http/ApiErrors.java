package dev.confide.http;

import dev.confide.problem.Problem;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes {@code {"error":{"code","message"}}} with the status that fits the problem. */
final class ApiErrors {
  /** Request attribute set once an error body is written, so status-based handlers leave it be. */
  static final String WRITTEN = "confide.errorWritten";

  private ApiErrors() {}

  static int status(Problem.Kind kind) {
    return switch (kind) {
      case INVALID -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case TOO_LARGE -> 413;
      case UNPROCESSABLE -> 422;
      case RATE_LIMITED -> 429;
    };
  }

  static void write(Context ctx, int status, String code, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    ctx.attribute(WRITTEN, Boolean.TRUE);
    ctx.status(status).json(Map.of("error", error));
  }

  static void write(Context ctx, Problem problem) {
    write(ctx, status(problem.kind()), problem.code(), problem.getMessage());
  }
}
