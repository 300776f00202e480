package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  private final ClientAddress behindProxies = new ClientAddress(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));

  @Test
  void withNoTrustedProxyTheHeaderIsIgnored() {
    ClientAddress direct = new ClientAddress(List.of());
    assertThat(direct.resolve("198.51.100.4", List.of("203.0.113.9"))).isEqualTo("198.51.100.4");
  }

  @Test
  void aConnectionFromAnUntrustedPeerIsThatPeerWhateverItForwards() {
    assertThat(behindProxies.resolve("198.51.100.4", List.of("203.0.113.9"))).isEqualTo("198.51.100.4");
  }

  @Test
  void theClientIsTheRightMostHopThatIsNoTrustedProxy() {
    assertThat(behindProxies.resolve("10.1.2.3", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    // The left-most entry is what the client claimed; the proxies appended what they saw.
    assertThat(behindProxies.resolve("10.1.2.3", List.of("1.1.1.1, 203.0.113.9, 192.168.1.7"))).isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("10.1.2.3", List.of("1.1.1.1", "203.0.113.9"))).as("several header lines, in order")
        .isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("fd12::1", List.of("2001:db8::5"))).isEqualTo("2001:db8::5");
    assertThat(behindProxies.resolve("10.1.2.3", List.of("[2001:db8::5]"))).isEqualTo("2001:db8::5");
  }

  @Test
  void aMalformedHopEndsTheWalkAtTheLastAddressThatCouldBeRead() {
    assertThat(behindProxies.resolve("10.1.2.3", List.of())).as("no header: the proxy itself").isEqualTo("10.1.2.3");
    assertThat(behindProxies.resolve("10.1.2.3", List.of("evil.example.com"))).isEqualTo("10.1.2.3");
    assertThat(behindProxies.resolve("10.1.2.3", List.of("203.0.113.9, unknown, 10.4.4.4"))).isEqualTo("10.4.4.4");
    assertThat(behindProxies.resolve("10.1.2.3", List.of("10.9.9.9, 10.8.8.8"))).as("all hops trusted: the first")
        .isEqualTo("10.9.9.9");
  }

  @Test
  void rangesAreCheckedBitByBitAndNamesAreNeverLookedUp() {
    ClientAddress narrow = new ClientAddress(List.of("10.0.0.128/25"));
    assertThat(narrow.resolve("10.0.0.200", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(narrow.resolve("10.0.0.100", List.of("203.0.113.9"))).isEqualTo("10.0.0.100");
    assertThat(ClientAddress.isValidRange("10.0.0.0/8")).isTrue();
    assertThat(ClientAddress.isValidRange("::1")).isTrue();
    assertThat(ClientAddress.isValidRange("10.0.0.0/33")).isFalse();
    assertThat(ClientAddress.isValidRange("localhost")).isFalse();
    assertThat(ClientAddress.isValidRange("999.1.1.1")).as("looks numeric, is no literal").isFalse();
    assertThat(ClientAddress.isValidRange("1:2:3:4:5:6:7:8:9")).isFalse();
    assertThat(ClientAddress.isValidRange("10.0.0.0/x")).isFalse();
    assertThatThrownBy(() -> new ClientAddress(List.of("proxy.internal"))).isInstanceOf(IllegalArgumentException.class);
  }
}
