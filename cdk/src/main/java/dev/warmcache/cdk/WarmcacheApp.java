package dev.warmcache.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.TagProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.lambda.FunctionUrl;

/**
 * The CDK app of cdk.json: one stack, checked by cdk-nag's AWS Solutions rules on every synth, so
 * `cdk synth` fails on the same findings as the tests.
 */
public final class WarmcacheApp {

  public static final String STACK_ID = "Warmcache";

  private WarmcacheApp() {}

  /**
   * Builds the stacks into {@code app} from its context and the repository's files, and answers the
   * refresh home's. One region (or none named): the one stack, as always. Several: the home stack
   * in the first region, with the global table, and a {@link WarmcacheRegionStack} named {@code
   * <prefix>-<region>} in each other one, deployed after it.
   */
  public static WarmcacheStack build(App app, ProjectFiles files) {
    WarmcacheConfig config = WarmcacheConfig.fromContext(key -> app.getNode().tryGetContext(key));
    String account = System.getenv("CDK_DEFAULT_ACCOUNT");
    StackProps.Builder home =
        StackProps.builder()
            .stackName(config.namePrefix())
            .description(
                "warmcache: read-through cache for AWS Lambda with an event-driven refresh pipeline");
    if (!config.regions().isEmpty()) {
      home.env(Environment.builder().account(account).region(config.regions().get(0)).build());
    }
    WarmcacheStack stack = new WarmcacheStack(app, STACK_ID, home.build(), config, files);
    tag(stack, config);
    if (config.multiRegion()) {
      String homeRegion = config.regions().get(0);
      List<WarmcacheRegionStack> others = new java.util.ArrayList<>();
      for (String region : config.regions().subList(1, config.regions().size())) {
        WarmcacheRegionStack readers =
            new WarmcacheRegionStack(
                app,
                STACK_ID + "-" + region,
                StackProps.builder()
                    .stackName(config.namePrefix() + "-" + region)
                    .description(
                        "warmcache readers in "
                            + region
                            + ", against the global table's replica; refreshes run in "
                            + homeRegion)
                    .env(Environment.builder().account(account).region(region).build())
                    .build(),
                config,
                files,
                homeRegion);
        readers.addStackDependency(
            stack, "the home stack's global table creates this region's replica");
        tag(readers, config);
        others.add(readers);
      }
      if (config.httpFront()) {
        httpFailover(app, config, account, stack, others.get(0));
      }
    }
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return stack;
  }

  /**
   * The HTTP front of several regions, in two stacks of its own because its two halves need each
   * other's ids: {@code <prefix>-http} in the home builds the distribution, whose origin group
   * takes the next region's function URL (a cross-region reference), and {@code
   * <prefix>-<region>-http-access} there lets exactly that distribution invoke it (another one
   * back). Deploy order: the region stacks, then {@code -http}, then {@code -http-access}.
   */
  private static void httpFailover(
      App app,
      WarmcacheConfig config,
      String account,
      WarmcacheStack home,
      WarmcacheRegionStack failover) {
    String homeRegion = config.regions().get(0);
    String failoverRegion = config.regions().get(1);
    Stack front =
        new Stack(
            app,
            STACK_ID + "-http",
            StackProps.builder()
                .stackName(config.namePrefix() + "-http")
                .description(
                    "warmcache HTTP front: CloudFront over the readers of "
                        + homeRegion
                        + ", failing over to "
                        + failoverRegion)
                .env(Environment.builder().account(account).region(homeRegion).build())
                .build());
    FunctionUrl failoverUrl = failover.readers().httpUrl().orElseThrow();
    CdnFront cdn =
        new CdnFront(
            front, "Default", home.cache().httpUrl().orElseThrow(), failoverUrl.getUrl(), config);
    CfnOutput.Builder.create(front, "HttpDomainName")
        .value(cdn.distribution().getDistributionDomainName())
        .description("curl -i https://<this>/items/15")
        .build();
    tag(front, config);

    Stack access =
        new Stack(
            app,
            STACK_ID + "-" + failoverRegion + "-http-access",
            StackProps.builder()
                .stackName(config.namePrefix() + "-" + failoverRegion + "-http-access")
                .description(
                    "warmcache HTTP front: lets its distribution invoke the readers of "
                        + failoverRegion)
                .env(Environment.builder().account(account).region(failoverRegion).build())
                .build());
    CdnFront.allowDistribution(
        access, failoverUrl.getFunctionArn(), cdn.distribution().getDistributionId());
    tag(access, config);
  }

  /** One tag on every resource: cost allocation and "what belongs to this cache" in one filter. */
  private static void tag(Stack stack, WarmcacheConfig config) {
    // Dashboards take no tags (AWS::CloudWatch::Dashboard has no Tags property; cfn-lint E3002).
    Tags.of(stack)
        .add(
            "app",
            config.namePrefix(),
            TagProps.builder().excludeResourceTypes(List.of("AWS::CloudWatch::Dashboard")).build());
  }

  public static void main(String[] args) {
    App app = new App();
    try {
      build(app, ProjectFiles.locate());
    } catch (MissingProjectFileException
        | MalformedProjectFileException
        | InvalidContextException e) {
      // The CLI shows stderr; a readable sentence is what the operator needs, not a trace.
      System.err.println("warmcache: " + e.getMessage());
      System.exit(2);
    }
    app.synth();
  }
}
