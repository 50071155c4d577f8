package dev.warmcache.cdk;

import java.util.Locale;

/**
 * The two ways the one ASL file runs on AWS (CDK context key {@code workflowType}).
 *
 * <ul>
 *   <li>{@code standard} (the default): exactly once, a full execution history in the console,
 *       priced per state transition.
 *   <li>{@code express}: at least once and asynchronous, priced per request and duration, with a
 *       much higher start rate; its executions are watched through CloudWatch Logs (level ALL,
 *       execution data included). The lease makes a duplicate run harmless (docs/workflow.md).
 * </ul>
 */
public enum WorkflowType {
  STANDARD,
  EXPRESS;

  static WorkflowType parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidContextException(
          WarmcacheConfig.WORKFLOW_TYPE + " must be 'standard' or 'express', got '" + text + "'");
    }
  }
}
