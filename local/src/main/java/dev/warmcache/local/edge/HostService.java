package dev.warmcache.local.edge;

/**
 * A service addressed by host name rather than path, as Lambda function URLs are ({@code
 * <url-id>.lambda-url.<region>.on.aws}). The twin's names end in {@code .localhost}, which RFC 6761
 * reserves for loopback, so curl and browsers reach them without configuration and {@link
 * EdgeGuard} can still refuse every name that is not the twin's own.
 */
public interface HostService {

  /**
   * The suffix this service owns, such as {@code .lambda-url.localhost}; ends in {@code
   * .localhost}.
   */
  String hostSuffix();

  /**
   * @param label the host name's first label (a function name), lower case
   */
  EdgeResponse handle(String label, EdgeRequest request) throws Exception;
}
