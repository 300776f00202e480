package dev.confide.consent;

/**
 * What a subject has before changing anything, from the deployment's policy: chat retention (null:
 * keep), data collection on or off (off for HIPAA accounts, P31).
 */
public record SettingsDefaults(Integer chatRetentionDays, boolean dataCollection, boolean dataCollectionForHipaa) {}
