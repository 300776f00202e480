package dev.confide.disclosure;

import static dev.confide.disclosure.DisclosureGateTest.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.models.ModelProvider;
import dev.confide.notify.MailDeliveryException;
import dev.confide.notify.MailTransport;
import dev.confide.notify.OutgoingMail;
import dev.confide.policy.PolicyLoader;
import dev.confide.problem.Problem;
import dev.confide.testing.TestBackend;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The registry built from policy files, and the gate's adapters for exports, model providers and the mail relay. */
class OutboundFlowsTest {
  @TempDir Path tmp;

  private static final Processor US_RELAY = new Processor("US mail relay", Set.of(Purposes.MAIL_DELIVERY),
      Set.of(GatedMailTransport.CATEGORY), "US", TransferMechanism.NONE, false);

  /** A transport that keeps what it was handed. */
  private static final class Recording implements MailTransport {
    final List<UUID> delivered = new CopyOnWriteArrayList<>();

    @Override
    public Connection connect() {
      return new Connection() {
        @Override
        public void send(OutgoingMail mail) {
          delivered.add(mail.id());
        }

        @Override
        public void close() {}
      };
    }
  }

  @Tag("P14")
  @Test
  void theRegistryComesFromThePolicyWithPurposesByKind() {
    ProcessorRegistry infuzu = ProcessorRegistry.fromPolicy(PolicyLoader.load("infuzu"));
    assertThat(infuzu.find("AI model providers").orElseThrow().purposes()).containsExactly(Purposes.MODEL_INFERENCE);
    Processor stripe = infuzu.find("Stripe").orElseThrow();
    assertThat(stripe.covers(Purposes.BILLING, "usage")).isTrue();
    assertThat(stripe.country()).isEqualTo("US");
    assertThat(stripe.transferMechanism()).isEqualTo(TransferMechanism.DPF);
    assertThat(infuzu.find("Google Analytics").orElseThrow().purposes()).containsExactly(Purposes.ANALYTICS);

    ProcessorRegistry lumis = ProcessorRegistry.fromPolicy(PolicyLoader.load("lumis"));
    assertThat(lumis.find("AI model providers").orElseThrow().purposes())
        .as("lumis uses content for training: its model providers receive it")
        .containsExactlyInAnyOrder(Purposes.MODEL_INFERENCE, Purposes.TRAINING);
    assertThat(lumis.find("Cloud hosting providers").orElseThrow().purposes()).containsExactly(Purposes.HOSTING);
    assertThat(lumis.find("Payment processors").orElseThrow().covers(Purposes.BILLING, "usage"))
        .as("lumis gives payment processors account and payment data, not usage").isFalse();

    assertThatThrownBy(() -> new Processor(" padded", Set.of("hosting"), Set.of("content"), "US", TransferMechanism.NONE, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Processor("x".repeat(101), Set.of("hosting"), Set.of("content"), "US", TransferMechanism.NONE, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Processor("line\nbreak", Set.of("hosting"), Set.of("content"), "US", TransferMechanism.NONE, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Tag("P14")
  @Tag("P36")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void exportsLeaveOutTheSubjectsTheGateRefusesButNotAnUnregisteredFlow(TestBackend backend) throws Exception {
    try (DisclosureFixture f = DisclosureFixture.open(backend, tmp, "EU")) {
      UUID european = f.signUp("Elsa");
      UUID american = f.signUp("Abe");
      f.regions.set(american, "US");
      assertThat(f.gate.passes(Flow.of("us-plain", "training", "content", european, 4))).isFalse();
      assertThat(f.gate.passes(Flow.of("us-plain", "training", "content", american, 4))).isTrue();
      refused(() -> f.gate.passes(Flow.of("us-plain", "billing", "content", american, 1)), Problem.Kind.FORBIDDEN,
          "unregistered_flow", "purpose 'billing'");
      assertThat(f.log.log(DisclosureLog.Filter.all())).extracting(DisclosureLog.Entry::flows, DisclosureLog.Entry::records)
          .as("only the flow that went").containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 4L));
    }
  }

  @Tag("P14")
  @Tag("P36")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void modelProvidersAreCheckedPerCallAndBuiltInModelsAreNoDisclosure(TestBackend backend) throws Exception {
    try (DisclosureFixture f = DisclosureFixture.open(backend, tmp, "EU")) {
      UUID european = f.signUp("Elsa");
      // The fixture's processors receive "content"; a real registry names chat_history.
      DisclosureGate gate = new DisclosureGate(new ProcessorRegistry(List.of(
          new Processor("plain", Set.of(Purposes.MODEL_INFERENCE), Set.of(ModelProviderFlows.CATEGORY), "US", TransferMechanism.NONE, false),
          new Processor("clauses", Set.of(Purposes.MODEL_INFERENCE), Set.of(ModelProviderFlows.CATEGORY), "US", TransferMechanism.SCC, false))),
          f.settings, f.regions, f.log);
      ModelProviderFlows flows = new ModelProviderFlows(gate, Map.of("vllm-us", "plain", "openai", "clauses"));

      flows.beforeCall(european, new ModelProvider.Description("confide-builtin", "builtin", true, "local", true, "off"));
      assertThat(f.log.log(DisclosureLog.Filter.all())).as("built-in models run inside Confide").isEmpty();
      refused(() -> flows.beforeCall(european, provider("vllm-us")), Problem.Kind.UNPROCESSABLE, "transfer_not_permitted", "'plain'");
      refused(() -> flows.beforeCall(european, provider("unbound")), Problem.Kind.FORBIDDEN, "unregistered_flow", "'unbound'");
      flows.beforeCall(european, provider("openai"));
      assertThat(f.log.log(DisclosureLog.Filter.all())).containsExactly(new DisclosureLog.Entry(
          java.time.LocalDate.parse("2026-11-01"), "clauses", Purposes.MODEL_INFERENCE, ModelProviderFlows.CATEGORY, 1, 1));
    }
  }

  @Tag("P14")
  @Tag("P36")
  @ParameterizedTest
  @EnumSource(TestBackend.class)
  void theMailRelayGetsOnlyWhatTheGateAllowsAndARefusalIsPermanent(TestBackend backend) throws Exception {
    try (DisclosureFixture f = DisclosureFixture.open(backend, tmp, "EU")) {
      UUID european = f.signUp("Elsa");
      UUID american = f.signUp("Abe");
      f.regions.set(american, "US");
      DisclosureGate gate = new DisclosureGate(new ProcessorRegistry(List.of(US_RELAY, DisclosureFixture.US_SCC)), f.settings,
          f.regions, f.log);
      refused(() -> new GatedMailTransport(new Recording(), gate, "us-scc"), Problem.Kind.FORBIDDEN, "unregistered_flow",
          "purpose 'mail_delivery'");

      Recording relay = new Recording();
      MailTransport gated = new GatedMailTransport(relay, gate, "US mail relay");
      OutgoingMail toEurope = mail(european);
      OutgoingMail toAmerica = mail(american);
      try (MailTransport.Connection connection = gated.connect()) {
        assertThatThrownBy(() -> connection.send(toEurope)).isInstanceOfSatisfying(MailDeliveryException.class, e -> {
          assertThat(e.permanent()).as("retrying cannot change the registry's answer").isTrue();
          assertThat(e.getMessage()).contains("transfer_not_permitted");
        });
        connection.send(toAmerica);
      }
      assertThat(relay.delivered).containsExactly(toAmerica.id());
      assertThat(f.log.log(DisclosureLog.Filter.all())).extracting(DisclosureLog.Entry::processor, DisclosureLog.Entry::purpose,
          DisclosureLog.Entry::category, DisclosureLog.Entry::flows)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("US mail relay", "mail_delivery", "account", 1L));
    }
  }

  private static ModelProvider.Description provider(String name) {
    return new ModelProvider.Description(name, "openai", false, "US", false, "off");
  }

  private static OutgoingMail mail(UUID subject) {
    return new OutgoingMail(UUID.randomUUID(), subject, "someone@example.com", "Your code", "123456",
        Instant.parse("2026-11-01T10:00:00Z"));
  }
}
