/**
 * The deployment's privacy policy as a file (DESIGN §2): the {@link dev.confide.policy.Policy}
 * model, its strict YAML {@link dev.confide.policy.PolicyLoader loader} and the two presets
 * ({@code infuzu}, {@code lumis}), the {@link dev.confide.policy.PromiseCatalogue catalogue} of
 * promises P01–P41, the {@link dev.confide.policy.PolicyVerifier verifier} that says which promises
 * the file makes and whether they hold, and the {@link dev.confide.policy.PolicyRenderer renderer}
 * that turns the same file into the human-readable policy, so text and behaviour cannot drift.
 * Owns no tables.
 */
package dev.confide.policy;
