package dev.warmcache.local.stepfunctions.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.local.edge.AwsException;
import dev.warmcache.local.edge.AwsJsonClient;
import java.io.IOException;

/** DynamoDB's JSON API: an operation name ({@code PutItem}) and its request document. */
@FunctionalInterface
public interface DynamoDbApi {
  JsonNode call(String operation, JsonNode request) throws DynamoDbApiException;

  /**
   * Over the wire to a DynamoDB-compatible endpoint (DynamoDB Local): the request document goes out
   * as the ASL wrote it, and DynamoDB's own error comes back.
   */
  static DynamoDbApi over(AwsJsonClient client) {
    return (operation, request) -> {
      try {
        return client.dynamoDb(operation, request);
      } catch (AwsException e) {
        throw new DynamoDbApiException(e.code(), e.status(), e.getMessage(), e.requestId());
      } catch (IOException e) {
        throw new DynamoDbApiException(
            "InternalServerError", 500, "DynamoDB unreachable: " + e.getMessage(), "none");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DynamoDbApiException("InternalServerError", 500, "interrupted", "none");
      }
    };
  }
}
