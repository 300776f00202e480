package dev.confide.web;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * Which staff member is signed in, from the request's staff session cookie. Supplied by the HTTP
 * layer, which owns the cookie format, as {@link VisitorLookup} is for people.
 */
@FunctionalInterface
public interface StaffLookup {
  Optional<StaffVisitor> staff(Context ctx);
}
