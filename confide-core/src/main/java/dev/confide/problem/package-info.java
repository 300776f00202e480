/**
 * Client-facing failures: a {@link dev.confide.problem.Problem} carries a stable machine-readable
 * code and a message that is safe to show (never user data). Every capability throws these for
 * mistakes a caller can fix; the HTTP layer maps the {@link dev.confide.problem.Problem.Kind} to a
 * status code.
 */
package dev.confide.problem;
