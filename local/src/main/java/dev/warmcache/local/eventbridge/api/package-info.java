/**
 * EventBridge's wire API on the edge (JSON 1.1, {@code AWSEvents}): PutEvents and the rule and bus
 * reads, over the bus in {@code dev.warmcache.local.eventbridge.bus}.
 */
package dev.warmcache.local.eventbridge.api;
