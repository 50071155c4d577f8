package dev.warmcache.reader;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.warmcache.item.Item;
import dev.warmcache.json.Json;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes answers in the wire shapes of docs/reader.md, streaming straight to the Lambda output
 * (no intermediate tree or string), which keeps a memory hit in the low microseconds.
 */
final class ResponseWriter {

    void write(Answer answer, OutputStream out) throws IOException {
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (answer instanceof Answer.Value v) {
                value(g, v);
            } else if (answer instanceof Answer.Pending p) {
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

    private static void value(JsonGenerator g, Answer.Value v) throws IOException {
        Item item = v.entry().item();
        g.writeStartObject();
        g.writeStringField("id", item.id().value());
        g.writeFieldName("value");
        if (item.value() == null) {
            g.writeNull();
        } else if (v.entry().embedAsJson()) {
            g.writeRawValue(item.value());
        } else {
            g.writeString(item.value());
        }
        if (item.contentType() != null) {
            g.writeStringField("contentType", item.contentType());
        }
        g.writeStringField("source", v.source().wire());
        g.writeNumberField("version", item.version());
        g.writeNumberField("fetchedAt", item.fetchedAt());
        g.writeNumberField("expiresAt", item.expiresAt());
        g.writeBooleanField("stale", v.stale());
        if (item.notFound()) {
            g.writeBooleanField("notFound", true);
        }
        g.writeEndObject();
    }

    private static void pending(JsonGenerator g, Answer.Pending p) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", p.id().value());
        g.writeBooleanField("pending", true);
        g.writeStringField("reason", p.reason().wire());
        g.writeStringField("message", switch (p.reason()) {
            case ABSENT -> p.id().value() + " is not cached yet; a refresh was requested. Retry in a few seconds.";
            case EXPIRED -> p.id().value() + " expired too long ago to be served stale; a refresh was requested."
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
        g.writeEndObject();
    }

    private static void rejected(JsonGenerator g, Answer.Rejected r) throws IOException {
        g.writeStartObject();
        g.writeStringField("error", r.error().name());
        g.writeStringField("message", r.message());
        g.writeEndObject();
    }
}
