/**
 * Who is who: end-user accounts (sign-up with the age gate, Argon2id passwords, sealed profile,
 * email found by blind index, e-mail ownership verified by a mailed code), server-side sessions,
 * API keys and staff members with roles. Owns the tables {@code accounts},
 * {@code email_verifications}, {@code sessions}, {@code api_keys} and {@code staff_members}.
 */
package dev.confide.identity;
