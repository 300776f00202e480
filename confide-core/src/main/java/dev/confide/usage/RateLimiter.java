package dev.confide.usage;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.confide.problem.Problem;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;

/**
 * Request and token limits per subject and per API key (P40), as Bucket4j token buckets: in memory
 * on one instance, or shared through Redis when several instances run. A request takes one request
 * token and its estimated prompt tokens up front; {@link #settle} then charges or refunds the
 * difference once the real count is known.
 */
public final class RateLimiter {

  /** Requests and tokens allowed per minute. */
  public record Limit(long requestsPerMinute, long tokensPerMinute) {}

  /** The buckets a request took from, to settle against afterwards. */
  public record Admission(UUID subject, UUID apiKeyId, long estimatedTokens) {}

  private final Limit perSubject;
  private final Limit perApiKey;
  private final Function<String, Bucket> buckets;

  private RateLimiter(Limit perSubject, Limit perApiKey, Function<String, Bucket> buckets) {
    this.perSubject = perSubject;
    this.perApiKey = perApiKey;
    this.buckets = buckets;
  }

  /** Buckets in this process's memory, timed by {@code clock}. */
  public static RateLimiter inMemory(Limit perSubject, Limit perApiKey, Clock clock) {
    TimeMeter time = timeMeter(clock);
    LoadingCache<String, Bucket> cache = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(500_000)
        .build(key -> Bucket.builder().withCustomTimePrecision(time).addLimit(configuration(key, perSubject, perApiKey).getBandwidths()[0]).build());
    return new RateLimiter(perSubject, perApiKey, cache::get);
  }

  /** Buckets kept in Redis (or any Bucket4j proxy manager), shared by every instance. */
  public static RateLimiter distributed(Limit perSubject, Limit perApiKey, ProxyManager<String> proxies) {
    return new RateLimiter(perSubject, perApiKey, key -> proxies.builder().build(key, () -> configuration(key, perSubject, perApiKey)));
  }

  /**
   * Admits a request or throws {@link Problem} ({@code rate_limited}, with the seconds to wait).
   * A refused request takes nothing from any bucket.
   */
  public Admission admit(UUID subject, UUID apiKeyId, long estimatedTokens) {
    take(subjectKey("req", subject), 1, "requests");
    try {
      take(subjectKey("tok", subject), estimatedTokens, "tokens");
    } catch (Problem e) {
      buckets.apply(subjectKey("req", subject)).addTokens(1);
      throw e;
    }
    if (apiKeyId != null) {
      try {
        take(keyKey("req", apiKeyId), 1, "requests");
        try {
          take(keyKey("tok", apiKeyId), estimatedTokens, "tokens");
        } catch (Problem e) {
          buckets.apply(keyKey("req", apiKeyId)).addTokens(1);
          throw e;
        }
      } catch (Problem e) {
        buckets.apply(subjectKey("req", subject)).addTokens(1);
        buckets.apply(subjectKey("tok", subject)).addTokens(estimatedTokens);
        throw e;
      }
    }
    return new Admission(subject, apiKeyId, estimatedTokens);
  }

  /** Charges (or refunds) the difference between the estimate and the tokens really used. */
  public void settle(Admission admission, long actualTokens) {
    long difference = actualTokens - admission.estimatedTokens();
    adjust(subjectKey("tok", admission.subject()), difference);
    if (admission.apiKeyId() != null) {
      adjust(keyKey("tok", admission.apiKeyId()), difference);
    }
  }

  private void adjust(String key, long difference) {
    Bucket bucket = buckets.apply(key);
    if (difference > 0) {
      bucket.consumeIgnoringRateLimits(difference);
    } else if (difference < 0) {
      bucket.addTokens(-difference);
    }
  }

  private void take(String key, long amount, String what) {
    if (amount <= 0) {
      return;
    }
    ConsumptionProbe probe = buckets.apply(key).tryConsumeAndReturnRemaining(amount);
    if (!probe.isConsumed()) {
      long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
      throw new Problem(Problem.Kind.RATE_LIMITED, "rate_limited",
          "rate limit reached (" + what + " per minute" + (key.startsWith("key") ? " for this API key" : "") + "); retry in "
              + seconds + " s", seconds);
    }
  }

  private static String subjectKey(String kind, UUID subject) {
    return "confide:rl:subject:" + kind + ":" + subject;
  }

  private static String keyKey(String kind, UUID apiKey) {
    return "confide:rl:key:" + kind + ":" + apiKey;
  }

  private static BucketConfiguration configuration(String key, Limit perSubject, Limit perApiKey) {
    Limit limit = key.startsWith("confide:rl:key:") ? perApiKey : perSubject;
    long perMinute = key.contains(":req:") ? limit.requestsPerMinute() : limit.tokensPerMinute();
    return BucketConfiguration.builder()
        .addLimit(l -> l.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
        .build();
  }

  /** Bucket4j reads time through this, so tests can move the clock. */
  public static TimeMeter timeMeter(Clock clock) {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }
}
