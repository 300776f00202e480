package dev.confide.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.policy.PromiseCatalogue.Promise;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PromiseCatalogueTest {
  @Test
  void theCatalogueHoldsP01ToP41InOrder() {
    assertThat(PromiseCatalogue.all()).extracting(Promise::id)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 41).mapToObj(i -> String.format("P%02d", i)).toList());
    assertThat(PromiseCatalogue.find("P05")).hasValueSatisfying(p -> assertThat(p.source()).isEqualTo(PromiseCatalogue.Source.I));
    assertThat(PromiseCatalogue.find("P36").orElseThrow().source()).isEqualTo(PromiseCatalogue.Source.L);
    assertThat(PromiseCatalogue.find("P42")).isEmpty();
  }

  @Test
  void everyCheckAPromiseReliesOnIsANamedSelfCheck() {
    assertThat(PromiseCatalogue.all()).flatExtracting(Promise::checks).isSubsetOf(SelfChecks.NAMES);
    assertThat(PromiseCatalogue.all()).flatExtracting(Promise::checks).containsAll(SelfChecks.NAMES);
  }
}
