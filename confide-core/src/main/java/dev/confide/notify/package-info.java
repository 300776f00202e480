/**
 * Telling people things: the transactional mail outbox and its dispatcher (SMTP through Angus Mail,
 * or .eml files when no relay is configured), plain-text mail templates, in-app notices with
 * acknowledgement, and policy versions whose significant updates are announced to every account
 * (P35). Product and marketing mail obey communication preferences; legal mail always goes (P37).
 * Owns {@code mail_outbox}, {@code notices} and {@code policy_versions}.
 */
package dev.confide.notify;
