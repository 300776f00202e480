package dev.confide.crypto;

import com.google.crypto.tink.Aead;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;

/**
 * Seals cookie values with AES-256-GCM under a keyring that rotates daily (P19). A token carries
 * the UTC day it was sealed on, bound as associated data: a token from today or yesterday opens; an
 * older one does not, and its key is destroyed at the next rotation. Tampering with any bit fails.
 */
public final class CookieSealer {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final int MAX_TOKEN_LENGTH = 4096;

  private final Keyring<Aead> keyring;
  private final Clock clock;

  public CookieSealer(Keyring<Aead> keyring, Clock clock) {
    this.keyring = keyring;
    this.clock = clock;
  }

  public String seal(byte[] payload) {
    rotateIfDue();
    long day = today().toEpochDay();
    try {
      byte[] ciphertext = keyring.primitive().encrypt(payload, associatedData(day));
      return ENCODER.encodeToString(ByteBuffer.allocate(8 + ciphertext.length).putLong(day).put(ciphertext).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cookie sealing failed", e);
    }
  }

  /** The payload, or empty for anything malformed, tampered, or sealed before yesterday. */
  public Optional<byte[]> open(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    byte[] raw;
    try {
      raw = DECODER.decode(token);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (raw.length < 8 + 28) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.wrap(raw);
    long day = buffer.getLong();
    long today = today().toEpochDay();
    if (day != today && day != today - 1) {
      return Optional.empty();
    }
    byte[] ciphertext = new byte[buffer.remaining()];
    buffer.get(ciphertext);
    Optional<byte[]> opened = decrypt(ciphertext, day);
    if (opened.isEmpty() && keyring.reloadIfChanged()) {
      opened = decrypt(ciphertext, day); // another instance may have rotated meanwhile
    }
    return opened;
  }

  /** Whether the token was sealed before today and should be re-sealed with today's key. */
  public boolean isFromBeforeToday(String token) {
    try {
      return ByteBuffer.wrap(DECODER.decode(token)).getLong() < today().toEpochDay();
    } catch (RuntimeException e) {
      return true;
    }
  }

  /**
   * Makes a new primary when the current one was made before today, then destroys every key made
   * before today except the newest of them (yesterday's), so nothing older survives. Keys are kept
   * or destroyed by their age, never by which one this instance last saw as primary: an instance
   * whose copy of the keyring is a day old must neither add a second key for today nor destroy the
   * one another instance made (and sealed today's cookies with).
   */
  public void rotateIfDue() {
    Instant startOfToday = today().atStartOfDay(ZoneOffset.UTC).toInstant();
    if (!keyring.primaryCreatedAt().isBefore(startOfToday)) {
      return;
    }
    synchronized (keyring) {
      keyring.rotateIfPrimaryCreatedBefore(startOfToday);
      Long yesterdays = keyring.liveKeys().entrySet().stream()
          .filter(k -> k.getValue().isBefore(startOfToday))
          .max(java.util.Map.Entry.<Integer, Instant>comparingByValue().thenComparing(java.util.Map.Entry.comparingByKey()))
          .map(k -> k.getKey().longValue()).orElse(null);
      keyring.destroy(version -> version.createdAt().isBefore(startOfToday) && !Long.valueOf(version.keyId()).equals(yesterdays));
    }
  }

  private Optional<byte[]> decrypt(byte[] ciphertext, long day) {
    try {
      return Optional.of(keyring.primitive().decrypt(ciphertext, associatedData(day)));
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  private static byte[] associatedData(long day) {
    return ("confide-cookie-v1\0" + day).getBytes(StandardCharsets.UTF_8);
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
