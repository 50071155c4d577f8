/**
 * Lambda's execution model, in process: a pool of instances per function.
 *
 * <p>Each instance defines the function's own classes (the product, Powertools) in its own class
 * loader, so its statics (SDK clients, the reader's memory tier) belong to it alone, exactly as
 * each Lambda execution environment has its own JVM; the immutable third-party libraries are loaded
 * once per function ({@code SharedLibraries} says which, and why that is faithful). An instance
 * serves one request at a time on its own thread; a request that finds no idle instance starts a
 * new one and pays a measured init duration; idle instances are reclaimed; a per-function
 * concurrency limit answers {@code TooManyRequestsException}.
 *
 * <pre>{@code
 * LambdaPool pool = new LambdaPool();
 * pool.register(FunctionConfig.builder("warmcache-reader")
 *     .handler("dev.warmcache.reader.ReaderHandler::handleRequest")
 *     .classpath(List.of(Path.of("functions/reader/target/warmcache-reader.jar")))
 *     .environment(Map.of("TABLE_NAME", "warmcache"))
 *     .build());
 * InvocationResult result = pool.invoke("warmcache-reader", "{\"id\":\"15\"}".getBytes(UTF_8));
 * }</pre>
 *
 * <p>Handlers get their environment through a public {@code (Map<String,String>)} constructor
 * (falling back to the no-arg one), because every function shares this JVM's real environment. A
 * function error is reported like the Java Lambda runtime does: {@code errorType} is the exception
 * class's {@code getName()}, {@code errorMessage} its message; the stack trace goes to the
 * instance's log (stderr), never into the payload.
 */
package dev.warmcache.local.lambda.pool;
