package dev.warmcache.local.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Executes Task states for the engine. Called on a worker thread per call, concurrently for
 * concurrent executions and Map iterations. The returned value is the task's raw result, before
 * {@code ResultSelector}, {@code ResultPath} and {@code OutputPath}.
 */
@FunctionalInterface
public interface TaskHandler {
  JsonNode execute(TaskCall call) throws TaskFailedException;
}
