package dev.confide.web;

import dev.confide.identity.StaffRole;
import java.util.Set;
import java.util.UUID;

/**
 * A signed-in staff member looking at a console page: their roles, the staff CSRF token their page
 * must echo to {@code /api/admin}, and whether a one-time password still has to be replaced.
 */
public record StaffVisitor(UUID staffId, Set<StaffRole> roles, String csrfToken, boolean passwordChangeRequired) {
  public StaffVisitor {
    roles = Set.copyOf(roles);
  }
}
