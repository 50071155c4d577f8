package dev.warmcache.local.stepfunctions.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One entry of an execution's history, named and shaped as in {@code GetExecutionHistory}: {@code
 * type} is e.g. {@code TaskStateEntered}, and {@code details} is the object AWS puts under {@code
 * detailsField} (e.g. {@code stateEnteredEventDetails}), or {@code null} when AWS has none.
 *
 * @param previousEventId 0 for the first event
 */
public record HistoryEvent(
    long id,
    long previousEventId,
    Instant timestamp,
    String type,
    String detailsField,
    ObjectNode details) {

  /** The event as a {@code GetExecutionHistory} list element (timestamp in epoch seconds). */
  public ObjectNode toAwsJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("timestamp", timestamp.toEpochMilli() / 1000.0);
    node.put("type", type);
    node.put("id", id);
    node.put("previousEventId", previousEventId);
    if (detailsField != null && details != null) {
      node.set(detailsField, details.deepCopy());
    }
    return node;
  }
}
