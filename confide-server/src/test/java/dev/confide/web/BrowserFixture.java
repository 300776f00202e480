package dev.confide.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's chromium driven by Playwright, never a downloaded browser. When chromium is missing the
 * browser tests are skipped with a message, except under {@code CI=true}, where they fail. Pages
 * opened here record dialogs and Content-Security-Policy violations, and can be checked with
 * axe-core and photographed at desktop and phone width.
 */
final class BrowserFixture implements AutoCloseable {
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CONFIDE_CHROMIUM", "/usr/bin/chromium"));
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final int DESKTOP_WIDTH = 1280;
  private static final int PHONE_WIDTH = 360;

  private final Playwright playwright;
  private final Browser browser;
  private final String axeSource;

  /** What a page did that it must not: dialogs opened (a script ran) and policy violations. */
  static final class Watch {
    final List<String> dialogs = new CopyOnWriteArrayList<>();
    final List<String> policyViolations = new CopyOnWriteArrayList<>();
  }

  private BrowserFixture() {
    this.playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
      this.browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
          .setExecutablePath(CHROMIUM)
          .setHeadless(true)
          .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync")));
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
    this.axeSource = axeSource();
  }

  static BrowserFixture launch() {
    if (!Files.isExecutable(CHROMIUM)) {
      String message = "chromium is not installed at " + CHROMIUM + " (apt-get install chromium)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(message + "; under CI=true the browser tests must run");
      }
      System.err.println("SKIPPING browser tests: " + message);
      Assumptions.abort(message);
    }
    return new BrowserFixture();
  }

  BrowserContext context() {
    return context(Map.of());
  }

  BrowserContext context(Map<String, String> extraHeaders) {
    return browser.newContext(new Browser.NewContextOptions()
        .setViewportSize(DESKTOP_WIDTH, 900)
        .setAcceptDownloads(true)
        .setExtraHTTPHeaders(extraHeaders));
  }

  /** A new page that records dialogs (dismissing them) and Content-Security-Policy violations. */
  static Page watched(BrowserContext context, Watch watch) {
    Page page = context.newPage();
    page.onDialog(dialog -> {
      watch.dialogs.add(dialog.type() + ": " + dialog.message());
      dialog.dismiss();
    });
    page.onConsoleMessage(message -> {
      if (message.text().contains("Content Security Policy")) {
        watch.policyViolations.add(message.text());
      }
    });
    return page;
  }

  /**
   * Screenshots the page at desktop and at 360 px width, and at each checks that axe-core finds no
   * serious or critical WCAG 2.1 A/AA violation and that nothing is wider than the window.
   */
  void check(Page page, String name) {
    for (int width : new int[] {DESKTOP_WIDTH, PHONE_WIDTH}) {
      page.setViewportSize(width, 900);
      String label = name + (width == DESKTOP_WIDTH ? "-desktop" : "-360");
      page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(label + ".png")).setFullPage(true));
      assertThat(axeViolations(page)).as("axe-core on " + label).isEmpty();
      Object overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
      assertThat(((Number) overflow).intValue()).as("horizontal overflow on " + label).isLessThanOrEqualTo(0);
    }
    page.setViewportSize(DESKTOP_WIDTH, 900);
  }

  /** Serious and critical violations, as "rule: target" lines. */
  @SuppressWarnings("unchecked")
  private List<String> axeViolations(Page page) {
    // evaluate runs outside the page's script policy, so axe needs no exception in the CSP
    if (!Boolean.TRUE.equals(page.evaluate("() => typeof window.axe !== 'undefined'"))) {
      page.evaluate("() => { " + axeSource + "\n}");
    }
    List<Map<String, Object>> violations = (List<Map<String, Object>>) page.evaluate("""
        async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))
          .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => ({id: v.id, targets: v.nodes.map(n => n.target.join(' ')).join(', ')}))""");
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> v : violations) {
      lines.add(v.get("id") + ": " + v.get("targets"));
    }
    return lines;
  }

  private static String axeSource() {
    ClassLoader loader = BrowserFixture.class.getClassLoader();
    Properties pom = new Properties();
    try (InputStream in = loader.getResourceAsStream("META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
      pom.load(in);
      try (InputStream axe = loader.getResourceAsStream("META-INF/resources/webjars/axe-core/" + pom.getProperty("version") + "/axe.min.js")) {
        return new String(axe.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
