package dev.warmcache.local.eventbridge.bus;

/**
 * One EventBridge rule on the twin's bus.
 *
 * @param pattern the event pattern JSON as read from {@code events/<name>.rule.json}
 * @param targetArn what a matching event starts (the refresh state machine)
 */
public record EventRule(
    String name, String eventBusName, String pattern, String arn, String targetArn) {}
