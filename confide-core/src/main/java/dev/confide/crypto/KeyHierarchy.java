package dev.confide.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfSet;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * Every key below the root key, loaded (or created on first start) from one database: the
 * keyrings and what is built on them. The one place that wires the key hierarchy together.
 * {@code auditKeys} MACs the audit chain (HMAC-SHA256); its versions are never destroyed.
 */
public record KeyHierarchy(
    Keyring<Aead> keyEncryption,
    Keyring<Aead> cookieKeys,
    Keyring<PrfSet> blindIndexKeys,
    Keyring<Mac> auditKeys,
    SubjectKeys subjectKeys,
    CookieSealer cookieSealer,
    BlindIndex blindIndex,
    ReceiptSigner receiptSigner,
    Clock clock) {

  public static KeyHierarchy open(Jdbi jdbi, Aead rootKey, Clock clock, Duration subjectKeyCacheTtl) {
    Keyring<Aead> keyEncryption = Keyring.open(Keyring.KEY_ENCRYPTION, PredefinedAeadParameters.AES256_GCM, Aead.class, jdbi, rootKey, clock);
    Keyring<Aead> cookieKeys = Keyring.open(Keyring.COOKIES, PredefinedAeadParameters.AES256_GCM, Aead.class, jdbi, rootKey, clock);
    Keyring<PrfSet> blindIndexKeys = Keyring.open(Keyring.BLIND_INDEX, PredefinedPrfParameters.HMAC_SHA256_PRF, PrfSet.class, jdbi, rootKey, clock);
    Keyring<PublicKeySign> receiptKeys = Keyring.open(Keyring.RECEIPTS, PredefinedSignatureParameters.ECDSA_P256,
        PublicKeySign.class, jdbi, rootKey, clock);
    Keyring<Mac> auditKeys = Keyring.open(Keyring.AUDIT, PredefinedMacParameters.HMAC_SHA256_256BITTAG, Mac.class,
        jdbi, rootKey, clock);
    return new KeyHierarchy(keyEncryption, cookieKeys, blindIndexKeys, auditKeys,
        new SubjectKeys(jdbi, keyEncryption, clock, subjectKeyCacheTtl),
        new CookieSealer(cookieKeys, clock), new BlindIndex(blindIndexKeys), new ReceiptSigner(receiptKeys), clock);
  }

  /** The daily rotation job over this hierarchy. */
  public KeyRotation rotation(Duration deletionWindow, int batchSize, KeyRotation.Observer observer) {
    return new KeyRotation(keyEncryption, subjectKeys, cookieSealer, clock, deletionWindow, batchSize, observer);
  }
}
