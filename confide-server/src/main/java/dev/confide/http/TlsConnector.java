package dev.confide.http;

import dev.confide.config.ConfideConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Built-in HTTPS (P20): TLS 1.3 and 1.2 only, ECDHE with AEAD ciphers, P-521 offered first for key
 * exchange, and a certificate from the configured PKCS#12 keystore or, when none is configured, a
 * self-signed ECDSA P-521 certificate kept under {@code dataDir/tls}.
 */
public final class TlsConnector {
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  static final String[] CIPHER_SUITES = {
      "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};
  private static final String ALIAS = "confide";

  private final KeyStore keyStore;
  private final String password;
  private final String host;
  private final int port;

  private TlsConnector(KeyStore keyStore, String password, String host, int port) {
    this.keyStore = keyStore;
    this.password = password;
    this.host = host;
    this.port = port;
  }

  /**
   * Sets the key-exchange groups (P-521 by default) for this process. The JDK reads them once,
   * when TLS is first used by anything in the process (a PostgreSQL connection over TLS counts), so
   * {@code serve} calls this before it opens the database; an operator's own
   * {@code -Djdk.tls.namedGroups} wins.
   */
  public static void applyNamedGroups(ConfideConfig.Tls tls) {
    if (System.getProperty("jdk.tls.namedGroups") == null) {
      System.setProperty("jdk.tls.namedGroups", String.join(",", tls.namedGroups()));
    }
  }

  public static TlsConnector fromConfig(ConfideConfig config) {
    ConfideConfig.Tls tls = config.server().tls();
    applyNamedGroups(tls);
    if (tls.keystore() != null) {
      Path keystore = Path.of(tls.keystore());
      String variable = tls.keystorePasswordEnv();
      String password = variable == null ? "" : System.getenv().getOrDefault(variable, "");
      try {
        return new TlsConnector(load(keystore, password), password, config.server().host(), config.server().port());
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        String hint = variable == null ? ""
            : " (its password is read from the environment variable " + variable
                + (System.getenv(variable) == null ? ", which is not set)" : ")");
        throw new IllegalStateException("server.tls.keystore: " + keystore + " is unusable: " + e.getMessage() + hint, e);
      }
    }
    Path dir = config.dataPath().resolve("tls");
    Path store = dir.resolve("self-signed.p12");
    Path passwordFile = dir.resolve("self-signed.password");
    try {
      if (!Files.exists(store) || !Files.exists(passwordFile)) {
        writeSelfSigned(dir, store, passwordFile);
      }
      String password = Files.readString(passwordFile).strip();
      return new TlsConnector(load(store, password), password, config.server().host(), config.server().port());
    } catch (IOException e) {
      throw new UncheckedIOException("self-signed TLS keystore " + store + " unusable: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("self-signed TLS keystore " + store + " unusable: " + e.getMessage(), e);
    }
  }

  Connector create(Server server, HttpConfiguration base) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(keyStore);
    ssl.setKeyStorePassword(password);
    try {
      ssl.setCertAlias(keyAlias(keyStore));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    ssl.setIncludeProtocols(PROTOCOLS);
    ssl.setIncludeCipherSuites(CIPHER_SUITES);
    ssl.setUseCipherSuitesOrder(true);
    ssl.setRenegotiationAllowed(false);
    HttpConfiguration https = new HttpConfiguration(base);
    https.setSecureScheme("https");
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false); // self-signed certificates are commonly reached by IP
    https.addCustomizer(secure);
    ServerConnector connector = new ServerConnector(server,
        new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }

  /** The certificate served, for clients (and tests) that pin it. */
  public X509Certificate certificate() {
    try {
      return (X509Certificate) keyStore.getCertificate(keyAlias(keyStore));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyStore load(Path path, String password) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(path)) {
      store.load(in, password.toCharArray());
    }
    keyAlias(store);
    return store;
  }

  /** The entry served: the first one with a private key (a keystore may also hold CA certificates). */
  private static String keyAlias(KeyStore store) throws GeneralSecurityException {
    for (String alias : java.util.Collections.list(store.aliases())) {
      if (store.isKeyEntry(alias)) {
        return alias;
      }
    }
    throw new GeneralSecurityException("the keystore holds no private key with its certificate");
  }

  private static void writeSelfSigned(Path dir, Path store, Path passwordFile) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp521r1"));
    KeyPair pair = generator.generateKeyPair();
    X500Name name = new X500Name("CN=localhost, O=Confide self-signed");
    Instant now = Instant.now(); // certificate validity is wall-clock by nature
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(825))), name, pair.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
        new GeneralName(GeneralName.iPAddress, "::1")}));
    X509Certificate certificate;
    try {
      certificate = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA512withECDSA").build(pair.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry(ALIAS, pair.getPrivate(), password.toCharArray(), new Certificate[] {certificate});
    var ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    Files.deleteIfExists(passwordFile);
    Files.createFile(passwordFile, ownerOnly);
    Files.writeString(passwordFile, password);
    Path tmp = store.resolveSibling(store.getFileName() + ".new");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, ownerOnly);
    try (OutputStream out = Files.newOutputStream(tmp)) {
      keyStore.store(out, password.toCharArray());
    }
    Files.move(tmp, store, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
