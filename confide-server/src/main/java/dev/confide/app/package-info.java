/**
 * The composition root: {@link dev.confide.app.Confide} builds the engine's object graph by hand
 * from the configuration, and {@link dev.confide.app.BackgroundJobs} runs the leased periodic jobs.
 */
package dev.confide.app;
