package dev.warmcache.reader;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.http.FunctionUrlEvent;
import dev.warmcache.id.InvalidIdException;
import dev.warmcache.id.ItemId;
import dev.warmcache.json.Json;
import dev.warmcache.json.JsonTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Turns request bytes into a {@link ReaderRequest} or a {@link BadRequestException} whose message
 * says what was wrong and what is expected. Strict on purpose: unknown fields are rejected rather
 * than ignored, so a misspelt field or an attempt to send a value fails loudly.
 */
public final class RequestParser {

  /** A read is about 30 bytes; anything near this limit is not a warmcache request. */
  public static final int MAX_REQUEST_BYTES = 8 * 1024;

  private static final String SHAPES =
      "send {\"id\":\"15\"} or {\"prime\":{\"id\":\"15\",\"version\":7}}";

  public ReaderRequest parse(InputStream in) throws IOException {
    // Start small: InputStream.readNBytes(8193) would allocate and zero 8 KiB per request,
    // more than everything else a memory hit does. Function URL events carry headers, so the
    // bound here is the HTTP front's; an Invoke request is held to MAX_REQUEST_BYTES below.
    byte[] buffer = new byte[128];
    int length = 0;
    while (true) {
      int read = in.read(buffer, length, buffer.length - length);
      if (read < 0) {
        break;
      }
      length += read;
      if (length > FunctionUrlEvent.MAX_EVENT_BYTES) {
        in.transferTo(OutputStream.nullOutputStream());
        if (looksLikeFunctionUrlEvent(buffer)) {
          return new ReaderRequest.HttpTooLarge();
        }
        throw tooLarge();
      }
      if (length == buffer.length) {
        buffer =
            Arrays.copyOf(
                buffer, Math.min(buffer.length * 4, FunctionUrlEvent.MAX_EVENT_BYTES + 1));
      }
    }
    return parse(length == buffer.length ? buffer : Arrays.copyOf(buffer, length));
  }

  private static BadRequestException tooLarge() {
    return new BadRequestException(
        RequestError.RequestTooLarge,
        "the request is larger than " + MAX_REQUEST_BYTES + " bytes; " + SHAPES);
  }

  /**
   * Lambda writes a function URL event's {@code version} first; an event too large to parse is
   * recognised by that prefix alone, so its caller hears HTTP (413), not an Invoke error.
   */
  private static boolean looksLikeFunctionUrlEvent(byte[] bytes) {
    String head =
        new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.UTF_8)
            .replaceAll("\\s", "");
    return head.startsWith("{\"version\":\"2.0\"");
  }

  public ReaderRequest parse(byte[] bytes) {
    ReaderRequest simple = simpleRead(bytes);
    if (simple != null) {
      return simple;
    }
    if (bytes.length > MAX_REQUEST_BYTES
        && (bytes.length > FunctionUrlEvent.MAX_EVENT_BYTES || !looksLikeFunctionUrlEvent(bytes))) {
      throw tooLarge();
    }
    if (isBlank(bytes)) {
      throw new BadRequestException(RequestError.EmptyRequest, "the request is empty; " + SHAPES);
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BadRequestException(
          RequestError.InvalidJson,
          "the request is not valid JSON: " + clip(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new BadRequestException(RequestError.InvalidJson, "the request is not valid JSON");
    }
    if (FunctionUrlEvent.isEvent(root)) {
      return new ReaderRequest.Http(root);
    }
    if (root == null || root.isMissingNode()) {
      throw new BadRequestException(RequestError.EmptyRequest, "the request is empty; " + SHAPES);
    }
    if (!root.isObject()) {
      throw new BadRequestException(
          RequestError.NotAnObject,
          "the request must be a JSON object, got " + JsonTypes.describe(root) + "; " + SHAPES);
    }
    JsonNode id = root.get("id");
    JsonNode prime = root.get("prime");
    if (id != null && prime != null) {
      throw new BadRequestException(
          RequestError.ConflictingFields,
          "a request has either \"id\" (a read) or \"prime\" (a prime notice), not both");
    }
    if (prime != null) {
      rejectUnknown(root, "prime", "a prime request takes only \"prime\"");
      return parsePrime(prime);
    }
    if (id == null) {
      String unknown = firstUnknown(root, "id");
      if (unknown != null) {
        throw new BadRequestException(
            RequestError.UnknownField, "unknown field \"" + clip(unknown) + "\"; " + SHAPES);
      }
      throw new BadRequestException(
          RequestError.MissingField, "the request needs \"id\"; " + SHAPES);
    }
    rejectUnknown(root, "id", "a read takes only \"id\"");
    return new ReaderRequest.Read(id(id));
  }

  /**
   * The common case, {@code {"id":"15"}} or {@code {"id":15}}, read with the streaming parser and
   * no tree. Anything else, including every malformed input, returns null and goes through the tree
   * path, which owns all error messages.
   */
  private static ReaderRequest simpleRead(byte[] bytes) {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT
          || p.nextToken() != JsonToken.FIELD_NAME
          || !"id".equals(p.currentName())) {
        return null;
      }
      JsonToken value = p.nextToken();
      String id;
      if (value == JsonToken.VALUE_STRING) {
        id = p.getText();
      } else if (value == JsonToken.VALUE_NUMBER_INT) {
        id = p.getBigIntegerValue().toString();
      } else {
        return null;
      }
      if (p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
      return new ReaderRequest.Read(ItemId.of(id));
    } catch (IOException | InvalidIdException slowPathExplains) {
      return null;
    }
  }

  private static ReaderRequest parsePrime(JsonNode prime) {
    if (!prime.isObject()) {
      throw new BadRequestException(
          RequestError.InvalidPrime,
          "prime must be an object {\"id\":\"15\",\"version\":7}, got "
              + JsonTypes.describe(prime));
    }
    String unknown = firstUnknown(prime, "id", "version");
    if (unknown != null) {
      String why =
          unknown.equals("value")
              ? "a prime never carries a value: readers reload from DynamoDB"
              : "prime takes only \"id\" and \"version\"";
      throw new BadRequestException(
          RequestError.UnknownField, "unknown field \"prime." + clip(unknown) + "\"; " + why);
    }
    JsonNode id = prime.get("id");
    JsonNode version = prime.get("version");
    if (id == null) {
      throw new BadRequestException(RequestError.MissingField, "prime.id is missing");
    }
    if (version == null) {
      throw new BadRequestException(RequestError.MissingField, "prime.version is missing");
    }
    ItemId itemId = id(id);
    if (!version.isIntegralNumber() || !version.canConvertToLong()) {
      throw new BadRequestException(
          RequestError.InvalidVersion,
          "prime.version must be a whole number up to 2^63-1, got " + JsonTypes.describe(version));
    }
    long v = version.longValue();
    if (v < 0) {
      throw new BadRequestException(
          RequestError.InvalidVersion, "prime.version must not be negative, got " + v);
    }
    return new ReaderRequest.Prime(itemId, v);
  }

  private static ItemId id(JsonNode node) {
    try {
      return ItemId.fromJson(node);
    } catch (InvalidIdException e) {
      throw new BadRequestException(RequestError.InvalidId, e.getMessage());
    }
  }

  private static void rejectUnknown(JsonNode object, String allowed, String why) {
    String unknown = firstUnknown(object, allowed);
    if (unknown != null) {
      throw new BadRequestException(
          RequestError.UnknownField, "unknown field \"" + clip(unknown) + "\"; " + why);
    }
  }

  private static String firstUnknown(JsonNode object, String... allowed) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      boolean known = false;
      for (String a : allowed) {
        known |= a.equals(name);
      }
      if (!known) {
        return name;
      }
    }
    return null;
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /** Keeps echoed input short, so a hostile request cannot flood the answer or the logs. */
  private static String clip(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 160 ? s : s.substring(0, 160) + "...";
  }
}
