package dev.confide.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The static files, read from the jar once at start: htmx and Chart.js from their WebJars, and our
 * own scripts, stylesheets and icon. Only these names are served, so nothing else on the class path leaks out.
 */
final class Assets {
  private record Asset(byte[] bytes, String contentType) {}

  private final Map<String, Asset> assets;

  Assets() {
    String htmx = "META-INF/resources/webjars/htmx.org/" + webJarVersion("htmx.org") + "/dist/htmx.min.js";
    String chart = "META-INF/resources/webjars/chart.js/" + webJarVersion("chart.js") + "/dist/chart.umd.min.js";
    this.assets = Map.of(
        "htmx.min.js", new Asset(read(htmx), "text/javascript; charset=utf-8"),
        "chart.umd.min.js", new Asset(read(chart), "text/javascript; charset=utf-8"),
        "confide.js", new Asset(read("dev/confide/web/assets/confide.js"), "text/javascript; charset=utf-8"),
        "staff.js", new Asset(read("dev/confide/web/assets/staff.js"), "text/javascript; charset=utf-8"),
        "confide.css", new Asset(read("dev/confide/web/assets/confide.css"), "text/css; charset=utf-8"),
        "staff.css", new Asset(read("dev/confide/web/assets/staff.css"), "text/css; charset=utf-8"),
        "favicon.svg", new Asset(read("dev/confide/web/assets/favicon.svg"), "image/svg+xml"));
  }

  void register(RoutesConfig routes) {
    routes.get("/assets/{name}", this::serve);
  }

  private void serve(Context ctx) {
    Asset asset = assets.get(ctx.pathParam("name"));
    if (asset == null) {
      ctx.status(404).result("");
      return;
    }
    // Assets change only with a new release; a short lifetime keeps upgrades visible quickly.
    ctx.header("Cache-Control", "public, max-age=300");
    ctx.contentType(asset.contentType()).result(asset.bytes());
  }

  private static String webJarVersion(String artifact) {
    Properties pom = new Properties();
    try (InputStream in = stream("META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pom.getProperty("version");
  }

  private static byte[] read(String resource) {
    try (InputStream in = stream(resource)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream stream(String resource) {
    InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("missing from the jar: " + resource);
    }
    return in;
  }
}
