package dev.confide.audit;

/**
 * The stable action names of audit entries. Other packages append with these so that the admin
 * viewer and incident scoping can filter on them; a new kind of action gets a constant here.
 */
public final class AuditActions {
  private AuditActions() {}

  /** A staff member read one item of a subject's content under a break-glass grant. */
  public static final String CONTENT_READ = "content.read";
  public static final String GRANT_REQUESTED = "grant.requested";
  public static final String GRANT_OPENED = "grant.opened";
  public static final String GRANT_APPROVED = "grant.approved";
  public static final String GRANT_DENIED = "grant.denied";
  public static final String GRANT_REVOKED = "grant.revoked";
  public static final String GRANT_EXPIRED = "grant.expired";
  public static final String REQUEST_TRANSITION = "request.transition";
  public static final String KEY_ROTATED = "key.rotated";
  public static final String KEY_DESTROYED = "key.destroyed";
  public static final String ERASURE = "erasure";
  /** A staff member reported an account as a child's (P34), which erases it at once. */
  public static final String UNDERAGE_REPORT = "erasure.underage_report";
  public static final String POLICY_PUBLISHED = "policy.published";
  public static final String INCIDENT_CHANGED = "incident.changed";
  public static final String DISCLOSURE_RECORDED = "disclosure.recorded";
  /** A legal hold on a recorded disclosure was placed, changed or lifted. */
  public static final String DISCLOSURE_HOLD = "disclosure.hold";
  public static final String STAFF_LOGIN = "staff.login";
  /** A wrong password or authenticator code for an existing staff account. */
  public static final String STAFF_LOGIN_FAILED = "staff.login_failed";
  /** An operator disabled a staff member, changed their roles or reset their second factor. */
  public static final String STAFF_DISABLED = "staff.disabled";
  public static final String STAFF_ROLES_CHANGED = "staff.roles_changed";
  public static final String STAFF_TOTP_RESET = "staff.totp_reset";
}
