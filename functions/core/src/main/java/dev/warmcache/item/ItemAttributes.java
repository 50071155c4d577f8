package dev.warmcache.item;

import java.util.Set;

/**
 * Attribute names of the table, for code (ASL parameters, stream filters, the twin's console) that
 * must name them without going through {@link ItemStore}.
 */
public final class ItemAttributes {
  public static final String ID = "id";
  public static final String VALUE = "value";
  public static final String CONTENT_TYPE = "contentType";
  public static final String VERSION = "version";
  public static final String FETCHED_AT = "fetchedAt";
  public static final String EXPIRES_AT = "expiresAt";
  public static final String ETAG = "etag";
  public static final String LAST_MODIFIED = "lastModified";
  public static final String NOT_FOUND = "notFound";
  public static final String IDLE_REFRESHES = "idleRefreshes";

  /** Milliseconds the refresh that wrote the item took: the Δ of early refresh (XFetch). */
  public static final String REFRESH_MILLIS = "refreshMillis";

  /**
   * Epoch ms at which a reader last claimed the right to ask for this key's refresh; one claim per
   * interval fleet-wide, so one expired key starts one execution.
   */
  public static final String REFRESH_REQUESTED_AT = "refreshRequestedAt";

  /** Who holds the refresh lease (an execution name or task id). */
  public static final String LEASE_OWNER = "leaseOwner";

  /** Epoch milliseconds after which the lease is void and anyone may take it. */
  public static final String LEASE_UNTIL = "leaseUntil";

  /** Every attribute an item record may hold; anything else marks a record as not warmcache's. */
  public static final Set<String> ALL =
      Set.of(
          ID,
          VALUE,
          CONTENT_TYPE,
          VERSION,
          FETCHED_AT,
          EXPIRES_AT,
          ETAG,
          LAST_MODIFIED,
          NOT_FOUND,
          IDLE_REFRESHES,
          REFRESH_MILLIS,
          REFRESH_REQUESTED_AT,
          LEASE_OWNER,
          LEASE_UNTIL);

  private ItemAttributes() {}
}
