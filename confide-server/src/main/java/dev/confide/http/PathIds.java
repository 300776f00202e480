package dev.confide.http;

import dev.confide.problem.Problem;
import io.javalin.http.Context;
import java.util.UUID;

/** Reads a UUID path parameter. A malformed id is "not found", like an id that is not the caller's. */
final class PathIds {
  private PathIds() {}

  static UUID uuid(Context ctx, String what) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw Problem.notFound("no such " + what);
    }
  }
}
