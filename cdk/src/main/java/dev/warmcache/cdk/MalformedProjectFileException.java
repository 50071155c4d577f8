package dev.warmcache.cdk;

/** A project file exists but cannot be used as it is (bad JSON, unsupported ASL construct). */
public final class MalformedProjectFileException extends RuntimeException {
  public MalformedProjectFileException(String message) {
    super(message, null, false, false);
  }
}
