package dev.confide.web;

import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.confide.testing.TestServer;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every browser test class starts and stops: Debian's chromium and one Confide server for the
 * class. A subclass's {@code @BeforeAll} calls {@link #launch} with how to start its server.
 */
abstract class BrowserTestBase {
  @TempDir
  static Path tmp;
  static BrowserFixture browser;
  static TestServer server;
  static String base;

  /** Chromium first: without it the class is skipped (or fails under CI) before a server starts. */
  static void launch(Function<Path, TestServer> startServer) {
    browser = BrowserFixture.launch();
    server = startServer.apply(tmp);
    base = server.baseUrl();
    PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
  }

  @AfterAll
  static void stopBrowserAndServer() {
    if (server != null) {
      server.close();
      server = null;
    }
    if (browser != null) {
      browser.close();
      browser = null;
    }
  }
}
