package dev.confide.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.HexFormat;
import java.util.OptionalLong;

/**
 * Token buckets (Bucket4j) for log-in attempts, one per account and one per client address, so
 * neither guessing one account's password from many addresses nor many accounts from one address
 * goes fast. Held in memory: each instance limits what reaches it.
 */
final class LoginThrottle {
  private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
      .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(200_000).build();
  private final int perAccountPerMinute;
  private final int perIpPerMinute;

  LoginThrottle(int perAccountPerMinute, int perIpPerMinute) {
    this.perAccountPerMinute = perAccountPerMinute;
    this.perIpPerMinute = perIpPerMinute;
  }

  /** Takes one attempt, or refuses with 429 and a Retry-After (written by ApiErrors). */
  void admit(String clientAddress, byte[] accountIndex) {
    OptionalLong wait = tryAttempt(clientAddress, accountIndex);
    if (wait.isPresent()) {
      throw new dev.confide.problem.Problem(dev.confide.problem.Problem.Kind.RATE_LIMITED, "rate_limited",
          "too many attempts; try again in " + wait.getAsLong() + " seconds", wait.getAsLong());
    }
  }

  /** Takes one attempt from both buckets; returns the seconds to wait when either is empty. */
  OptionalLong tryAttempt(String clientAddress, byte[] accountIndex) {
    OptionalLong ip = take("ip:" + clientAddress, perIpPerMinute);
    if (ip.isPresent()) {
      return ip;
    }
    return accountIndex == null ? OptionalLong.empty()
        : take("account:" + HexFormat.of().formatHex(accountIndex), perAccountPerMinute);
  }

  private OptionalLong take(String key, int perMinute) {
    Bucket bucket = buckets.get(key, k -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
        .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1));
  }
}
