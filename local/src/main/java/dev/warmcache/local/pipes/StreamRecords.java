package dev.warmcache.local.pipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns a record as the DynamoDB Streams API returns it into the record EventBridge Pipes (and
 * Lambda) deliver. The two differ: {@code GetRecords} writes {@code userIdentity.Type} / {@code
 * PrincipalId}, Pipes write {@code type} / {@code principalId} and add {@code eventSourceARN}. The
 * filter in {@code events/} and the ASL are written for the Pipes shape.
 */
public final class StreamRecords {

  private StreamRecords() {}

  /** A converted copy; {@code apiRecord} is left as it was. */
  public static ObjectNode toPipesShape(JsonNode apiRecord, String streamArn, String region) {
    ObjectNode record = apiRecord.deepCopy();
    JsonNode identity = apiRecord.get("userIdentity");
    if (identity != null && identity.isObject()) {
      ObjectNode pipes = record.putObject("userIdentity");
      pipes.set("type", identity.has("Type") ? identity.get("Type") : identity.get("type"));
      pipes.set(
          "principalId",
          identity.has("PrincipalId") ? identity.get("PrincipalId") : identity.get("principalId"));
    }
    record.put("awsRegion", region);
    record.put("eventSourceARN", streamArn);
    JsonNode created = apiRecord.path("dynamodb").get("ApproximateCreationDateTime");
    if (created != null
        && created.isNumber()
        && created.asDouble() == Math.rint(created.asDouble())) {
      // The Streams API sends 1795305060.000; Pipes and Lambda deliver whole epoch seconds.
      ((ObjectNode) record.get("dynamodb")).put("ApproximateCreationDateTime", created.asLong());
    }
    return record;
  }
}
