/**
 * Amazon DynamoDB Local hosted in this JVM and reachable on 127.0.0.1 only. The twin and the tests
 * of every module start it the same way, so the loopback rebinding and the port choice live in one
 * place.
 */
package dev.warmcache.dynamodblocal;
