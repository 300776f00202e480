package dev.confide.http;

import dev.confide.identity.StaffRole;
import dev.confide.problem.Problem;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;

/** A signed-in staff member calling {@code /api/admin}. Roles are re-read from the directory per request. */
record StaffPrincipal(UUID staffId, Set<StaffRole> roles, byte[] sessionId, byte[] csrf) {

  /** Refuses unless the staff member holds one of {@code allowed}. */
  void requireAny(StaffRole... allowed) {
    if (Arrays.stream(allowed).noneMatch(roles::contains)) {
      throw new Problem(Problem.Kind.FORBIDDEN, "forbidden_role",
          "this needs one of the roles " + Arrays.stream(allowed).map(StaffRole::wireName).toList());
    }
  }
}
