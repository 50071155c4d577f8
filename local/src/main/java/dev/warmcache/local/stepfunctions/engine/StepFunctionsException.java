package dev.warmcache.local.stepfunctions.engine;

/**
 * A Step Functions API error with its AWS error code ({@code ExecutionDoesNotExist}, {@code
 * StateMachineDoesNotExist}, {@code ExecutionAlreadyExists}, {@code InvalidDefinition}, {@code
 * InvalidName}, {@code InvalidArn}, {@code InvalidExecutionInput}), for the wire layer to send as
 * is.
 */
public final class StepFunctionsException extends RuntimeException {

  private final String errorCode;

  public StepFunctionsException(String errorCode, String message) {
    super(message, null, false, false);
    this.errorCode = errorCode;
  }

  public String errorCode() {
    return errorCode;
  }
}
