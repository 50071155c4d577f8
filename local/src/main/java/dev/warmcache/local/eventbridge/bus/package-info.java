/**
 * EventBridge's engine: one custom bus whose rules are the pattern files in {@code events/},
 * matched by AWS's Event Ruler, with retried target deliveries and dead letters. {@link
 * dev.warmcache.local.eventbridge.bus.EventSink} is the one port the workflow's {@code
 * events:putEvents} tasks see.
 */
package dev.warmcache.local.eventbridge.bus;
