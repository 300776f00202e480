/**
 * Database access: the connection pool, Flyway migrations that serve both the embedded H2 file
 * database (PostgreSQL mode) and PostgreSQL, JDBI with UTC timestamps, and job leases so that one
 * instance runs each background job. Owns {@code job_leases}, and the files outside the database that
 * outlive a restore of an older backup ({@link dev.confide.store.DeletionJournal}).
 */
package dev.confide.store;
