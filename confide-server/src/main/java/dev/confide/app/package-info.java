/**
 * The composition root: {@link dev.confide.app.Confide} builds the engine's object graph by hand
 * from the configuration, binding each outbound channel to a processor of the policy ({@link
 * dev.confide.app.OutboundProcessors}), and {@link dev.confide.app.BackgroundJobs} runs the leased
 * periodic jobs. {@link dev.confide.app.RuntimeSelfChecks} answers the policy's self-checks from the
 * live engine, and {@link dev.confide.app.PolicyPublisher} publishes the running policy file as a
 * version (P35).
 */
package dev.confide.app;
