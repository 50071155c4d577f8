/** JMH benchmarks of the reader's memory and DynamoDB tiers. */
package dev.warmcache.bench;
