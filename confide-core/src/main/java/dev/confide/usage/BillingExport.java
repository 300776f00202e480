package dev.confide.usage;

import dev.confide.disclosure.DisclosureGate;
import dev.confide.disclosure.Flow;
import dev.confide.disclosure.Purposes;
import dev.confide.problem.Problem;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The monthly usage totals for the payment processor's metered billing (P41), through the
 * disclosure gate (P14, P36): one flow of usage data per subject, counting their lines. A subject
 * the gate refuses (in the EU/EEA, with a processor outside it and no safeguard) is withheld and
 * counted, so the operator can bill them another way; an export the registry does not allow at all
 * is refused before anything is produced.
 */
public final class BillingExport {
  /** What a billing line carries: usage totals. */
  public static final String CATEGORY = "usage";

  private final UsageLedger ledger;
  private final DisclosureGate gate;

  /** The lines that may go to the processor, and how many subjects were withheld. */
  public record Result(List<UsageLedger.BillingLine> lines, int withheldSubjects) {
    public Result {
      lines = List.copyOf(lines);
    }
  }

  public BillingExport(UsageLedger ledger, DisclosureGate gate) {
    this.ledger = ledger;
    this.gate = gate;
  }

  /**
   * @param processor the payment processor receiving the export; null when the policy names none
   * @throws Problem FORBIDDEN {@code unregistered_flow} when the processor is missing or not
   *     registered for billing from usage data
   */
  public Result export(YearMonth period, String processor) {
    if (processor == null) {
      throw new Problem(Problem.Kind.FORBIDDEN, "unregistered_flow",
          "no payment processor receives billing data: name one the policy registers (kind payment)");
    }
    gate.requireRegistered(processor, Purposes.BILLING, CATEGORY);
    List<UsageLedger.BillingLine> lines = new ArrayList<>();
    int withheld = 0;
    for (Map.Entry<UUID, List<UsageLedger.BillingLine>> subject : ledger.billingBySubject(period).entrySet()) {
      if (gate.passes(Flow.of(processor, Purposes.BILLING, CATEGORY, subject.getKey(), subject.getValue().size()))) {
        lines.addAll(subject.getValue());
      } else {
        withheld++;
      }
    }
    return new Result(lines, withheld);
  }
}
