package dev.confide.http;

import dev.confide.models.ProviderException;
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
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case UNPROCESSABLE -> 422;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE -> 503;
    };
  }

  static void write(Context ctx, int status, String code, String message) {
    ctx.attribute(WRITTEN, Boolean.TRUE);
    ctx.status(status).json(body(ctx.path().startsWith("/v1/"), status, code, message));
  }

  /**
   * {@code {"error":{"code","message"}}}, in OpenAI's shape (with a type and a param) for the
   * OpenAI-compatible API: an error response's body, or a stream's error event.
   */
  static Map<String, Object> body(boolean openAi, int status, String code, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    if (openAi) {
      error.put("type", openAiType(status));
      error.put("param", null);
    }
    return Map.of("error", error);
  }

  static void write(Context ctx, Problem problem) {
    if (problem.retryAfterSeconds() != null) {
      ctx.header("Retry-After", String.valueOf(problem.retryAfterSeconds()));
    }
    write(ctx, status(problem.kind()), problem.code(), problem.getMessage());
  }

  /** A failed model provider: 429 stays 429, a refusal is 400, a timeout 504, anything else 502. */
  static void write(Context ctx, ProviderException failure) {
    if (failure.retryAfterSeconds() != null) {
      ctx.header("Retry-After", String.valueOf(failure.retryAfterSeconds()));
    }
    write(ctx, status(failure), code(failure), failure.getMessage());
  }

  static int status(ProviderException failure) {
    return switch (failure.kind()) {
      case RATE_LIMITED -> 429;
      case REJECTED -> 400;
      case TIMEOUT -> 504;
      case UPSTREAM_ERROR -> 502;
    };
  }

  static String code(ProviderException failure) {
    return switch (failure.kind()) {
      case RATE_LIMITED -> "upstream_rate_limited";
      case REJECTED -> "upstream_rejected";
      case TIMEOUT -> "upstream_timeout";
      case UPSTREAM_ERROR -> "upstream_error";
    };
  }

  static String openAiType(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 409 -> "conflict_error";
      case 429 -> "rate_limit_error";
      case 503 -> "service_unavailable_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }
}
