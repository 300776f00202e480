package dev.confide.disclosure;

import dev.confide.consent.Settings;
import dev.confide.consent.SubjectSettings;
import dev.confide.problem.Problem;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The one gate every outbound flow passes (P14, P36): model providers, the mail relay, analytics,
 * training and billing exports. A flow is allowed only when
 *
 * <ol>
 *   <li>the registry names its processor, and that processor for the flow's purpose and category
 *       ({@code unregistered_flow});
 *   <li>its subject, if any, has not restricted processing (P26), objected to the purpose (P28),
 *       opted out of training (P12) or of sale and sharing (P17), or limited the use of sensitive
 *       data (P29) in a way that covers the flow;
 *   <li>the transfer rule holds (P36): personal data of a subject in the EU/EEA goes to a processor
 *       outside the EU/EEA only when the registry names a safeguard for that processor
 *       ({@code transfer_not_permitted}).
 * </ol>
 *
 * Every allowed flow is added to the {@link DisclosureLog}; a refused one sends nothing.
 *
 * <p>Purposes the gate knows by name: the optional ones a subject may object to ({@link
 * Settings#PURPOSES}: training, analytics, product_improvement, marketing, profiling) and the
 * sale-like ones ({@link #SALE_PURPOSES}). Any other purpose (hosting, model_inference, payment,
 * support, mail, ...) is taken as needed to provide the service, which restriction and objections
 * do not stop. Sensitive data categories are {@link #SENSITIVE_CATEGORIES}.
 */
public final class DisclosureGate {
  /** Purposes that sell or share personal data in the CCPA's sense (cross-context advertising). */
  public static final Set<String> SALE_PURPOSES = Set.of("sale", "sharing", "advertising");
  /** Categories the "limit the use of my sensitive data" setting covers. */
  public static final Set<String> SENSITIVE_CATEGORIES = Set.of("sensitive", "health");

  private static final Set<String> OPTIONAL_PURPOSES = union(Settings.PURPOSES, SALE_PURPOSES);

  private final ProcessorRegistry registry;
  private final SubjectSettings settings;
  private final SubjectRegions regions;
  private final DisclosureLog log;

  public DisclosureGate(ProcessorRegistry registry, SubjectSettings settings, SubjectRegions regions, DisclosureLog log) {
    this.registry = registry;
    this.settings = settings;
    this.regions = regions;
    this.log = log;
  }

  /** As {@link #check(Handle, Flow)} in a transaction of its own. */
  public Processor check(Flow flow) {
    return check(null, flow);
  }

  /**
   * Checks the flow and, when it may go, logs it; call it right before sending. With a handle the
   * log entry is part of the caller's transaction.
   *
   * @return the processor, for callers that need its details (country, BAA)
   * @throws Problem FORBIDDEN {@code unregistered_flow}, {@code subject_restricted},
   *     {@code subject_objected}, {@code training_opt_out}, {@code opted_out_of_sale} or
   *     {@code sensitive_data_limited}; UNPROCESSABLE {@code transfer_not_permitted}
   */
  public Processor check(Handle h, Flow flow) {
    return pass(h, flow).processor();
  }

  /** A flow the gate let through and logged, with the day it was logged on. */
  public record Passed(Processor processor, Flow flow, LocalDate loggedOn) {}

  /** As {@link #check(Handle, Flow)}, for a caller that may yet find it sends nothing: see {@link #withdraw}. */
  public Passed pass(Handle h, Flow flow) {
    Processor processor = requireRegistered(flow.processor(), flow.purpose(), flow.category());
    if (flow.subjectId() != null) {
      // Only optional purposes depend on the subject's settings: the others skip the look-up.
      if (OPTIONAL_PURPOSES.contains(flow.purpose())) {
        checkSettings(settings.get(flow.subjectId()), flow);
      }
      checkTransfer(h == null ? regions.region(flow.subjectId()) : regions.region(h, flow.subjectId()), processor);
    }
    LocalDate day = log.record(h, flow);
    return new Passed(processor, flow, day);
  }

  /**
   * Takes a passed flow back out of the log because nothing was sent after all, so the log says
   * what left, not what was attempted. Only for a caller that knows no byte went out.
   */
  public void withdraw(Passed passed) {
    log.withdraw(passed.loggedOn(), passed.flow());
  }

  /**
   * As {@link #check(Flow)} for exports that go on without a subject the gate refuses: a refusal
   * that concerns only this subject (their settings or region) returns false and logs nothing. An
   * unregistered flow still throws, since it refuses every subject alike.
   *
   * @return whether the flow may go (and was logged)
   */
  public boolean passes(Flow flow) {
    requireRegistered(flow.processor(), flow.purpose(), flow.category());
    try {
      check(flow);
      return true;
    } catch (Problem refusedForThisSubject) {
      return false;
    }
  }

  /**
   * Whether the registry names {@code processor} for this purpose and category, without checking
   * or logging a flow: for start-up bindings and for exports that must refuse before writing.
   *
   * @throws Problem FORBIDDEN {@code unregistered_flow}
   */
  public Processor requireRegistered(String processor, String purpose, String category) {
    Processor found = registry.find(processor).orElseThrow(() -> forbidden("unregistered_flow",
        "processor '" + processor + "' is not in the processor registry; nothing was sent"));
    if (!found.covers(purpose, category)) {
      throw forbidden("unregistered_flow", "processor '" + found.name() + "' is not registered for purpose '"
          + purpose + "' and data category '" + category + "'; nothing was sent");
    }
    return found;
  }

  private static void checkSettings(Settings s, Flow flow) {
    String purpose = flow.purpose();
    if (s.restricted()) {
      throw forbidden("subject_restricted", "the subject has restricted processing of their data; purpose '" + purpose
          + "' is not allowed");
    }
    if (s.objectsTo(purpose)) {
      throw forbidden("subject_objected", "the subject objects to processing for purpose '" + purpose + "'");
    }
    if ("training".equals(purpose) && s.trainingOptOut()) {
      throw forbidden("training_opt_out", "the subject has opted out of model training");
    }
    if (SALE_PURPOSES.contains(purpose) && s.optOutOfSale()) {
      throw forbidden("opted_out_of_sale", "the subject has opted out of the sale and sharing of their data");
    }
    if (s.limitSensitive() && SENSITIVE_CATEGORIES.contains(flow.category())) {
      throw forbidden("sensitive_data_limited", "the subject has limited the use of sensitive data; category '"
          + flow.category() + "' may not be used for purpose '" + purpose + "'");
    }
  }

  private static void checkTransfer(String subjectRegion, Processor processor) {
    if (Regions.isEea(subjectRegion) && !Regions.isEea(processor.country()) && !processor.transferMechanism().isSafeguard()) {
      throw new Problem(Problem.Kind.UNPROCESSABLE, "transfer_not_permitted", "processor '" + processor.name()
          + "' processes data in " + processor.country() + ", outside the EU/EEA, and the processor registry names no"
          + " transfer safeguard for it (standard contractual clauses, adequacy decision, Data Privacy Framework or"
          + " binding corporate rules); data of subjects in the EU/EEA cannot be sent there");
    }
  }

  private static Problem forbidden(String code, String message) {
    return new Problem(Problem.Kind.FORBIDDEN, code, message);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
