package dev.warmcache.refresh.errors;

/**
 * The origin refused the request (a 4xx other than 404/410/408/429, or a redirect); retrying cannot
 * help.
 */
public final class OriginRejectedException extends RefreshException {

  public OriginRejectedException(String message) {
    super(message);
  }
}
