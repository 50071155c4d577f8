package dev.warmcache.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.TagProps;
import software.amazon.awscdk.Tags;

/**
 * The CDK app of cdk.json: one stack, checked by cdk-nag's AWS Solutions rules on every synth, so
 * `cdk synth` fails on the same findings as the tests.
 */
public final class WarmcacheApp {

  public static final String STACK_ID = "Warmcache";

  private WarmcacheApp() {}

  /** Builds the stack into {@code app} from its context and the repository's files. */
  public static WarmcacheStack build(App app, ProjectFiles files) {
    WarmcacheConfig config = WarmcacheConfig.fromContext(key -> app.getNode().tryGetContext(key));
    WarmcacheStack stack =
        new WarmcacheStack(
            app,
            STACK_ID,
            StackProps.builder()
                .stackName(config.namePrefix())
                .description(
                    "warmcache: read-through cache for AWS Lambda with an event-driven refresh pipeline")
                .build(),
            config,
            files);
    // One tag on every resource: cost allocation and "what belongs to this cache" in one filter.
    // Dashboards take no tags (AWS::CloudWatch::Dashboard has no Tags property; cfn-lint E3002).
    Tags.of(stack)
        .add(
            "app",
            config.namePrefix(),
            TagProps.builder().excludeResourceTypes(List.of("AWS::CloudWatch::Dashboard")).build());
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    return stack;
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
