/**
 * Personal data in text: detection ({@link dev.confide.pii.PiiDetector}), the operators that redact,
 * mask, hash, pseudonymize or replace it with synthetic values, and the PII shield that keeps it from
 * model providers (P15, P31): placeholders out, originals restored in the answer, fail closed.
 * Owns {@code pii_provider_consents}.
 */
package dev.confide.pii;
