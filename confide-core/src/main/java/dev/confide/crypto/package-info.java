/**
 * All of Confide's cryptography, built on Google Tink. The key hierarchy (DESIGN.md section 4):
 *
 * <ul>
 *   <li>{@link dev.confide.crypto.RootKeys root key}: a Tink {@code Aead} from a KMS client; the
 *       default is {@link dev.confide.crypto.LocalKeyFileKms a key file} with mode 0600;
 *   <li>{@link dev.confide.crypto.Keyring keyrings}: Tink keysets stored in the database,
 *       encrypted by the root key: the key-encryption keyring (rotated daily), the cookie keyring
 *       (rotated daily), the blind-index keyring and the audit keyring (MACs the audit chain;
 *       its versions are never destroyed);
 *   <li>{@link dev.confide.crypto.SubjectKeys subject keys}: one keyset per data subject, wrapped by
 *       the key-encryption keyring; deleting it crypto-shreds the subject's content.
 * </ul>
 *
 * Callers only see {@link dev.confide.crypto.Sealer}, {@link dev.confide.crypto.BlindIndex} and
 * {@link dev.confide.crypto.CookieSealer}. Owns the tables {@code keyrings}, {@code key_versions}
 * and {@code subject_keys}.
 */
package dev.confide.crypto;
