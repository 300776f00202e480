package dev.confide.crypto;

import java.nio.charset.StandardCharsets;

/**
 * Names the place a sealed value lives: table, column and row id. Bound into the ciphertext as
 * associated data, so a value copied to another row, column or subject no longer opens.
 */
public record FieldRef(String table, String column, String rowId) {

  public FieldRef {
    requireClean("table", table);
    requireClean("column", column);
    requireClean("rowId", rowId);
  }

  public static FieldRef of(String table, String column, Object rowId) {
    return new FieldRef(table, column, String.valueOf(rowId));
  }

  /** NUL-separated; none of the parts may contain NUL, so the encoding is unambiguous. */
  byte[] associatedData(String subject) {
    String ad = "confide-field-v1\0" + table + '\0' + column + '\0' + rowId + '\0' + subject;
    return ad.getBytes(StandardCharsets.UTF_8);
  }

  private static void requireClean(String what, String value) {
    if (value == null || value.isEmpty() || value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " must be non-empty and free of NUL");
    }
  }
}
