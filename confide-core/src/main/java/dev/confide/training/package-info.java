/**
 * The model-training export (P12, P13): conversations of subjects who allow training, PII replaced
 * by consistent pseudonyms, no subject ids, and a summary whose counts carry differential-privacy
 * noise charged to a privacy budget.
 */
package dev.confide.training;
