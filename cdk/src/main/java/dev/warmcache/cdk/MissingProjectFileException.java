package dev.warmcache.cdk;

/** A file the stack deploys (ASL, event pattern, Lambda jar) is not where the layout says. */
public final class MissingProjectFileException extends RuntimeException {
  public MissingProjectFileException(String message) {
    super(message, null, false, false);
  }
}
