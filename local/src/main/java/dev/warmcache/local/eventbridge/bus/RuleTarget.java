package dev.warmcache.local.eventbridge.bus;

/**
 * What a rule delivers a matching event to; the twin wires it to StartExecution of the workflow.
 */
@FunctionalInterface
public interface RuleTarget {

  /**
   * Delivers one event. Throwing means "not delivered": the bus retries, then dead-letters it.
   *
   * @param event the event JSON as the target receives it on AWS ({@code version}, {@code id},
   *     {@code detail-type}, {@code source}, ..., {@code detail})
   */
  void deliver(EventRule rule, String event) throws Exception;
}
