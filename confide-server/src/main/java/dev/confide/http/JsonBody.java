package dev.confide.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.problem.Problem;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A request's JSON object, read strictly: malformed JSON, a non-object body, unknown fields,
 * missing fields and wrong types each get their own stable error code and name the field.
 */
public final class JsonBody {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private final JsonNode node;

  private JsonBody(JsonNode node) {
    this.node = node;
  }

  /** Parses the body as an object whose field names all belong to {@code allowed}. */
  public static JsonBody read(Context ctx, Set<String> allowed) {
    JsonNode node = readTree(ctx);
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw Problem.invalid("unknown_field", "unknown field '" + printable(name) + "'; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
    return new JsonBody(node);
  }

  /** Parses the body as a JSON object, with the same errors as {@link #read}. */
  static JsonNode readTree(Context ctx) {
    JsonNode node;
    try {
      byte[] bytes = ctx.bodyAsBytes();
      if (bytes.length == 0) {
        throw Problem.invalid("missing_body", "a JSON object body is required");
      }
      requireJsonFromBrowsers(ctx);
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw Problem.invalid("malformed_json", "the body is not valid JSON"
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
    } catch (IOException e) {
      throw Problem.invalid("malformed_json", "the body could not be read");
    }
    if (node == null || !node.isObject()) {
      throw Problem.invalid("invalid_body", "the body must be a JSON object");
    }
    return node;
  }

  /**
   * A body without an Authorization header may come from a browser, so it must say it is JSON: a
   * cross-site page can post {@code text/plain} or a form without asking, but not
   * {@code application/json}, which needs a CORS preflight Confide never grants. Without this, a
   * page elsewhere could post a login as {@code text/plain} and sign the visitor into an account of
   * its choosing (log-in CSRF); session requests carry a CSRF token as well. Bearer-key clients,
   * which no page can make a browser send, may omit the type.
   */
  private static void requireJsonFromBrowsers(Context ctx) {
    if (ctx.header("Authorization") != null) {
      return;
    }
    String type = ctx.contentType();
    String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
      throw new Problem(Problem.Kind.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
          "send the body as JSON with the header Content-Type: application/json");
    }
  }

  /** The raw value of a field (null when absent), for shapes the typed readers do not cover. */
  JsonNode raw(String field) {
    return node.get(field);
  }

  boolean has(String field) {
    return node.has(field);
  }

  boolean isNull(String field) {
    return node.has(field) && node.get(field).isNull();
  }

  public String requiredString(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw Problem.invalid("missing_field", "field '" + field + "' is required");
    }
    if (!value.isTextual()) {
      throw Problem.invalid("invalid_type", "field '" + field + "' must be a string");
    }
    return value.textValue();
  }

  boolean requiredBoolean(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw Problem.invalid("missing_field", "field '" + field + "' is required");
    }
    if (!value.isBoolean()) {
      throw Problem.invalid("invalid_type", "field '" + field + "' must be true or false");
    }
    return value.booleanValue();
  }

  Optional<String> optionalString(String field) {
    return has(field) && !isNull(field) ? Optional.of(requiredString(field)) : Optional.empty();
  }

  List<String> requiredStringList(String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw Problem.invalid("invalid_type", "field '" + field + "' must be an array of strings");
    }
    List<String> list = new java.util.ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw Problem.invalid("invalid_type", "field '" + field + "' must be an array of strings");
      }
      list.add(item.textValue());
    }
    return list;
  }

  Optional<Double> optionalNumber(String field, double min, double max) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
      throw Problem.invalid("invalid_" + field, "field '" + field + "' must be a number from " + min + " to " + max);
    }
    return Optional.of(value.asDouble());
  }

  LocalDate requiredDate(String field) {
    String text = requiredString(field);
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw Problem.invalid("invalid_date", "field '" + field + "' must be a date as YYYY-MM-DD");
    }
  }

  Map<String, Object> requiredObject(String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw Problem.invalid("invalid_type", "field '" + field + "' must be an object");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    value.fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      Object plain;
      if (v.isNull()) {
        plain = null;
      } else if (v.isTextual()) {
        plain = v.textValue();
      } else if (v.isBoolean()) {
        plain = v.booleanValue();
      } else if (v.isNumber()) {
        plain = v.numberValue();
      } else {
        throw Problem.invalid("invalid_type", "values in '" + field + "' must be strings, numbers, booleans or null");
      }
      map.put(e.getKey(), plain);
    });
    return map;
  }

  /** Field names come from the client: cut and strip them before echoing in a message. */
  Optional<java.time.Instant> optionalInstant(String field) {
    return optionalString(field).map(text -> {
      try {
        return java.time.Instant.parse(text);
      } catch (java.time.format.DateTimeParseException e) {
        throw Problem.invalid("invalid_" + field, field + " must be an ISO-8601 instant such as 2026-11-01T09:30:00Z");
      }
    });
  }

  static String printable(String name) {
    String cut = name.length() > 40 ? name.substring(0, 40) + "…" : name;
    return cut.replaceAll("[^\\p{Alnum}_.-]", "?");
  }
}
