package dev.confide.policy;

import java.time.LocalDate;

/** One published version of the policy, as listed in the rendered policy's history. */
public record VersionEntry(String version, LocalDate date, String summary) {}
