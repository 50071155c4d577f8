package dev.warmcache.local.edge;

/**
 * A service spoken with AWS's REST-JSON protocol, routed by path prefix (Lambda's {@code
 * /2015-03-31/functions/...}). Errors go out with {@code x-amzn-ErrorType}.
 */
public interface RestService {

  /** The path prefix this service owns, such as {@code /2015-03-31/functions/}. */
  String pathPrefix();

  EdgeResponse handle(EdgeRequest request) throws Exception;
}
