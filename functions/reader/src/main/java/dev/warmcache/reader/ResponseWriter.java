package dev.warmcache.reader;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.warmcache.item.Item;
import dev.warmcache.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes answers in the wire shapes of docs/reader.md straight to the Lambda output. Value answers
 * are assembled from parts serialized once per entry ({@link MemoryTier.Entry}); the rarer shapes
 * are streamed through Jackson.
 */
final class ResponseWriter {

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
  private static void value(OutputStream out, Answer.Value v) throws IOException {
    MemoryTier.Entry e = v.entry();
    out.write(e.head());
    out.write(SOURCE);
    out.write(SOURCES[v.source().ordinal()]);
    out.write(v.stale() ? STALE_TRUE : STALE_FALSE);
    out.write(e.tail());
    if (e.item().notFound()) {
      out.write(NOT_FOUND);
    }
    out.write('}');
  }

  /** {@code {"id":..,"value":..[,"contentType":..]} (no closing brace), escaped by Jackson. */
  static byte[] head(Item item, boolean embedAsJson) {
    ByteArrayOutputStream buffer =
        new ByteArrayOutputStream(64 + (item.value() == null ? 0 : item.value().length()));
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(buffer, JsonEncoding.UTF8)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
      g.writeStartObject();
      g.writeStringField("id", item.id().value());
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
  static byte[] tail(Item item) {
    return ascii(
        ",\"version\":"
            + item.version()
            + ",\"fetchedAt\":"
            + item.fetchedAtMillis()
            + ",\"expiresAt\":"
            + item.expiresAtEpochSeconds());
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
