package dev.warmcache.reader;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.warmcache.client.CachedValue;
import dev.warmcache.client.Rendering;
import dev.warmcache.client.Source;
import dev.warmcache.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes answers in the wire shapes of docs/reader.md straight to the Lambda output. Value answers
 * are assembled from parts serialized once per version held ({@link Wire}, the client's {@link
 * Rendering} for this host); the rarer shapes are streamed through Jackson.
 */
final class ResponseWriter {

  /**
   * A value's answer, serialized once as it enters memory: {@code head} is {@code
   * {"id":..,"value":..[,"contentType":..]} without the closing brace, {@code tail} is {@code
   * ,"version":..,"fetchedAt":..,"expiresAt":..}. Only {@code source} and {@code stale} differ
   * between answers of one version, so a memory hit copies bytes instead of encoding the value.
   */
  record Wire(byte[] head, byte[] tail) {}

  /** How the client renders each value for this host. */
  static final Rendering<Wire> RENDERING =
      new Rendering<>() {
        @Override
        public Wire render(CachedValue value) {
          return new Wire(head(value, embeddable(value)), tail(value));
        }

        @Override
        public long bytes(Wire wire) {
          return wire.head().length + wire.tail().length;
        }
      };

  private static final byte[] SOURCE = ascii(",\"source\":\"");
  private static final byte[] STALE_TRUE = ascii("\",\"stale\":true");
  private static final byte[] STALE_FALSE = ascii("\",\"stale\":false");
  private static final byte[] NOT_FOUND = ascii(",\"notFound\":true");
  private static final byte[][] SOURCES = {
    ascii(Source.MEMORY.wire()), ascii(Source.DYNAMODB.wire()), ascii(Source.ORIGIN.wire())
  };

  void write(Answer answer, OutputStream out) throws IOException {
    if (answer instanceof Answer.Value v) {
      value(out, v);
      return;
    }
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      if (answer instanceof Answer.Pending p) {
        pending(g, p);
      } else if (answer instanceof Answer.Primed p) {
        primed(g, p);
      } else if (answer instanceof Answer.Rejected r) {
        rejected(g, r);
      } else {
        throw new IllegalStateException("unhandled answer " + answer.getClass().getName());
      }
    }
  }

  /**
   * {@code
   * {"id","value","contentType"?,"source","version","fetchedAt","expiresAt","stale","notFound"?}}
   * assembled from the entry's pre-serialized parts.
   */
  private static void value(OutputStream out, Answer.Value answer) throws IOException {
    CachedValue v = answer.value();
    Wire wire = v.rendered(Wire.class);
    out.write(wire.head());
    out.write(SOURCE);
    out.write(SOURCES[v.source().ordinal()]);
    out.write(v.stale() ? STALE_TRUE : STALE_FALSE);
    out.write(wire.tail());
    if (v.notFound()) {
      out.write(NOT_FOUND);
    }
    out.write('}');
  }

  /** {@code {"id":..,"value":..[,"contentType":..]} (no closing brace), escaped by Jackson. */
  static byte[] head(CachedValue item, boolean embedAsJson) {
    ByteArrayOutputStream buffer =
        new ByteArrayOutputStream(64 + (item.value() == null ? 0 : item.value().length()));
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(buffer, JsonEncoding.UTF8)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
      g.writeStartObject();
      g.writeStringField("id", item.id());
      g.writeFieldName("value");
      if (item.value() == null) {
        g.writeNull();
      } else if (embedAsJson) {
        g.writeRawValue(item.value());
      } else {
        g.writeString(item.value());
      }
      if (item.contentType() != null) {
        g.writeStringField("contentType", item.contentType());
      }
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return buffer.toByteArray();
  }

  /** {@code ,"version":..,"fetchedAt":..,"expiresAt":..}: numbers only, nothing to escape. */
  static byte[] tail(CachedValue item) {
    return ascii(
        ",\"version\":"
            + item.version()
            + ",\"fetchedAt\":"
            + item.fetchedAt().toEpochMilli()
            + ",\"expiresAt\":"
            + item.expiresAt().getEpochSecond());
  }

  /**
   * JSON values are returned as JSON only if they parse; otherwise as a string, never as broken
   * output.
   */
  private static boolean embeddable(CachedValue value) {
    if (value.value() == null || !value.isJson()) {
      return false;
    }
    try {
      com.fasterxml.jackson.databind.JsonNode parsed = Json.MAPPER.readTree(value.value());
      return parsed != null && !parsed.isMissingNode();
    } catch (Exception notJson) {
      return false;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static void pending(JsonGenerator g, Answer.Pending p) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", p.id().value());
    g.writeBooleanField("pending", true);
    g.writeStringField("reason", p.reason().wire());
    g.writeStringField(
        "message",
        switch (p.reason()) {
          case ABSENT ->
              p.id().value()
                  + " is not cached yet; a refresh was requested. Retry in a few seconds.";
          case EXPIRED, EARLY ->
              p.id().value()
                  + " expired too long ago to be served stale; a refresh was requested."
                  + " Retry in a few seconds.";
        });
    g.writeNumberField("waitedMs", p.waitedMillis());
    g.writeEndObject();
  }

  private static void primed(JsonGenerator g, Answer.Primed p) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", p.id().value());
    g.writeBooleanField("primed", p.primed());
    g.writeFieldName("version");
    if (p.version().isPresent()) {
      g.writeNumber(p.version().getAsLong());
    } else {
      g.writeNull();
    }
    g.writeStringField("reason", p.reason());
    g.writeBooleanField("held", p.held());
    g.writeStringField("instance", p.instance().name());
    g.writeBooleanField("coldStart", p.instance().coldStart());
    g.writeEndObject();
  }

  private static void rejected(JsonGenerator g, Answer.Rejected r) throws IOException {
    g.writeStartObject();
    g.writeStringField("error", r.error().name());
    g.writeStringField("message", r.message());
    g.writeEndObject();
  }
}
