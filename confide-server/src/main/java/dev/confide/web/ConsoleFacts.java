package dev.confide.web;

import dev.confide.app.Confide;
import dev.confide.crypto.KeyVersion;
import dev.confide.usage.UsageLedger;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the console shows that holds no personal value and has no API of its own: key ages, when
 * the background jobs last succeeded, and usage totals per model and month. Everything about a
 * data subject goes through {@code /api/admin} instead, where roles are checked and each call is
 * audited.
 */
public final class ConsoleFacts {
  /** A key-encryption key version. */
  public record KeyRow(long keyId, Instant createdAt, String age, boolean primary, Instant destroyedAt) {}

  /** A leased background job: when it last finished, and whether that is longer ago than it should be. */
  public record JobRow(String job, String what, Duration every, Instant lastSuccess, String ago, boolean late) {}

  /** Requests and tokens for one model in one calendar month (UTC), over all subjects. */
  public record UsageRow(String month, String model, long requests, long promptTokens, long completionTokens) {}

  /** The months asked for, oldest first (each as yyyy-MM), and a row per month and model that has usage. */
  public record Usage(List<String> months, List<UsageRow> rows) {}

  private final Confide confide;

  ConsoleFacts(Confide confide) {
    this.confide = confide;
  }

  /** Newest first. */
  List<KeyRow> keyEncryptionKeys() {
    Instant now = confide.clock.instant();
    return confide.keyEncryption.versions().stream()
        .sorted(Comparator.comparing(KeyVersion::createdAt).reversed())
        .map(v -> new KeyRow(v.keyId(), v.createdAt(), age(Duration.between(v.createdAt(), now)), v.primary(), v.destroyedAt()))
        .toList();
  }

  List<JobRow> jobs() {
    return List.of(
        job("retention", "Retention sweeps: expired chats, usage records, access logs, purges after erasure",
            Duration.ofMinutes(confide.config.retention().runEveryMinutes())),
        job("key-rotation", "Daily key rotation, re-wrapping and destruction of old key versions",
            Duration.ofMinutes(confide.config.keys().rotationCheckMinutes())),
        job("reminders", "Deadline reminders, grant expiry and incident clocks", Duration.ofMinutes(5)));
  }

  /**
   * The last {@code months} months, oldest first. Built from the billing totals, which already
   * group by subject pseudonym; summing them per model leaves no trace of any one subject.
   */
  Usage usage(int months) {
    YearMonth current = YearMonth.from(confide.clock.instant().atZone(ZoneOffset.UTC));
    List<String> labels = new ArrayList<>();
    List<UsageRow> rows = new ArrayList<>();
    for (int back = months - 1; back >= 0; back--) {
      YearMonth month = current.minusMonths(back);
      labels.add(month.toString());
      Map<String, long[]> byModel = new TreeMap<>();
      for (UsageLedger.BillingLine line : confide.usage.billing(month)) {
        long[] sum = byModel.computeIfAbsent(line.model(), m -> new long[3]);
        sum[0] += line.requests();
        sum[1] += line.promptTokens();
        sum[2] += line.completionTokens();
      }
      byModel.forEach((model, sum) -> rows.add(new UsageRow(month.toString(), model, sum[0], sum[1], sum[2])));
    }
    return new Usage(labels, rows);
  }

  private JobRow job(String name, String what, Duration every) {
    Instant now = confide.clock.instant();
    Instant last = confide.leases.lastSuccess(name).orElse(null);
    Duration since = last == null ? null : Duration.between(last, now);
    return new JobRow(name, what, every, last, since == null ? "never" : age(since) + " ago",
        since == null || since.compareTo(every.multipliedBy(2)) > 0);
  }

  /** "1 month", "45 days": a statutory period as the policy file states it. */
  public static String period(java.time.Period period) {
    List<String> parts = new ArrayList<>();
    if (period.getYears() != 0) {
      parts.add(plural(period.getYears(), "year"));
    }
    if (period.getMonths() != 0) {
      parts.add(plural(period.getMonths(), "month"));
    }
    if (period.getDays() != 0 || parts.isEmpty()) {
      parts.add(plural(period.getDays(), "day"));
    }
    return String.join(" ", parts);
  }

  /** "3 days", "5 hours", "12 minutes". */
  public static String age(Duration age) {
    if (age.toDays() >= 1) {
      return plural(age.toDays(), "day");
    }
    if (age.toHours() >= 1) {
      return plural(age.toHours(), "hour");
    }
    return plural(Math.max(0, age.toMinutes()), "minute");
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }
}
