/**
 * The change feed: a small, time-bucketed, self-expiring record of every write that changes what
 * readers serve, so that each warm reader can drop what changed without being reached by a prime.
 * {@link dev.warmcache.changes.ChangeFeed} owns the record format, the bucket arithmetic and the
 * one batched read; the workflow writes with a direct DynamoDB integration. See docs/freshness.md.
 */
package dev.warmcache.changes;
