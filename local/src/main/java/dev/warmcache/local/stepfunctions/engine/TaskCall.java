package dev.warmcache.local.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One attempt of a Task state, as the engine hands it to a {@link TaskHandler}.
 *
 * @param executionArn the running execution
 * @param stateName the Task state's name
 * @param resource the state's {@code Resource}, e.g. {@code arn:aws:states:::lambda:invoke}
 * @param parameters the effective input after {@code InputPath} and {@code Parameters}: for a
 *     service integration this is the API request
 */
public record TaskCall(
    String executionArn, String stateName, String resource, JsonNode parameters) {}
