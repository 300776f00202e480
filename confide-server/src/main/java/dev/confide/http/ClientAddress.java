package dev.confide.http;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The address a request came from, for the log-in throttle and the access log. Behind a reverse
 * proxy every connection comes from the proxy, so one guesser would lock everyone out and the log
 * would hold only the proxy's address; when the connection comes from a configured trusted proxy
 * ({@code server.trustedProxies}), the client is the right-most {@code X-Forwarded-For} address
 * that is not itself a trusted proxy. Addresses left of it are whatever the client claimed, so they
 * are never believed; with no trusted proxies the header is ignored altogether.
 */
public final class ClientAddress {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final List<Range> trusted;

  /** @param trustedProxies addresses or CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}) */
  ClientAddress(List<String> trustedProxies) {
    List<Range> ranges = new ArrayList<>();
    for (String proxy : trustedProxies) {
      ranges.add(Range.parse(proxy).orElseThrow(() -> new IllegalArgumentException("not an address or CIDR range: " + proxy)));
    }
    this.trusted = List.copyOf(ranges);
  }

  /** Whether {@code text} is an address or CIDR range this class accepts (for configuration checks). */
  public static boolean isValidRange(String text) {
    return Range.parse(text).isPresent();
  }

  String of(Context ctx) {
    if (trusted.isEmpty()) {
      return ctx.ip();
    }
    java.util.Enumeration<String> forwarded = ctx.req().getHeaders("X-Forwarded-For");
    return resolve(ctx.ip(), forwarded == null ? List.of() : java.util.Collections.list(forwarded));
  }

  /** The client for a connection from {@code peer} carrying these {@code X-Forwarded-For} header values, in order. */
  String resolve(String peer, List<String> forwardedFor) {
    if (trusted.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String value : forwardedFor) {
      for (String hop : value.split(",")) {
        hops.add(hop.strip());
      }
    }
    String client = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<byte[]> address = literal(hops.get(i));
      if (address.isEmpty()) {
        return client; // a malformed hop: nothing further left can be trusted either
      }
      client = unbracketed(hops.get(i));
      if (!isTrusted(address.get())) {
        return client;
      }
    }
    return client;
  }

  private boolean isTrusted(String address) {
    return literal(address).map(this::isTrusted).orElse(false);
  }

  private boolean isTrusted(byte[] address) {
    return trusted.stream().anyMatch(r -> r.contains(address));
  }

  /** Whether {@code address} is an IP literal of this host's loopback ({@code 127.0.0.0/8}, {@code ::1}). */
  static boolean isLoopback(String address) {
    return literal(address).map(bytes -> {
      try {
        return InetAddress.getByAddress(bytes).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }).orElse(false);
  }

  private static String unbracketed(String text) {
    return text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
  }

  /** The bytes of an IP literal; never a name look-up, whatever the text. */
  static Optional<byte[]> literal(String text) {
    String t = unbracketed(text);
    boolean v4 = IPV4.matcher(t).matches();
    if (v4 && java.util.Arrays.stream(t.split("\\.")).anyMatch(octet -> Integer.parseInt(octet) > 255)) {
      return Optional.empty(); // not a literal, so InetAddress would look it up as a name
    }
    if (!v4 && !IPV6.matcher(t).matches()) {
      return Optional.empty();
    }
    try {
      // Only a literal reaches here, which InetAddress parses without asking DNS.
      return Optional.of(InetAddress.getByName(t).getAddress());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private record Range(byte[] network, int prefixBits) {
    static Optional<Range> parse(String text) {
      String[] parts = text.strip().split("/", 2);
      Optional<byte[]> address = literal(parts[0]);
      if (address.isEmpty()) {
        return Optional.empty();
      }
      int bits = address.get().length * 8;
      int prefix = bits;
      if (parts.length == 2) {
        try {
          prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
        if (prefix < 0 || prefix > bits) {
          return Optional.empty();
        }
      }
      return Optional.of(new Range(address.get(), prefix));
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < prefixBits; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
