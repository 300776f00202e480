package dev.confide.rights;

/**
 * A signed statement of what was done. {@code payload} is the exact JSON that was signed;
 * {@code signature} is Tink ECDSA P-256 over its UTF-8 bytes, verifiable with the public keyset at
 * {@code /api/privacy/receipt-key}.
 */
public record Receipt(String payload, String signature) {}
