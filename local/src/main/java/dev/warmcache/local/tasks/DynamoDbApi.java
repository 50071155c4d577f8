package dev.warmcache.local.tasks;

import com.fasterxml.jackson.databind.JsonNode;

/** DynamoDB's JSON API: an operation name ({@code PutItem}) and its request document. */
@FunctionalInterface
public interface DynamoDbApi {
  JsonNode call(String operation, JsonNode request) throws DynamoDbApiException;
}
