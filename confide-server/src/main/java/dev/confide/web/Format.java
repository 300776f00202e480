package dev.confide.web;

import dev.confide.notify.NoticeKind;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Dates and deadlines as the templates show them: UTC, spelled out, with a countdown. */
public final class Format {
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private Format() {}

  public static String dateTime(Instant at) {
    return at == null ? "" : DATE_TIME.format(at);
  }

  public static String date(Instant at) {
    return at == null ? "" : DATE.format(at);
  }

  /** For a {@code <time datetime>} attribute. */
  public static String iso(Instant at) {
    return at == null ? "" : at.toString();
  }

  /** "due in 30 days", "due within a day", "overdue by 2 days". */
  public static String countdown(Instant due, Instant now) {
    Duration left = Duration.between(now, due);
    if (left.isNegative()) {
      long days = Math.max(1, left.negated().toDays());
      return "overdue by " + days + (days == 1 ? " day" : " days");
    }
    long days = left.toDays();
    return days == 0 ? "due within a day" : "due in " + days + (days == 1 ? " day" : " days");
  }

  /** A purpose one may object to (P28), in words. */
  public static String purpose(String purpose) {
    return switch (purpose) {
      case "training" -> "Training AI models";
      case "analytics" -> "Analytics";
      case "product_improvement" -> "Improving the product";
      case "marketing" -> "Marketing";
      case "profiling" -> "Profiling";
      default -> purpose;
    };
  }

  /** A kind of optional message (P37), in words. */
  public static String communication(String kind) {
    return switch (kind) {
      case "productUpdates" -> "Product updates";
      case "marketing" -> "Offers and news";
      case "tips" -> "Tips for using Confide";
      default -> kind;
    };
  }

  /** What a notice is about, in words. */
  public static String noticeKind(NoticeKind kind) {
    return switch (kind) {
      case POLICY_UPDATE -> "Privacy policy update";
      case BREACH_NOTICE -> "Security incident";
      case PRIVACY_REQUEST -> "Privacy request";
      case ACCOUNT -> "Your account";
      case PRODUCT -> "Product news";
    };
  }

  /** A privacy request's type, in words. */
  public static String requestType(String type) {
    return switch (type) {
      case "access" -> "Copy of my data";
      case "export" -> "Download my data";
      case "rectify" -> "Correct my data";
      case "erase" -> "Delete my account";
      case "restrict" -> "Restrict processing";
      case "object" -> "Objection";
      case "opt_out_sale" -> "Opt out of sale and sharing";
      case "limit_sensitive" -> "Limit sensitive data";
      default -> type;
    };
  }
}
