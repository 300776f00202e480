/**
 * Data subjects' rights: erasure (P03, P25, P34) with a signed receipt and an erasure ledger that is
 * kept both in the database and in an append-only file outside it, so erasures can be re-applied
 * after a backup is restored; the per-subject row counts staff may see without a grant. Owns
 * {@code erasure_ledger}.
 */
package dev.confide.rights;
