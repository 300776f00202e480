package dev.confide.web;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * Who is signed in, from the request's session cookie. Supplied by the HTTP layer, which owns the
 * cookie format, so the web app never reads session cookies itself.
 */
@FunctionalInterface
public interface VisitorLookup {
  Optional<Visitor> visitor(Context ctx);
}
