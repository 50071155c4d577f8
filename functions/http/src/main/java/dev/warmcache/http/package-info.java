/**
 * The HTTP front of the cache: {@code GET} and {@code HEAD} of {@code /items/{id}}, answered
 * through the client's tiers in HTTP's own caching vocabulary, so that browsers and shared caches
 * (CloudFront, Varnish) hold a value exactly as long as warmcache itself would serve it.
 *
 * <p>{@link dev.warmcache.http.HttpFront} maps a request to a response; {@link
 * dev.warmcache.http.FunctionUrlEvent} reads and writes the Lambda function URL wire (payload
 * format 2.0). Everything else is package-private. See docs/http.md.
 */
package dev.warmcache.http;
