package dev.warmcache.item;

/**
 * The cache table's shape, the one definition the CDK stack, the twin's table bootstrap and the
 * test fixture each create the table from: a string partition key {@code id}, on-demand billing,
 * TTL on {@code expiresAt}, and a stream of new and old images (the TTL trigger reads the old one).
 * Values are DynamoDB's own names for them, as its API and CloudFormation spell them.
 */
public final class TableShape {

  /** The partition key; the table has no sort key. */
  public static final String PARTITION_KEY = ItemAttributes.ID;

  /** The partition key's attribute type: a string. */
  public static final String PARTITION_KEY_TYPE = "S";

  public static final String BILLING_MODE = "PAY_PER_REQUEST";

  /** The attribute DynamoDB's TTL reads: epoch seconds. */
  public static final String TTL_ATTRIBUTE = ItemAttributes.EXPIRES_AT;

  public static final String STREAM_VIEW_TYPE = "NEW_AND_OLD_IMAGES";

  private TableShape() {}
}
