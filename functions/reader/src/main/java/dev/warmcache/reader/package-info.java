/**
 * The reader Lambda: {@link dev.warmcache.reader.ReaderHandler} parses a request, answers from the
 * memory tier, then DynamoDB, then a bounded wait for the refresh workflow, and writes one of the
 * shapes in docs/reader.md. It never calls the origin.
 */
package dev.warmcache.reader;
