package dev.confide.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers itself, before any route runs (a malformed request line or URI, headers over
 * the limit): the same JSON error shape and security headers as every other answer, instead of
 * Jetty's HTML page, and never a stack trace or a server version.
 */
final class JettyErrors extends ErrorHandler {
  /** The Strict-Transport-Security value over HTTPS, null over plain HTTP. */
  private final String hsts;

  JettyErrors(String hsts) {
    this.hsts = hsts;
  }

  /** The headers every response carries; {@link ConfideHttp} sets the same on routed requests. */
  static void securityHeaders(HttpFields.Mutable headers) {
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("X-Frame-Options", "DENY");
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
  }

  private void headers(HttpFields.Mutable headers) {
    securityHeaders(headers);
    if (hsts != null) {
      headers.put(HttpHeader.STRICT_TRANSPORT_SECURITY, hsts);
    }
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    headers(response.getHeaders());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, body(code), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    headers(fields);
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return body(status);
  }

  private static ByteBuffer body(int status) {
    String code = switch (status) {
      case 413 -> "body_too_large";
      case 414 -> "uri_too_long";
      case 431 -> "headers_too_large";
      default -> status >= 500 ? "internal_error" : "bad_request";
    };
    String json = "{\"error\":{\"code\":\"" + code + "\",\"message\":\"the request was refused (HTTP " + status + ")\"}}";
    return ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
  }
}
