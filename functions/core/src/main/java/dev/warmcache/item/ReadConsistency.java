package dev.warmcache.item;

/** DynamoDB read consistency; STRONG costs twice the read units and is used for primes only. */
public enum ReadConsistency {
  EVENTUAL,
  STRONG
}
