package dev.confide.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.testing.TestBackend;
import dev.confide.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * P20, encryption in transit: built-in HTTPS with a P-521 certificate, TLS 1.3 and 1.2 only, P-521
 * key exchange, HSTS. Every check is a real handshake against a real server, by the JDK's TLS
 * client and by {@code openssl s_client}. Storage is not the point here, so H2 only.
 */
@Tag("P20")
class TlsTest {
  private static final String OPENSSL = "/usr/bin/openssl";

  @TempDir
  static Path tmp;

  private static TestServer server;
  private static X509Certificate certificate;
  private static SSLContext trustingTheServer;

  @BeforeAll
  static void startHttpsServer() throws Exception {
    server = TestServer.start(TestBackend.H2, tmp, "", true);
    Path tlsDir = server.config.dataPath().resolve("tls");
    String password = Files.readString(tlsDir.resolve("self-signed.password")).strip();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tlsDir.resolve("self-signed.p12"))) {
      store.load(in, password.toCharArray());
    }
    certificate = (X509Certificate) store.getCertificate(store.aliases().nextElement());
    trustingTheServer = trustingExactly(certificate);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void tls13HandshakeWithASelfSignedP521Certificate() throws Exception {
    try (SSLSocket socket = connect(trustingTheServer, "TLSv1.3", "TLSv1.2")) {
      SSLSession session = socket.getSession();

      assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
      assertThat(session.getCipherSuite()).isIn("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_AES_128_GCM_SHA256");
      X509Certificate peer = (X509Certificate) session.getPeerCertificates()[0];
      assertThat(peer).isEqualTo(certificate);
      assertThat(peer.getPublicKey()).isInstanceOf(ECPublicKey.class);
      assertThat(((ECPublicKey) peer.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(521);
      assertThat(peer.getSigAlgName()).isEqualTo("SHA512withECDSA");
      peer.checkValidity();
      peer.verify(peer.getPublicKey()); // self-signed, by its own P-521 key
    }
  }

  @Test
  void theCertificateNamesTheLoopbackAddressSoHostnameVerificationPasses() throws Exception {
    // connect() turns on HTTPS endpoint identification; the self-signed certificate carries
    // 127.0.0.1 and localhost as subject alternative names
    try (SSLSocket socket = connect(trustingTheServer, "TLSv1.3")) {
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
    List<String> names = new ArrayList<>();
    for (List<?> name : certificate.getSubjectAlternativeNames()) {
      names.add(String.valueOf(name.get(1)));
    }
    assertThat(names).contains("localhost", "127.0.0.1");
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
    SSLContext defaults = SSLContext.getInstance("TLS");
    defaults.init(null, null, null); // the JDK's public CAs only

    assertThatThrownBy(() -> connect(defaults, "TLSv1.3").close()).isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void tls12HandshakesWithAnEcdheAeadSuite() throws Exception {
    try (SSLSocket socket = connect(trustingTheServer, "TLSv1.2")) {
      SSLSession session = socket.getSession();

      assertThat(session.getProtocol()).isEqualTo("TLSv1.2");
      assertThat(session.getCipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_").matches(".*(GCM_SHA\\d+|CHACHA20_POLY1305_SHA256)");
      assertThat(session.getPeerCertificates()[0]).isEqualTo(certificate);
    }
  }

  @Test
  void tls12WithoutForwardSecrecyOrWithCbcIsRefused() {
    // RSA key transport would be refused anyway (EC certificate); a CBC suite with ECDHE is the real test
    OpenSsl cbc = openssl("-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA");

    assertThat(cbc.handshakeSucceeded()).as(cbc.output).isFalse();
    assertThat(cbc.output).containsIgnoringCase("alert handshake failure");
  }

  @Test
  void tls11AndTls10AreRefusedByTheServer() {
    // The JDK's own client refuses TLS 1.1 before it sends anything, which would prove nothing about
    // the server; openssl at security level 0 really offers TLS 1.1 and 1.0.
    for (String oldProtocol : List.of("-tls1_1", "-tls1")) {
      OpenSsl old = openssl(oldProtocol, "-cipher", "DEFAULT:@SECLEVEL=0");

      assertThat(old.handshakeSucceeded()).as(oldProtocol + ":\n" + old.output).isFalse();
      assertThat(old.output).as(oldProtocol).containsIgnoringCase("alert protocol version");
    }
    // the same client, same settings, at TLS 1.2: so the refusal above is about the version alone
    OpenSsl control = openssl("-tls1_2", "-cipher", "DEFAULT:@SECLEVEL=0");
    assertThat(control.handshakeSucceeded()).as(control.output).isTrue();
    assertThat(control.output).contains("Protocol version: TLSv1.2");
  }

  @Test
  void httpsRequestsGetHsts() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trustingTheServer).connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.http.port() + "/healthz")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"ok\"");
    assertThat(response.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isEqualTo("TLSv1.3"));
    assertThat(response.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(hsts ->
        assertThat(hsts).matches("max-age=(\\d+).*").contains("max-age=" + server.config.server().tls().hstsMaxAgeSeconds()));
    assertThat(server.config.server().tls().hstsMaxAgeSeconds()).isGreaterThanOrEqualTo(31536000L);
  }

  @Test
  void whatJettyRefusesItselfOverHttpsCarriesHstsToo() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trustingTheServer).connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.http.port() + "/healthz")).timeout(Duration.ofSeconds(10))
            .header("X-Padding", "x".repeat(20_000)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(431);
    assertThat(response.body()).contains("headers_too_large");
    assertThat(response.headers().firstValue("Strict-Transport-Security"))
        .hasValue("max-age=" + server.config.server().tls().hstsMaxAgeSeconds());
  }

  @Test
  void plainHttpIsNotServedAndNoOtherConnectorListens() throws Exception {
    Connector[] connectors = server.http.javalin().jettyServer().server().getConnectors();
    assertThat(connectors).isNotEmpty().allSatisfy(c ->
        assertThat(c.getConnectionFactory(SslConnectionFactory.class)).as("connector %s", c).isNotNull());

    try (Socket socket = new Socket("127.0.0.1", server.http.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(readSome(socket.getInputStream()), StandardCharsets.ISO_8859_1);
      assertThat(answer).doesNotContain("\"ok\"").doesNotContain("200 OK");
    }
  }

  @Test
  void plainHttpServerSendsNoHsts(@TempDir Path plainTmp) {
    try (TestServer plain = TestServer.start(TestBackend.H2, plainTmp)) {
      var response = plain.client().get("/healthz");

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }
  }

  @Test
  void keyExchangeOverP521WithTls13() {
    OpenSsl p521 = openssl("-groups", "P-521", "-tls1_3");

    assertThat(p521.handshakeSucceeded()).as(p521.output).isTrue();
    assertThat(p521.output).contains("Protocol version: TLSv1.3");
    // openssl 3.0 prints "Server Temp Key: ECDH, secp521r1, 521 bits"; other versions "P-521" or a
    // "Negotiated TLS1.3 group" line
    assertThat(p521.output).containsPattern("(Server Temp Key: ECDH, (P-521|secp521r1), 521 bits|Negotiated TLS1.3 group: secp521r1)");
    assertThat(p521.output).contains("Signature type: ECDSA").contains("Hash used: SHA512");
  }

  @Test
  void keyExchangeOverP521WithTls12() {
    OpenSsl p521 = openssl("-groups", "P-521", "-tls1_2");

    assertThat(p521.handshakeSucceeded()).as(p521.output).isTrue();
    assertThat(p521.output).contains("Protocol version: TLSv1.2")
        .containsPattern("Server Temp Key: ECDH, (P-521|secp521r1), 521 bits");
  }

  @Test
  void onlyTheConfiguredGroupsAreOfferedForKeyExchange() {
    // X448 is enabled in the JDK by default but not in server.tls.namedGroups
    assertThat(server.config.server().tls().namedGroups()).doesNotContain("x448");
    OpenSsl x448 = openssl("-groups", "X448", "-tls1_3");

    assertThat(x448.handshakeSucceeded()).as(x448.output).isFalse();
    assertThat(x448.output).as("the server refused with an alert").contains("SSL alert number");

    OpenSsl control = openssl("-groups", "X448:P-521", "-tls1_3");
    assertThat(control.handshakeSucceeded()).as(control.output).isTrue();
  }

  @Test
  void theSelfSignedCertificateIsKeptPrivateAndReusedOnRestart() throws Exception {
    Path tlsDir = server.config.dataPath().resolve("tls");
    for (String file : List.of("self-signed.p12", "self-signed.password")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tlsDir.resolve(file))))
          .as(file).isEqualTo("rw-------");
    }

    assertThat(TlsConnector.fromConfig(server.config).certificate()).isEqualTo(certificate);
  }

  @Test
  void aConfiguredKeystoreIsServed(@TempDir Path own) throws Exception {
    // The keystore password comes from the environment variable the configuration names; a test
    // cannot set one, so it names one every test environment has.
    String passwordVariable = "PATH";
    String password = System.getenv(passwordVariable);
    assertThat(password).isNotBlank();
    X509Certificate configured = writeKeystore(own.resolve("own.p12"), password);
    Files.createDirectories(own.resolve("server"));

    try (TestServer custom = TestServer.start(TestBackend.H2, own.resolve("server"), """
        server:
          tls:
            keystore: %s
            keystorePasswordEnv: %s
        """.formatted(own.resolve("own.p12"), passwordVariable), true);
        SSLSocket socket = connect(trustingExactly(configured), custom.http.port(), "TLSv1.3")) {
      assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(configured);
      assertThat(custom.config.dataPath().resolve("tls")).as("no self-signed certificate made").doesNotExist();
    }
  }

  @Test
  void aConfiguredKeystoreThatDoesNotOpenStopsStartUpNamingItAndThePasswordVariable(@TempDir Path own) throws Exception {
    writeKeystore(own.resolve("own.p12"), "the right password");
    var config = TestServer.config(TestBackend.H2.newLocation(own), own, """
        server:
          tls:
            keystore: %s
            keystorePasswordEnv: CONFIDE_TEST_UNSET_PASSWORD_VARIABLE
        """.formatted(own.resolve("own.p12")));

    assertThatThrownBy(() -> TlsConnector.fromConfig(config))
        .hasMessageContaining(own.resolve("own.p12").toString())
        .hasMessageContaining("CONFIDE_TEST_UNSET_PASSWORD_VARIABLE");
  }

  // ---------------------------------------------------------------------------------------------

  private static SSLSocket connect(SSLContext context, String... protocols) throws IOException {
    return connect(context, server.http.port(), protocols);
  }

  private static SSLSocket connect(SSLContext context, int port, String... protocols) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    try {
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setProtocols(protocols);
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static SSLContext trustingExactly(X509Certificate trusted) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", trusted);
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** A P-384 certificate for 127.0.0.1 in a PKCS#12 keystore: clearly not the self-signed P-521 one. */
  private static X509Certificate writeKeystore(Path file, String password) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair pair = generator.generateKeyPair();
    X500Name name = new X500Name("CN=configured.test");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))), name, pair.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA384withECDSA").build(pair.getPrivate())));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("mine", pair.getPrivate(), password.toCharArray(), new Certificate[] {cert});
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return cert;
  }

  private static byte[] readSome(InputStream in) throws IOException {
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n = in.read(buffer); n >= 0 && read.size() < 65536; n = in.read(buffer)) {
        read.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // the server hung up or said nothing more; what was read is the answer
    }
    return read.toByteArray();
  }

  /** What {@code openssl s_client -brief} printed, and how it ended. */
  private record OpenSsl(int exitCode, String output) {
    boolean handshakeSucceeded() {
      return output.contains("CONNECTION ESTABLISHED");
    }
  }

  /** Runs {@code openssl s_client -brief} against the server with stdin closed (so it hangs up at once). */
  private static OpenSsl openssl(String... options) {
    assertThat(Path.of(OPENSSL)).as("openssl is part of the base image; P20 is checked with it").isExecutable();
    List<String> command = new ArrayList<>(List.of(OPENSSL, "s_client", "-connect", "127.0.0.1:" + server.http.port(), "-brief"));
    command.addAll(Arrays.asList(options));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("openssl did not finish: " + output);
      }
      return new OpenSsl(process.exitValue(), output);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + OPENSSL, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
