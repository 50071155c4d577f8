package dev.warmcache.cdk;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The stack {@code cdk deploy} deploys: the {@link Warmcache} construct alone, with the id {@code
 * Default}, which CDK leaves out of logical ids, so every resource keeps the logical id it had when
 * this stack built them itself.
 */
public final class WarmcacheStack extends Stack {

  private final Warmcache cache;

  public WarmcacheStack(
      Construct scope, String id, StackProps props, WarmcacheConfig config, ProjectFiles files) {
    super(scope, id, props);
    this.cache = new Warmcache(this, "Default", config, files);
  }

  /** The cache this stack deploys. */
  public Warmcache cache() {
    return cache;
  }
}
