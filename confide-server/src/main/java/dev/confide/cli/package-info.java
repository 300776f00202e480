/**
 * The {@code confide} command line (picocli): {@code serve}, {@code keys status|rotate},
 * {@code staff create-admin}, {@code policy render|verify} and the operator commands. Commands that
 * touch the database work whether or not a server runs on the same data directory (H2's automatic
 * mixed mode, or PostgreSQL).
 */
package dev.confide.cli;
