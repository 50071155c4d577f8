package dev.warmcache.client;

/** What one invocation did besides answering, for metrics and the request log line. */
final class Tally {
  int dynamoDbReads;
  int missEventsPublished;
  int missEventsSuppressed;
  int missEventFailures;
  int idleResets;
  boolean sharedFlight;
  int syncReads;
  int syncFailures;
  int changedKeysDropped;
  boolean memoryCleared;
  int earlyRefreshes;
  int claimsLost;
}
