package dev.warmcache.cdk;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The stack of a region that is not the refresh home: {@link RegionalReaders} alone, deployed after
 * the home stack, whose global table creates this region's replica.
 */
public final class WarmcacheRegionStack extends Stack {

  private final RegionalReaders readers;

  public WarmcacheRegionStack(
      Construct scope,
      String id,
      StackProps props,
      WarmcacheConfig config,
      ProjectFiles files,
      String homeRegion) {
    super(scope, id, props);
    this.readers = new RegionalReaders(this, "Default", config, files, homeRegion);
  }

  /** The readers this stack deploys; bind your own functions in this region to them. */
  public RegionalReaders readers() {
    return readers;
  }
}
