package dev.warmcache.reader;

/**
 * Which execution environment answered, and whether this was its first invocation.
 *
 * @param name the log stream name: Lambda gives each execution environment its own (the twin names
 *     its instances the same way); a random name where there is no context
 * @param coldStart {@code true} on the first invocation after init or a SnapStart restore
 */
record Instance(String name, boolean coldStart) {}
