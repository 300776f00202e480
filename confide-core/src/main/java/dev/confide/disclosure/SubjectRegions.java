package dev.confide.disclosure;

import dev.confide.problem.Problem;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Each subject's data region (P36): {@code EU} or an ISO country code, set at sign-up, corrected by
 * the subject or set by staff. An account without one is in the deployment's default region, so
 * changing the default in the configuration moves every subject who never had a region of their own.
 */
public final class SubjectRegions {
  private final Jdbi jdbi;
  private final String defaultRegion;

  /** @param defaultRegion {@code EU} or an ISO 3166-1 alpha-2 code, from the configuration */
  public SubjectRegions(Jdbi jdbi, String defaultRegion) {
    this.jdbi = jdbi;
    this.defaultRegion = Regions.region(defaultRegion);
  }

  public String defaultRegion() {
    return defaultRegion;
  }

  /** The subject's region; the default for subjects without one, including unknown subjects. */
  public String region(UUID subject) {
    return jdbi.withHandle(h -> region(h, subject));
  }

  /** As {@link #region(UUID)}, inside the caller's transaction. */
  public String region(Handle h, UUID subject) {
    Optional<String> stored = h.createQuery("SELECT data_region FROM accounts WHERE subject_id = :s")
        .bind("s", subject).mapTo(String.class).findOne();
    return stored.orElse(defaultRegion);
  }

  /**
   * A region as a subject or staff member gives it: {@code EU} or a country code, any case.
   *
   * @throws Problem {@code invalid_region} for anything else
   */
  public static String parse(String region) {
    try {
      return Regions.region(region);
    } catch (IllegalArgumentException e) {
      throw Problem.invalid("invalid_region", "region must be EU or an ISO 3166-1 alpha-2 country code");
    }
  }

  /**
   * Sets the subject's region (at sign-up, or by staff).
   *
   * @throws Problem {@code invalid_region} for anything but {@code EU} or a country code;
   *     {@code not_found} for an unknown subject
   */
  public void set(UUID subject, String region) {
    String value = parse(region);
    int updated = jdbi.withHandle(h -> h.createUpdate("UPDATE accounts SET data_region = :r WHERE subject_id = :s")
        .bind("r", value).bind("s", subject).execute());
    if (updated == 0) {
      throw Problem.notFound("no such account");
    }
  }
}
