package dev.confide.app;

import dev.confide.problem.Unexplained;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Confide's periodic jobs on one daemon thread. Each job first takes its database lease, so
 * with several instances on one database exactly one runs it.
 */
public final class BackgroundJobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundJobs.class);
  /** The leased jobs' names, under which their last success is recorded (the self-checks read it). */
  public static final String KEY_ROTATION = "key-rotation";
  public static final String RETENTION = "retention";
  public static final String REMINDERS = "reminders";
  public static final Duration REMINDERS_EVERY = Duration.ofMinutes(5);

  private final Confide confide;
  private final String holder = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "confide-jobs");
    t.setDaemon(true);
    return t;
  });

  public BackgroundJobs(Confide confide) {
    this.confide = confide;
  }

  public void start() {
    // First, before any job: finish what a crash interrupted (an erasure whose ledger line is on disk).
    scheduler.execute(this::completeInterruptedErasures);
    long everyMinutes = confide.config.keys().rotationCheckMinutes();
    scheduler.scheduleWithFixedDelay(this::rotateKeysIfDue, 0, everyMinutes, TimeUnit.MINUTES);
    scheduler.scheduleWithFixedDelay(this::sweep, 1, confide.config.retention().runEveryMinutes(), TimeUnit.MINUTES);
    // Every instance sends mail: each row is claimed by one dispatcher, so no lease is needed.
    scheduler.scheduleWithFixedDelay(this::sendMail, 5, 15, TimeUnit.SECONDS);
    scheduler.scheduleWithFixedDelay(this::remindAndAnnounce, 2, REMINDERS_EVERY.toMinutes(), TimeUnit.MINUTES);
    // Other instances' keyring rotations become visible here without waiting for a failed open.
    scheduler.scheduleWithFixedDelay(this::reloadKeyrings, 1, 1, TimeUnit.MINUTES);
  }

  void rotateKeysIfDue() {
    runLeased(KEY_ROTATION, () -> {
      var report = confide.keyRotation.runDaily();
      if (report.rotated()) {
        confide.auditLog.append(dev.confide.audit.AuditEvent.of(dev.confide.audit.Actor.system(),
            dev.confide.audit.AuditActions.KEY_ROTATED).with("keyring", "kek").with("rewrapped", report.rewrapped()));
      }
      for (Integer version : report.destroyed()) {
        confide.auditLog.append(dev.confide.audit.AuditEvent.of(dev.confide.audit.Actor.system(),
            dev.confide.audit.AuditActions.KEY_DESTROYED).with("keyring", "kek").with("version", version));
      }
      if (report.rotated() || report.rewrapped() > 0 || !report.destroyed().isEmpty()) {
        LOG.info("key rotation: rotated={} rewrapped={} destroyedVersions={}",
            report.rotated(), report.rewrapped(), report.destroyed().size());
      }
    });
  }

  /** Erasures a killed process left between the ledger file and the commit are completed (P25). */
  void completeInterruptedErasures() {
    try {
      int completed = confide.erasure.completeInterrupted();
      if (completed > 0) {
        LOG.warn("completed {} erasure(s) that a crash had interrupted", completed);
      }
    } catch (RuntimeException e) {
      confide.metrics.counter("confide.job.failures", "job", "erasure-recovery").increment();
      LOG.error("completing interrupted erasures failed; the next retention sweep retries", Unexplained.of(e));
    }
  }

  void sweep() {
    runLeased(RETENTION, () -> {
      confide.erasure.completeInterrupted();
      var report = confide.retention.run();
      count("conversations", report.conversationsExpired());
      count("usage_records", report.usageRecordsExpired());
      count("erased_subjects", report.subjectsPurged());
      count("ip_addresses_truncated", report.addressesTruncated());
      count("access_logs", report.accessLogsExpired());
      count("export_archives", report.archivesExpired());
      count("ended_sessions", report.sessionsEnded());
      count("decision_records_settled", confide.decisionData.settleBefore(
          java.time.LocalDate.ofInstant(confide.clock.instant(), java.time.ZoneOffset.UTC), new java.security.SecureRandom()));
      LOG.info("retention: conversations={} usageRecords={} subjectsPurged={} addressesTruncated={} accessLogs={} archives={}"
              + " endedSessions={}", report.conversationsExpired(), report.usageRecordsExpired(), report.subjectsPurged(),
          report.addressesTruncated(), report.accessLogsExpired(), report.archivesExpired(), report.sessionsEnded());
    });
  }

  void sendMail() {
    try {
      var report = confide.mailDispatcher.runOnce();
      confide.metrics.counter("confide.mail.sent").increment(report.sent());
      confide.metrics.counter("confide.mail.failed").increment(report.failed());
    } catch (RuntimeException e) {
      confide.metrics.counter("confide.job.failures", "job", "mail").increment();
      LOG.error("mail dispatch failed; it will be retried", Unexplained.of(e));
    }
  }

  /**
   * Reminds privacy officers of privacy-request deadlines (a week and two days before, and when
   * overdue, P30), after completing the requests of subjects since erased, and finishes any
   * policy announcement an earlier run left half done (P35).
   */
  void remindAndAnnounce() {
    runLeased(REMINDERS, () -> {
      var officers = confide.staff.list().stream()
          .filter(m -> m.roles().contains(dev.confide.identity.StaffRole.PRIVACY_OFFICER)).toList();
      // First: a request the subject's erasure overtook is done, and must not be reminded of.
      confide.privacyRequests.settleErased();
      for (var reminder : confide.privacyRequests.remindersDue()) {
        String title = "Privacy request " + reminder.kind().replace('_', ' ');
        String message = "The " + reminder.type() + " request " + reminder.requestId() + " is due at " + reminder.dueAt()
            + (reminder.kind().equals("overdue") ? " and is now overdue." : ".");
        for (var officer : officers) {
          confide.notices.post(officer.id(), dev.confide.notify.NoticeKind.PRIVACY_REQUEST, title, message, false);
          confide.outbox.enqueue(officer.id(), dev.confide.notify.MailKind.LEGAL, "product_update",
              java.util.Map.of("title", title, "message", message));
        }
      }
      confide.policyVersions.resumeAnnouncements();
      confide.grants.expireDue();
      confide.incidents.runReminders();
    });
  }

  private void count(String what, int rows) {
    confide.metrics.counter("confide.retention.rows", "sweep", what).increment(rows);
  }

  /**
   * Runs the job only while holding its lease; a failure is logged and the next run retries. Runs
   * are timed and failures counted, and a success is recorded where every instance can see it.
   */
  private void runLeased(String job, Runnable work) {
    try {
      if (!confide.leases.tryAcquire(job, holder, Duration.ofMinutes(30))) {
        return;
      }
      try {
        confide.metrics.timer("confide.job.duration", "job", job).record(work);
        confide.leases.recordSuccess(job);
      } finally {
        confide.leases.release(job, holder);
      }
    } catch (RuntimeException e) {
      confide.metrics.counter("confide.job.failures", "job", job).increment();
      LOG.error("{} failed; it will be retried", job, Unexplained.of(e));
    }
  }

  private void reloadKeyrings() {
    try {
      confide.keyEncryption.reloadIfChanged();
      confide.cookieKeys.reloadIfChanged();
    } catch (RuntimeException e) {
      LOG.warn("keyring reload failed: {}", e.getClass().getSimpleName());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
