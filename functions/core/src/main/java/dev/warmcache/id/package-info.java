/**
 * Cache keys: {@link dev.warmcache.id.ItemId} is the only way an id enters the system, from a
 * reader request, an EventBridge detail, a stream record or a prime.
 */
package dev.warmcache.id;
