/**
 * Lambda's wire API on the edge: Invoke (RequestResponse, Event, DryRun, log tail), GetFunction,
 * ListFunctions and aliases, over the instance pool in {@code dev.warmcache.local.lambda.pool}.
 */
package dev.warmcache.local.lambda.api;
