package dev.confide.http;

import dev.confide.problem.Problem;
import io.javalin.http.Context;

/** Reads query parameters with the same clear 400 for every route. */
final class QueryParams {
  private QueryParams() {}

  /** A whole number within bounds, or {@code fallback} when absent. */
  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value < min || value > max) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw Problem.invalid("invalid_" + name, name + " must be a whole number from " + min + " to " + max);
    }
  }
}
