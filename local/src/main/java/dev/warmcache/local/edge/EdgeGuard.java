package dev.warmcache.local.edge;

import java.util.Locale;
import java.util.Set;

/**
 * What the edge refuses before any service sees a request, so that only the local user can drive
 * the twin:
 *
 * <ul>
 *   <li>a {@code Host} that is not the twin's own loopback name and port: a page that rebinds its
 *       own domain name to 127.0.0.1 still sends its own name;
 *   <li>an {@code Origin} that is not the twin's own: browsers send it on every cross-origin write,
 *       and no AWS CLI or SDK sends one at all;
 *   <li>on the twin's own endpoints (the console, {@code /_twin/...}), a write that is not {@code
 *       application/json}: a browser can send a cross-origin "simple request" (form or text/plain)
 *       without asking first, but never JSON.
 * </ul>
 */
final class EdgeGuard {

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  /** One DNS label: what a host service's name may start with. */
  private static final java.util.regex.Pattern LABEL =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private final int port;
  private final Set<String> hosts;
  private final Set<String> origins;
  private final Set<String> hostSuffixes;

  /**
   * @param hostSuffixes the names of host services ({@code .lambda-url.localhost}), each under
   *     {@code .localhost}: a request to {@code <label><suffix>:<port>} is the twin's own too
   */
  EdgeGuard(int port, Set<String> hostSuffixes) {
    this.port = port;
    this.hosts = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
    this.origins =
        Set.of("http://127.0.0.1:" + port, "http://localhost:" + port, "http://[::1]:" + port);
    for (String suffix : hostSuffixes) {
      if (!suffix.endsWith(".localhost")) {
        throw new IllegalArgumentException(suffix + " is not a loopback name (RFC 6761)");
      }
    }
    this.hostSuffixes = Set.copyOf(hostSuffixes);
  }

  Set<String> hostSuffixes() {
    return hostSuffixes;
  }

  /** True for {@code <label><suffix>:<port>} of a host service: a loopback name of this twin. */
  private boolean isHostServiceName(String host) {
    String portSuffix = ":" + port;
    if (!host.endsWith(portSuffix)) {
      return false;
    }
    String name = host.substring(0, host.length() - portSuffix.length());
    for (String suffix : hostSuffixes) {
      if (name.endsWith(suffix)
          && LABEL.matcher(name.substring(0, name.length() - suffix.length())).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * @return the refusal, or {@code null} when the request may go on
   */
  EdgeResponse check(
      String method,
      String path,
      String host,
      String origin,
      String contentType,
      boolean twinEndpoint,
      ErrorShape shape) {
    String lowerHost = host == null ? null : host.toLowerCase(Locale.ROOT);
    boolean hostService = lowerHost != null && isHostServiceName(lowerHost);
    if (lowerHost == null || !(hosts.contains(lowerHost) || hostService)) {
      return shape.error(
          403,
          "ForbiddenHost",
          "The twin answers only requests addressed to it on loopback (Host 127.0.0.1, localhost, "
              + "[::1] or a function URL name under .localhost, with its port); this one named "
              + "another host");
    }
    // A host service's page may call itself (same origin), never the twin's APIs or another name.
    if (origin != null
        && !(hostService
            ? origin.toLowerCase(Locale.ROOT).equals("http://" + lowerHost)
            : origins.contains(origin.toLowerCase(Locale.ROOT)))) {
      return shape.error(
          403,
          "ForbiddenOrigin",
          "The twin does not answer requests from other web origins; this one came from a page of "
              + "another site");
    }
    if (twinEndpoint && !SAFE_METHODS.contains(method) && !isJson(contentType)) {
      return shape.error(
          415,
          "UnsupportedMediaType",
          "Twin actions take a JSON body (Content-Type: application/json)");
    }
    return null;
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json");
  }
}
