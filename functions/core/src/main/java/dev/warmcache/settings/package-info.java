/**
 * Configuration: {@link dev.warmcache.settings.Settings} is built from an environment map, never
 * from {@code System.getenv()} directly, so one JVM can host several functions.
 */
package dev.warmcache.settings;
