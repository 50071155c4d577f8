/**
 * Instruments that measure the hosted product on the twin as a fleet: what every warm reader
 * instance serves, and when a refresh lands. Used by the twin's fleet tests and by the benchmarks
 * in {@code bench/}; the twin itself never calls them.
 */
package dev.warmcache.local.measure;
