/**
 * Anonymous analytics: events that carry no subject id and no content, only a kind, a model, a
 * rating and a day (P06). Owns {@code analytics_events}. Differentially private statistics (P13):
 * exact discrete Laplace and discrete Gaussian noise ({@link dev.confide.analytics.DiscreteNoise}),
 * contribution-bounded counts and sums ({@link dev.confide.analytics.PrivateStatistics}) and the
 * privacy-budget ledger ({@link dev.confide.analytics.PrivacyBudget}), which owns
 * {@code privacy_budgets} and {@code privacy_budget_releases}; thumbs per model released through it
 * ({@link dev.confide.analytics.ThumbsStatistics}). The model leaderboard from decision data:
 * Bradley–Terry with bootstrap intervals ({@link dev.confide.analytics.Leaderboard}).
 */
package dev.confide.analytics;
