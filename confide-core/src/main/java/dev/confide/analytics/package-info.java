/**
 * Anonymous analytics: events that carry no subject id and no content, only a kind, a model, a
 * rating and a day (P06). Owns {@code analytics_events}.
 */
package dev.confide.analytics;
