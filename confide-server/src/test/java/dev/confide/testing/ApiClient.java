package dev.confide.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A browser-like HTTP client for tests: keeps cookies, echoes the CSRF token from sign-up or
 * log-in, and can switch to a Bearer API key.
 */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final CookieManager cookies = new CookieManager();
  private final HttpClient http;
  private String csrfToken;
  private String bearer;

  /** A response with its body parsed as JSON when it is JSON. */
  public record Response(int status, String text, JsonNode json, HttpHeaders headers) {
    public String errorCode() {
      return json == null ? null : json.path("error").path("code").asText(null);
    }
  }

  /** A client of the server at {@code baseUrl} (e.g. one running in a child JVM). */
  public ApiClient(String baseUrl) {
    this.baseUrl = baseUrl;
    this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
  }

  public CookieManager cookies() {
    return cookies;
  }

  public ApiClient withCsrf(String token) {
    this.csrfToken = token;
    return this;
  }

  public ApiClient withBearer(String secret) {
    this.bearer = secret;
    return this;
  }

  public String csrfToken() {
    return csrfToken;
  }

  public Response signUp(String name, String email, String password, String birthDate) {
    Response r = post("/api/auth/signup", Map.of("name", name, "email", email, "password", password, "birthDate", birthDate));
    if (r.status() == 201) {
      csrfToken = r.json().get("csrfToken").asText();
    }
    return r;
  }

  public Response logIn(String email, String password) {
    Response r = post("/api/auth/login", Map.of("email", email, "password", password));
    if (r.status() == 200) {
      csrfToken = r.json().get("csrfToken").asText();
    }
    return r;
  }

  /** Staff sign-in with password and authenticator code; keeps the staff CSRF token. */
  public Response staffLogIn(String email, String password, String totp) {
    Response r = post("/api/admin/login", Map.of("email", email, "password", password, "totp", totp));
    if (r.status() == 200) {
      csrfToken = r.json().get("csrfToken").asText();
    }
    return r;
  }

  public Response get(String path) {
    return send("GET", path, null, Map.of());
  }

  public Response delete(String path) {
    return send("DELETE", path, null, Map.of());
  }

  public Response post(String path, Object body) {
    return send("POST", path, body == null ? null : toJson(body), Map.of());
  }

  public Response patch(String path, Object body) {
    return send("PATCH", path, toJson(body), Map.of());
  }

  /** Sends raw bytes as the body (for malformed-input tests) with extra headers. */
  public Response send(String method, String path, String rawBody, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
        .method(method, rawBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(rawBody));
    if (rawBody != null) {
      request.header("Content-Type", "application/json");
    }
    if (csrfToken != null) {
      request.header("X-CSRF-Token", csrfToken);
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    headers.forEach(request::setHeader);
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      String contentType = response.headers().firstValue("Content-Type").orElse("");
      if (contentType.startsWith("application/json") && !response.body().isEmpty()) {
        json = JSON.readTree(response.body());
      }
      return new Response(response.statusCode(), response.body(), json, response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String toJson(Object body) {
    try {
      return body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
