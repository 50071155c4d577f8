package dev.warmcache.local.lambda.pool;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One execution environment: its own class loader (so its own statics), its own thread, one request
 * at a time. The pool guarantees exclusive use; this class only runs what it is given.
 */
final class FunctionInstance implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String id;
  private final FunctionConfig config;
  private final ExecutorService thread;
  private final AtomicLong invocations = new AtomicLong();
  private final Instant startedAt = Instant.now();
  private volatile Instant lastUsedAt = startedAt;
  private volatile boolean busy;
  private URLClassLoader loader;
  private volatile Object handler;
  private Method method;
  private Duration initDuration = Duration.ZERO;

  /**
   * The function's shared loader for third-party classes, or the platform loader when not shared.
   */
  private final ClassLoader libraries;

  private final String arn;

  FunctionInstance(String id, FunctionConfig config, String arn, ClassLoader libraries) {
    this.id = id;
    this.arn = arn;
    this.config = config;
    this.libraries = libraries;
    this.thread =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread t = new Thread(runnable, "lambda-" + config.name() + "-" + id);
              t.setDaemon(true);
              return t;
            });
  }

  String id() {
    return id;
  }

  boolean busy() {
    return busy;
  }

  void busy(boolean busy) {
    this.busy = busy;
    if (!busy) {
      lastUsedAt = Instant.now();
    }
  }

  Instant lastUsedAt() {
    return lastUsedAt;
  }

  Duration initDuration() {
    return initDuration;
  }

  /** The handler object once init has built it, else {@code null}. */
  Object handler() {
    return handler;
  }

  InstanceInfo info() {
    return new InstanceInfo(
        config.name(), id, busy, invocations.get(), initDuration, startedAt, lastUsedAt);
  }

  /** The init phase: class loading, static initializers and the handler's constructor, timed. */
  void init() throws Throwable {
    long start = System.nanoTime();
    try {
      thread
          .submit(
              () -> {
                String name = "lambda-" + config.name() + "-" + id;
                loader =
                    config.sharedLibraries()
                        ? SharedLibraries.instance(name, urls(config.classpath()), libraries)
                        : new URLClassLoader(
                            name, urls(config.classpath()), ClassLoader.getPlatformClassLoader());
                Thread.currentThread().setContextClassLoader(loader);
                Class<?> type = Class.forName(config.handlerClass(), true, loader);
                handler = construct(type);
                method = handlerMethod(type);
                return null;
              })
          .get();
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    } finally {
      initDuration = Duration.ofNanos(System.nanoTime() - start);
    }
  }

  /** Runs one request. Returns the response payload, or throws what the handler threw. */
  byte[] invoke(byte[] payload, String requestId) throws Throwable {
    invocations.incrementAndGet();
    long deadline = System.currentTimeMillis() + config.timeout().toMillis();
    Future<byte[]> running = thread.submit(() -> call(payload, requestId, deadline));
    try {
      return running.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      running.cancel(true);
      throw new InstanceTimedOutException(config.timeout());
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  private byte[] call(byte[] payload, String requestId, long deadline) throws Exception {
    Object context = context(requestId, deadline);
    Class<?>[] params = method.getParameterTypes();
    if (params.length == 3 && params[0] == InputStream.class && params[1] == OutputStream.class) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      method.invoke(handler, new ByteArrayInputStream(payload), out, context);
      return out.toByteArray();
    }
    Class<?> inputType = params[0] == String.class ? String.class : Object.class;
    Object input = payload.length == 0 ? null : JSON.readValue(payload, inputType);
    Object result =
        params.length == 1 ? method.invoke(handler, input) : method.invoke(handler, input, context);
    return JSON.writeValueAsBytes(result);
  }

  private Object construct(Class<?> type) throws ReflectiveOperationException {
    try {
      return type.getConstructor(Map.class).newInstance(config.environment());
    } catch (NoSuchMethodException e) {
      return type.getConstructor().newInstance();
    }
  }

  private Method handlerMethod(Class<?> type) throws NoSuchMethodException {
    List<Method> candidates = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (m.getName().equals(config.handlerMethod())
          && !Modifier.isStatic(m.getModifiers())
          && !m.isBridge()
          && m.getParameterCount() >= 1
          && m.getParameterCount() <= 3) {
        candidates.add(m);
      }
    }
    candidates.sort((a, b) -> Integer.compare(b.getParameterCount(), a.getParameterCount()));
    if (candidates.isEmpty()) {
      throw new NoSuchMethodException(config.handlerClass() + "::" + config.handlerMethod());
    }
    return candidates.get(0);
  }

  /** The runtime's Context, implemented for the interface as the function's own loader sees it. */
  private Object context(String requestId, long deadline) {
    Class<?> contextType;
    Class<?> loggerType;
    try {
      contextType = Class.forName("com.amazonaws.services.lambda.runtime.Context", false, loader);
      loggerType =
          Class.forName("com.amazonaws.services.lambda.runtime.LambdaLogger", false, loader);
    } catch (ClassNotFoundException e) {
      return null;
    }
    String prefix = "[" + config.name() + " " + id + " " + requestId + "] ";
    // Defined in the interfaces' own loader: with shared libraries that is the function's parent,
    // so the proxy classes are generated once per function, not once per instance.
    Object logger =
        Proxy.newProxyInstance(
            loggerType.getClassLoader(),
            new Class<?>[] {loggerType},
            (proxy, m, args) -> {
              if (m.getName().equals("log") && args != null && args.length > 0) {
                Object message = args[0];
                System.err.println(
                    prefix
                        + (message instanceof byte[] bytes
                            ? new String(bytes, StandardCharsets.UTF_8)
                            : message));
              }
              return defaultValue(m.getReturnType());
            });
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("getAwsRequestId", requestId);
    values.put("getLogGroupName", "/aws/lambda/" + config.name());
    values.put("getLogStreamName", "local/" + id);
    values.put("getFunctionName", config.name());
    values.put("getFunctionVersion", "$LATEST");
    values.put("getInvokedFunctionArn", arn);
    values.put("getLogger", logger);
    return Proxy.newProxyInstance(
        contextType.getClassLoader(),
        new Class<?>[] {contextType},
        (proxy, m, args) ->
            switch (m.getName()) {
              case "getRemainingTimeInMillis" ->
                  (int) Math.max(0, deadline - System.currentTimeMillis());
              case "getMemoryLimitInMB" -> 1024;
              case "toString" -> "Context[" + requestId + "]";
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default ->
                  values.containsKey(m.getName())
                      ? values.get(m.getName())
                      : defaultValue(m.getReturnType());
            });
  }

  private static Object defaultValue(Class<?> type) {
    if (type == boolean.class) return false;
    if (type == int.class) return 0;
    if (type == long.class) return 0L;
    return null;
  }

  static URL[] urls(List<Path> classpath) {
    URL[] urls = new URL[classpath.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = classpath.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("bad classpath entry " + classpath.get(i), e);
      }
    }
    return urls;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof InvocationTargetException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public void close() {
    thread.shutdownNow();
    if (loader != null && config.sharedLibraries()) {
      SharedLibraries.release(libraries, loader);
    }
    try {
      if (loader != null) {
        loader.close();
      }
    } catch (Exception e) {
      // A class loader that cannot close its jars leaks file handles, nothing more.
    }
  }

  /** The handler outlived the function's timeout; the instance is discarded, as Lambda does. */
  static final class InstanceTimedOutException extends Exception {
    InstanceTimedOutException(Duration timeout) {
      super(
          String.format("Task timed out after %.2f seconds", timeout.toMillis() / 1000.0),
          null,
          false,
          false);
    }
  }
}
