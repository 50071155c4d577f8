package dev.warmcache.cdk;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.sqs.CfnQueue;

/**
 * Proves that the validation the shared synth passed is real: with the same context and
 * environment, a template CloudFormation would reject fails the synth.
 */
class TemplateValidationTest {

  @Test
  void anInvalidTemplateFailsTheSynth() {
    SynthesizedStack.get();
    @SuppressWarnings("unchecked")
    Map<String, Object> context =
        SynthesizedStack.JSON.convertValue(SynthesizedStack.get().cdkContext, Map.class);
    App app = App.Builder.create().context(context).build();
    Stack stack = new Stack(app, "Invalid");
    // SQS keeps messages for 60 s at least.
    CfnQueue.Builder.create(stack, "Queue").messageRetentionPeriod(10).build();
    RuntimeException failure = assertThrows(RuntimeException.class, app::synth);
    assertTrue(failure.getMessage().contains("ValidationFailed"), failure.getMessage());
  }
}
