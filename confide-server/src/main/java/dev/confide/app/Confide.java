package dev.confide.app;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.prf.PrfSet;
import dev.confide.analytics.AnonymousEvents;
import dev.confide.analytics.DecisionData;
import dev.confide.analytics.Epsilon;
import dev.confide.analytics.PrivacyBudget;
import dev.confide.training.TrainingExport;
import dev.confide.rights.AccessReport;
import dev.confide.rights.Erasure;
import dev.confide.rights.PrivacyRequests;
import dev.confide.rights.SupportTickets;
import dev.confide.rights.ErasureLedgerFile;
import dev.confide.retention.RetentionSweeps;
import dev.confide.chat.ChatService;
import dev.confide.chat.Conversations;
import dev.confide.chat.DecisionEvent;
import dev.confide.config.ConfideConfig;
import dev.confide.consent.SettingsDefaults;
import dev.confide.consent.SubjectSettings;
import dev.confide.models.BuiltInModels;
import dev.confide.models.ModelCatalog;
import dev.confide.models.ModelProvider;
import dev.confide.models.OpenAiCompatibleProvider;
import dev.confide.models.TokenCounter;
import dev.confide.pii.PiiDetector;
import dev.confide.pii.PiiEngine;
import dev.confide.pii.PiiShield;
import dev.confide.pii.ProviderConsents;
import dev.confide.pii.ShieldPolicy;
import dev.confide.usage.RateLimiter;
import dev.confide.usage.UsageLedger;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.net.URI;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import dev.confide.crypto.BlindIndex;
import dev.confide.crypto.CookieSealer;
import dev.confide.crypto.KeyHierarchy;
import dev.confide.crypto.KeyRotation;
import dev.confide.crypto.Keyring;
import dev.confide.crypto.RootKeys;
import dev.confide.crypto.SubjectKeys;
import dev.confide.identity.AccessLog;
import dev.confide.identity.Accounts;
import dev.confide.identity.AgeGate;
import dev.confide.identity.ApiKeys;
import dev.confide.identity.PasswordHasher;
import dev.confide.identity.Sessions;
import dev.confide.identity.StaffDirectory;
import dev.confide.store.Database;
import dev.confide.store.DatabaseSettings;
import dev.confide.store.JobLeases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The engine, wired by hand: database, key hierarchy, identity. Used by the HTTP server and by CLI
 * commands alike; holds no HTTP. Close it to release the pool.
 */
public final class Confide implements AutoCloseable {
  public final ConfideConfig config;
  public final Clock clock;
  /** Application and job metrics, scraped at /metrics. */
  public final io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics =
      new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
  public final Database database;
  public final Keyring<Aead> keyEncryption;
  public final Keyring<Aead> cookieKeys;
  public final Keyring<PrfSet> blindIndexKeys;
  public final SubjectKeys subjectKeys;
  public final CookieSealer cookieSealer;
  public final BlindIndex blindIndex;
  public final Accounts accounts;
  /** Sign-up, address changes and their codes: an address is used for more than legal mail once verified. */
  public final dev.confide.identity.EmailVerification emailVerification;
  public final Sessions sessions;
  public final Sessions staffSessions;
  public final ApiKeys apiKeys;
  public final StaffDirectory staff;
  public final JobLeases leases;
  public final AccessLog accessLog;
  public final RateLimiter rateLimiter;
  public final KeyRotation keyRotation;
  public final ModelCatalog models;
  public final UsageLedger usage;
  public final AnonymousEvents analytics;
  public final ChatService chat;
  public final PiiDetector piiDetector;
  public final SubjectSettings settings;
  public final PrivacyBudget privacyBudget;
  public final DecisionData decisionData;
  public final Erasure erasure;
  public final PrivacyRequests privacyRequests;
  /** Builds the access/export archive (P23, P27); privacy requests seal and store it. */
  public final AccessReport accessReport;
  public final SupportTickets tickets;
  /** Row counts per subject, what staff see without a grant (P21). */
  public final dev.confide.rights.SubjectFootprint footprints;
  public final RetentionSweeps retention;
  public final TrainingExport trainingExport;
  /** The privacy policy this deployment enforces and publishes (DESIGN §2). */
  public final dev.confide.policy.Policy policy;
  public final dev.confide.audit.AuditLog auditLog;
  public final dev.confide.audit.BreakGlassGrants grants;
  public final dev.confide.incidents.Incidents incidents;
  public final Conversations conversations;
  public final dev.confide.disclosure.SubjectRegions regions;
  public final dev.confide.disclosure.DisclosureLog disclosureLog;
  public final dev.confide.disclosure.LegalDisclosures legalDisclosures;
  /** The policy's processors and which one each outbound channel sends to (P14). */
  public final OutboundProcessors processors;
  /** Deleted chats and revoked keys, outside the database: re-applied after a restore. */
  public final dev.confide.store.DeletionJournal deletionJournal;
  /** Every outbound flow passes here (P14, P36). */
  public final dev.confide.disclosure.DisclosureGate disclosureGate;
  /** Thumbs per model with differential privacy (P06, P13). */
  public final dev.confide.analytics.ThumbsStatistics thumbs;
  public final dev.confide.usage.BillingExport billing;
  public final dev.confide.notify.Outbox outbox;
  public final dev.confide.notify.MailDispatcher mailDispatcher;
  public final dev.confide.notify.Notices notices;
  public final dev.confide.notify.PolicyVersions policyVersions;
  /** Who may send PII unshielded to which provider (P15, P31). */
  public final ShieldPolicy providerConsents;
  private final RedisClient redis;
  private final ExecutorService compareExecutor;
  private final ExecutorService detectionExecutor;

  /**
   * Seams tests use to observe or break things (crash tests halt the process at an observer);
   * production uses {@link #NONE}. Only code can set them: no configuration reaches them.
   */
  public record Hooks(KeyRotation.Observer rotationObserver, DecisionEvent.Listener decisionListener, PiiDetector piiDetector,
      Erasure.Observer erasureObserver, RetentionSweeps.Observer retentionObserver) {
    public static final Hooks NONE = new Hooks(KeyRotation.Observer.NONE, DecisionEvent.Listener.NONE, null);

    public Hooks(KeyRotation.Observer rotationObserver, DecisionEvent.Listener decisionListener, PiiDetector piiDetector) {
      this(rotationObserver, decisionListener, piiDetector, Erasure.Observer.NONE, RetentionSweeps.Observer.NONE);
    }

    public Hooks withErasureObserver(Erasure.Observer observer) {
      return new Hooks(rotationObserver, decisionListener, piiDetector, observer, retentionObserver);
    }

    public Hooks withRetentionObserver(RetentionSweeps.Observer observer) {
      return new Hooks(rotationObserver, decisionListener, piiDetector, erasureObserver, observer);
    }
  }

  private Confide(ConfideConfig config, Clock clock, Hooks hooks) {
    this.config = config;
    this.clock = clock;
    this.policy = dev.confide.policy.PolicyLoader.load(config.policy());
    if (config.keys().deletionWindowDays() > policy.retention().deletionWindowDays()) {
      throw new IllegalStateException("keys.deletionWindowDays (" + config.keys().deletionWindowDays()
          + ") is longer than the policy's deletion window (" + policy.retention().deletionWindowDays()
          + " days): erased data would outlive the promise");
    }
    this.processors = OutboundProcessors.bind(policy, config);
    Path dataDir = ensureDataDir(config.dataPath());
    this.database = Database.open(databaseSettings(config, dataDir));
    try {
      Aead rootKey = RootKeys.open(
          config.keys().rootKeyUri() != null ? config.keys().rootKeyUri() : RootKeys.defaultUri(dataDir), List.of());
      var jdbi = database.jdbi();
      KeyHierarchy keys = KeyHierarchy.open(jdbi, rootKey, clock, Duration.ofSeconds(config.keys().subjectKeyCacheSeconds()));
      this.keyEncryption = keys.keyEncryption();
      this.cookieKeys = keys.cookieKeys();
      this.blindIndexKeys = keys.blindIndexKeys();
      this.subjectKeys = keys.subjectKeys();
      this.cookieSealer = keys.cookieSealer();
      this.blindIndex = keys.blindIndex();
      PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Settings(
          config.passwords().memoryKib(), config.passwords().iterations(), config.passwords().parallelism()));
      this.accounts = new Accounts(jdbi, subjectKeys, blindIndex, hasher, new AgeGate(Math.max(config.ageGate().minimumAge(), policy.minimumAge()), clock), clock);
      this.sessions = new Sessions(jdbi, clock, Duration.ofDays(config.sessions().maxAgeDays()));
      this.deletionJournal = dev.confide.store.DeletionJournal.at(dataDir.resolve("deletion-journal.jsonl"));
      this.apiKeys = new ApiKeys(jdbi, subjectKeys, deletionJournal, clock);
      this.staff = new StaffDirectory(jdbi, subjectKeys, blindIndex, hasher, clock);
      this.staffSessions = Sessions.forStaff(jdbi, clock, Duration.ofHours(config.staff().sessionHours()));
      this.leases = new JobLeases(jdbi, clock);
      this.accessLog = new AccessLog(jdbi, clock);
      this.keyRotation = keys.rotation(Duration.ofDays(config.keys().deletionWindowDays()),
          config.keys().rotationBatchSize(), hooks.rotationObserver());
      this.models = new ModelCatalog(providers(config, processors));
      this.usage = new UsageLedger(jdbi, blindIndex, clock);
      RateLimiter.Limit perSubject = limit(config.rateLimits().perSubject());
      RateLimiter.Limit perApiKey = limit(config.rateLimits().perApiKey());
      if (config.redis().url() != null) {
        this.redis = RedisClient.create(config.redis().url());
        ProxyManager<String> proxies = Bucket4jLettuce.casBasedBuilder(redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE)))
            .clientClock(RateLimiter.timeMeter(clock))
            .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(2)))
            .build();
        this.rateLimiter = RateLimiter.distributed(perSubject, perApiKey, proxies);
      } else {
        this.redis = null;
        this.rateLimiter = RateLimiter.inMemory(perSubject, perApiKey, clock);
      }
      this.compareExecutor = Executors.newFixedThreadPool(config.gateway().compareThreads(), r -> {
        Thread t = new Thread(r, "confide-compare");
        t.setDaemon(true);
        return t;
      });
      SettingsDefaults settingsDefaults = new SettingsDefaults(policy.defaults().chatRetentionDays(),
          policy.defaults().dataCollection(), policy.defaults().dataCollectionForHipaa());
      this.settings = new SubjectSettings(jdbi, accounts, settingsDefaults, clock);
      this.analytics = new AnonymousEvents(jdbi, settings, clock);
      this.piiDetector = hooks.piiDetector() != null ? hooks.piiDetector() : PiiEngine.standard();
      this.providerConsents = new ShieldPolicy(new ProviderConsents(jdbi, clock), accounts);
      // Detection gets threads of its own: queued behind comparisons it would add latency to every turn.
      this.detectionExecutor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "confide-pii-shield");
        t.setDaemon(true);
        return t;
      });
      PiiShield shield = new PiiShield(piiDetector, detectionExecutor, Duration.ofMillis(config.pii().shieldTimeoutMs()));
      this.conversations = new Conversations(jdbi, subjectKeys, deletionJournal, clock);
      this.auditLog = new dev.confide.audit.AuditLog(jdbi, keys.auditKeys(), clock);
      this.grants = new dev.confide.audit.BreakGlassGrants(jdbi, subjectKeys, auditLog, clock, config.staff().grantApproval());
      this.regions = new dev.confide.disclosure.SubjectRegions(jdbi, config.defaultDataRegion());
      this.disclosureLog = new dev.confide.disclosure.DisclosureLog(jdbi, clock);
      this.legalDisclosures = new dev.confide.disclosure.LegalDisclosures(jdbi, clock);
      this.disclosureGate = new dev.confide.disclosure.DisclosureGate(processors.registry(), settings, regions, disclosureLog);
      this.decisionData = new DecisionData(jdbi, settings, piiDetector);
      var recipients = new dev.confide.identity.MailRecipients(subjectKeys);
      this.outbox = new dev.confide.notify.Outbox(jdbi, subjectKeys, recipients, settings, new dev.confide.notify.MailTemplates(
          java.util.Map.of("service", config.mail().serviceName(), "privacyUrl", config.mail().publicUrl() + "/privacy",
              "contact", config.mail().from())), clock);
      dev.confide.notify.MailTransport transport = processors.mailRelay() == null ? mailTransport(config, dataDir)
          : new dev.confide.disclosure.GatedMailTransport(mailTransport(config, dataDir), disclosureGate, processors.mailRelay());
      this.emailVerification = new dev.confide.identity.EmailVerification(jdbi, accounts, subjectKeys,
          new dev.confide.notify.VerificationMail(outbox), clock);
      this.mailDispatcher = new dev.confide.notify.MailDispatcher(jdbi, subjectKeys, transport,
          dev.confide.notify.MailDispatcher.Settings.defaults(), clock);
      this.notices = new dev.confide.notify.Notices(jdbi, subjectKeys, clock);
      this.policyVersions = new dev.confide.notify.PolicyVersions(jdbi, recipients, notices, outbox, clock);
      var notifyErasure = new dev.confide.notify.NotifyErasure(outbox, notices, transport);
      this.erasure = new Erasure(jdbi, subjectKeys, new ErasureLedgerFile(dataDir.resolve("erasure-ledger.jsonl")),
          // the receipt's purgeCompleteBy: what the policy promises for the purge, if sooner than the key window
          keys.receiptSigner(), Duration.ofDays(Math.max(1, Math.min(config.keys().deletionWindowDays(),
              policy.retention().erasedPurgeDays()))),
          List.of(notifyErasure::forgetSubject, emailVerification::forgetSubject, (h, subject) -> auditLog.append(h, dev.confide.audit.AuditEvent.of(
              dev.confide.audit.Actor.system(), dev.confide.audit.AuditActions.ERASURE).about(subject))),
          hooks.erasureObserver(), clock);
      this.incidents = new dev.confide.incidents.Incidents(jdbi, auditLog, grants, staff,
          new IncidentMail(notices, outbox), Duration.ofHours(policy.breach().regulatorHours()), clock);
      this.tickets = new SupportTickets(jdbi, subjectKeys, clock);
      this.footprints = new dev.confide.rights.SubjectFootprint(jdbi);
      // Access archives are written through sealed scratch files here: on the data volume, not a
      // tmpfs that would hold them in memory.
      Path scratch = dataDir.resolve("scratch");
      this.accessReport = new AccessReport(jdbi, accounts, settings, providerConsents.consents(), conversations, accessLog,
          tickets, regions, legalDisclosures, scratch, config.accessArchive().deflateLevel());
      this.privacyRequests = new PrivacyRequests(jdbi, settings, accessReport, erasure, subjectKeys, keys.receiptSigner(),
          deadlines(policy), scratch, clock);
      this.retention = new RetentionSweeps(jdbi, settingsDefaults, new RetentionSweeps.Periods(
          Duration.ofDays(policy.retention().usageDays()), Duration.ofDays(policy.retention().accessLogDays()),
          Duration.ofDays(policy.retention().ipTruncationDays())),
          new RetentionSweeps.Pacing(config.retention().effectiveBatchSize(),
              config.retention().pauseRatio(), config.retention().maxRowsPerSecond()), hooks.retentionObserver(),
          notifyErasure::forgetSubject, clock);
      this.privacyBudget = new PrivacyBudget(jdbi, clock);
      this.trainingExport = new TrainingExport(jdbi, conversations, settings, accounts, piiDetector, privacyBudget,
          Epsilon.of(config.training().summaryEpsilonBudget()), disclosureGate, processors.training());
      this.thumbs = new dev.confide.analytics.ThumbsStatistics(jdbi, settings, privacyBudget,
          Epsilon.of(config.analytics().thumbsEpsilonBudget()), config.analytics().thumbsMaxPerSubject(),
          new java.security.SecureRandom());
      this.billing = new dev.confide.usage.BillingExport(usage, disclosureGate);
      this.chat = new ChatService(jdbi, conversations, models, new TokenCounter(), rateLimiter,
          usage, analytics, event -> {
            decisionData.onDecision(event);
            hooks.decisionListener().onDecision(event);
          }, compareExecutor, config.comparisons().blind(), shield, providerConsents,
          new dev.confide.disclosure.ModelProviderFlows(disclosureGate, processors.modelProviders()),
          database::makeCommitsDurable, clock);
    } catch (GeneralSecurityException | RuntimeException e) {
      database.close();
      throw e instanceof RuntimeException r ? r : new IllegalStateException("root key unusable: " + e.getMessage(), e);
    }
  }

  public static Confide open(ConfideConfig config, Clock clock) {
    return new Confide(config, clock, Hooks.NONE);
  }

  public static Confide open(ConfideConfig config, Clock clock, Hooks hooks) {
    return new Confide(config, clock, hooks);
  }

  /** Ready when the database answers and the keyrings are loaded. */
  public boolean isReady() {
    return database.isReachable() && keyEncryption.primitive() != null && cookieKeys.primitive() != null;
  }

  @Override
  public void close() {
    compareExecutor.shutdownNow();
    detectionExecutor.shutdownNow();
    if (redis != null) {
      redis.shutdown();
    }
    database.close();
    metrics.close();
  }

  /**
   * A provider counts as having a BAA only when both the configuration and the policy's processor for it
   * say so: the policy is what the privacy officer signed, and the HIPAA rule (P31) must not rest on one
   * line of server configuration. The self-check {@code processors.registered} reports a mismatch.
   */
  private static List<ModelProvider> providers(ConfideConfig config, OutboundProcessors processors) {
    List<ModelProvider> providers = new ArrayList<>();
    if (config.builtinModels().enabled()) {
      providers.add(new BuiltInModels(Duration.ofMillis(config.builtinModels().delayMsPerWord())));
    }
    for (ConfideConfig.Provider p : config.providers()) {
      String apiKey = p.apiKeyEnv() == null ? null : System.getenv(p.apiKeyEnv());
      boolean baa = p.baa() && processors.registry().find(processors.modelProviders().get(p.name()))
          .map(dev.confide.disclosure.Processor::baa).orElse(false);
      providers.add(new OpenAiCompatibleProvider(new OpenAiCompatibleProvider.Settings(p.name(), URI.create(p.baseUrl()), apiKey,
          p.models(), p.country(), baa, p.shield(), Duration.ofMillis(p.connectTimeoutMs()), Duration.ofMillis(p.readTimeoutMs()))));
    }
    return providers;
  }

  /** Statutory deadlines per jurisdiction, as the policy file states them (P30). */
  private static dev.confide.rights.Deadlines deadlines(dev.confide.policy.Policy policy) {
    java.util.Map<String, dev.confide.rights.Deadlines.Deadline> byLaw = new java.util.LinkedHashMap<>();
    for (var j : policy.jurisdictions()) {
      byLaw.put(j.id(), new dev.confide.rights.Deadlines.Deadline(j.respondWithin(), j.extendableBy()));
    }
    return new dev.confide.rights.Deadlines(byLaw, policy.jurisdictions().get(0).id());
  }

  private static dev.confide.notify.MailTransport mailTransport(ConfideConfig config, Path dataDir) {
    ConfideConfig.Smtp smtp = config.mail().smtp();
    if (smtp.host() == null) {
      return new dev.confide.notify.FileTransport(dataDir.resolve(config.mail().outboxDir()), config.mail().from());
    }
    var settings = dev.confide.notify.SmtpSettings.of(smtp.host(), smtp.port(),
        dev.confide.notify.SmtpSettings.Security.valueOf(smtp.security().toUpperCase(java.util.Locale.ROOT)), config.mail().from());
    if (smtp.username() != null) {
      settings = settings.withCredentials(smtp.username(),
          smtp.passwordEnv() == null ? "" : System.getenv().getOrDefault(smtp.passwordEnv(), ""));
    }
    return new dev.confide.notify.SmtpTransport(settings);
  }

  private static RateLimiter.Limit limit(ConfideConfig.Limit limit) {
    return new RateLimiter.Limit(limit.requestsPerMinute(), limit.tokensPerMinute());
  }

  static DatabaseSettings databaseSettings(ConfideConfig config, Path dataDir) {
    ConfideConfig.Database db = config.database();
    if (db.url() == null) {
      return DatabaseSettings.embedded(dataDir, db.maxPoolSize()).withConnectionTimeout(db.connectionTimeoutMs());
    }
    String password = db.passwordEnv() == null ? "" : System.getenv().getOrDefault(db.passwordEnv(), "");
    return new DatabaseSettings(db.url(), db.user(), password, db.schema(), db.maxPoolSize(), db.connectionTimeoutMs());
  }

  private static Path ensureDataDir(Path dataDir) {
    try {
      if (!Files.isDirectory(dataDir)) {
        Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      return dataDir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + dataDir, e);
    }
  }
}
