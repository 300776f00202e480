package dev.confide.incidents;

import java.time.Instant;
import java.util.List;

/**
 * What staff record when a breach is found.
 *
 * @param detectedAt when it was detected; null means the same as {@code awareAt}
 * @param awareAt when the company became aware: the regulator clock starts here
 * @param categories categories of data involved, as short lower-case names (e.g. {@code contact_data})
 * @param scope the affected subjects, or null when not yet known
 */
public record NewIncident(Instant detectedAt, Instant awareAt, String description, List<String> categories,
    IncidentScope scope) {}
