/**
 * Personal data breaches (P33): incident records with the 72-hour regulator clock (and the 60-day
 * HIPAA clock when HIPAA accounts are affected), the affected subjects resolved from an explicit
 * list or from the audit, access and usage logs, deadline reminders to the security and privacy
 * roles, notices to affected subjects tracked one by one, and a Markdown report for the regulator.
 * Delivery (mail, in-app) is behind {@link dev.confide.incidents.IncidentNotifier}. Every change is
 * audited. Owns the tables {@code incidents}, {@code incident_subjects}, {@code incident_events}
 * and {@code incident_reminders}; reads {@code access_logs}, {@code usage_records}, {@code
 * api_keys} and {@code accounts.hipaa} to scope.
 */
package dev.confide.incidents;
