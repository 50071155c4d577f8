/**
 * SDK client construction from {@link dev.warmcache.settings.Settings}: endpoints, region,
 * credentials, HTTP client.
 */
package dev.warmcache.aws;
