package dev.warmcache.cdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.events.EventPattern;

/**
 * An event pattern file of events/ turned into what the CDK deploys. The file stays the single
 * source: the stack's tests compare the synthesized patterns with the files themselves.
 */
final class EventPatternFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EventPatternFile() {}

  /**
   * The EventBridge rule pattern of {@code file}. Values pass through untouched (content filters
   * such as {@code {"exists": true}} included); only the top-level fields EventBridge defines are
   * accepted, so a typo in the file fails the synth.
   */
  @SuppressWarnings("unchecked")
  static EventPattern rulePattern(ProjectFiles files, String file) {
    JsonNode pattern = objectOf(files, file);
    EventPattern.Builder builder = EventPattern.builder();
    for (Iterator<Map.Entry<String, JsonNode>> it = pattern.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      Object value = JSON.convertValue(field.getValue(), Object.class);
      // The typed builder declares List<String>, but EventBridge (and jsii) take any
      // matcher list; the erased cast keeps content filters intact.
      switch (field.getKey()) {
        case "source":
          builder.source((List<String>) value);
          break;
        case "detail-type":
          builder.detailType((List<String>) value);
          break;
        case "detail":
          builder.detail((Map<String, Object>) value);
          break;
        case "account":
          builder.account((List<String>) value);
          break;
        case "region":
          builder.region((List<String>) value);
          break;
        case "resources":
          builder.resources((List<String>) value);
          break;
        case "id":
          builder.id((List<String>) value);
          break;
        case "time":
          builder.time((List<String>) value);
          break;
        case "version":
          builder.version((List<String>) value);
          break;
        default:
          throw new MalformedProjectFileException(
              file + ": '" + field.getKey() + "' is not a field of an EventBridge event pattern");
      }
    }
    return builder.build();
  }

  /** A Pipes filter pattern: the file's JSON, compacted, as the string FilterCriteria takes. */
  static String filterPattern(ProjectFiles files, String file) {
    try {
      return JSON.writeValueAsString(objectOf(files, file));
    } catch (JsonProcessingException e) {
      throw new MalformedProjectFileException(file + ": " + e.getOriginalMessage());
    }
  }

  private static JsonNode objectOf(ProjectFiles files, String file) {
    JsonNode pattern = files.json(file);
    if (!pattern.isObject() || pattern.isEmpty()) {
      throw new MalformedProjectFileException(
          file + " must hold a non-empty JSON object (an event pattern)");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = pattern.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      if (!(value.isArray() && !value.isEmpty()) && !value.isObject()) {
        throw new MalformedProjectFileException(
            file
                + ": '"
                + field.getKey()
                + "' must be a non-empty array of matchers or a nested object");
      }
    }
    return pattern;
  }
}
