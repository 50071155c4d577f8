package dev.warmcache.bench;

/**
 * The list prices the cost model uses: US East (N. Virginia), on-demand, no free tier, as read on
 * 2026-12-03. One place, so docs/scale.md and the printed table cannot disagree; each price names
 * its source. Change a price here and rerun {@code -Pscale}.
 */
final class Prices {

  /**
   * Standard workflows, per state transition: $0.025 per 1,000
   * (aws.amazon.com/step-functions/pricing; retries are transitions too).
   */
  static final double STANDARD_PER_TRANSITION = 0.025 / 1_000;

  /** Express workflows, per request (execution started): $1.00 per million (same page). */
  static final double EXPRESS_PER_REQUEST = 1.00 / 1_000_000;

  /**
   * Express duration, first tier: $0.00001667 per GB-second, billed in 100 ms steps and 64 MB
   * memory chunks (same page; the memory is the definition plus the state data, so the smallest
   * chunk applies to this workflow's small states).
   */
  static final double EXPRESS_PER_GB_SECOND = 0.00001667;

  static final double EXPRESS_MIN_GB = 64.0 / 1024;

  /** Lambda, per request: $0.20 per million (aws.amazon.com/lambda/pricing). */
  static final double LAMBDA_PER_REQUEST = 0.20 / 1_000_000;

  /**
   * Lambda duration on Arm (the stack deploys ARM_64), first tier: $0.0000133334 per GB-second,
   * billed per millisecond (same page).
   */
  static final double LAMBDA_ARM_PER_GB_SECOND = 0.0000133334;

  /**
   * DynamoDB on-demand: $0.625 per million write request units and $0.125 per million read request
   * units since the November 2024 price cut (aws.amazon.com/dynamodb/pricing/on-demand). A write
   * unit covers 1 KB (an update is sized by the larger of the item before and after); a read unit
   * covers 4 KB strongly consistent, or two eventually consistent reads.
   */
  static final double DYNAMODB_PER_WRU = 0.625 / 1_000_000;

  static final double DYNAMODB_PER_RRU = 0.125 / 1_000_000;

  /**
   * EventBridge custom events: $1.00 per million, each 64 KB chunk one event
   * (aws.amazon.com/eventbridge/pricing).
   */
  static final double EVENTBRIDGE_PER_EVENT = 1.00 / 1_000_000;

  /** EventBridge Pipes: $0.40 per million requests after filtering (same page). */
  static final double PIPES_PER_REQUEST = 0.40 / 1_000_000;

  private Prices() {}
}
