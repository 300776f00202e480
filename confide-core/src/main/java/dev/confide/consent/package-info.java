/**
 * A subject's privacy settings and consents: chat retention, data collection (P05), training
 * opt-out (P12), sale opt-out (P17), limit on sensitive data (P29), objections per purpose (P28),
 * communication (P37) and cookie preferences (P38), and restriction (P26). Every change lands in a
 * consent ledger with its time, source and policy version. Owns {@code subject_settings} and
 * {@code consent_ledger}.
 */
package dev.confide.consent;
