/**
 * Where personal data may go (P14, P16, P36): the processor registry (from the policy file, with
 * purposes derived from each processor's kind), each subject's data region, the transfer rule for
 * EU/EEA subjects, the one {@link dev.confide.disclosure.DisclosureGate} every outbound flow passes
 * and its adapters for model providers and the mail relay, the disclosure log it writes (counts
 * only, never values), and legal disclosures recorded by staff. Owns the column {@code
 * accounts.data_region} and the tables {@code disclosure_log}, {@code legal_disclosures} and
 * {@code legal_disclosure_subjects}.
 */
package dev.confide.disclosure;
