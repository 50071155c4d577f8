/**
 * Lambda function URLs on the edge port: {@code http://<function>.lambda-url.localhost:<port>/...}
 * turned into payload format 2.0 events for the instance pool, and the function's response document
 * turned back into HTTP, as Lambda does for {@code <url-id>.lambda-url.<region>.on.aws}.
 */
package dev.warmcache.local.lambda.url;
