/**
 * Events on the warmcache bus: names, the {@link dev.warmcache.events.EventPublisher} seam and the
 * EventBridge implementation.
 */
package dev.warmcache.events;
