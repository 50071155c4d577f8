package dev.warmcache.local.lambda.pool;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loaders of one function: a parent that loads the immutable third-party classes of the
 * function's own jar once, and one child per instance for everything whose statics are per function
 * or per instance. So a fleet of 64 instances loads and JIT-compiles the AWS SDK, Jackson and
 * Caffeine once, while each instance keeps its own product classes, memory tier, Powertools
 * contexts, logging and cold-start flag, as separate execution environments on Lambda do.
 *
 * <p>What stays per instance, and why:
 *
 * <ul>
 *   <li>{@code dev.warmcache.}: the product, with its statics (memory tier, cold-start flag).
 *   <li>{@code software.amazon.lambda.powertools.}: its metrics singleton, its own cold-start flag
 *       ({@code LambdaHandlerProcessor}) and the logging context.
 *   <li>{@code org.apache.logging.slf4j.} and {@code org.slf4j.}: the product's logging API and its
 *       binding, so each instance's loggers anchor on the instance's loader. The shared AWS SDK
 *       gets the parent's SLF4J, which has no binding: its own (rare) log lines are dropped in the
 *       twin, a difference docs/twin.md records. That also keeps the parent from ever owning a
 *       Log4j context, which the instances would otherwise inherit.
 *   <li>{@code org.crac.}: the global CRaC context holds every registered resource.
 * </ul>
 *
 * <p>The runtime interfaces ({@code com.amazonaws.services.lambda.runtime.}) are shared: they are
 * interfaces and value types, and {@code LambdaRuntime}'s one static is the process's console
 * logger, the same for every instance.
 *
 * <p>Log4j itself is shared: its per-instance state is the {@code LoggerContext}, and Log4j's
 * default selector already keeps one context per class loader of the calling class, so every
 * instance configures and owns its own (appenders, levels, layout) while the plugin registry, which
 * loads several hundred plugin classes, is built once. Powertools' layout plugin is a Log4j plugin,
 * so the few stateless Powertools classes it links against ({@link #SHARED_WITHIN}) are shared with
 * it; the product's structured arguments must be instances of the same classes it checks.
 */
final class SharedLibraries {

  /** Class and resource name prefixes each instance loads for itself (see the class comment). */
  static final List<String> PER_INSTANCE =
      List.of(
          "dev.warmcache.",
          "software.amazon.lambda.powertools.",
          "org.apache.logging.slf4j.",
          "org.slf4j.",
          "org.crac.");

  /**
   * Stateless classes under a per-instance prefix that Powertools' Log4j layout plugin (shared with
   * Log4j) links against: field names, the structured-argument values the product passes to its
   * loggers, their JSON writer and its object mapper, and an environment reader.
   */
  static final List<String> SHARED_WITHIN =
      List.of(
          "software.amazon.lambda.powertools.logging.argument.",
          "software.amazon.lambda.powertools.logging.internal.JsonSerializer",
          "software.amazon.lambda.powertools.logging.internal.PowertoolsLoggedFields",
          "software.amazon.lambda.powertools.common.internal.SystemWrapper",
          "software.amazon.lambda.powertools.utilities.");

  /** Per-instance packages the shared parent may still load for its own classes' use. */
  private static final List<String> ALSO_SHARED = List.of("org.slf4j.");

  /** Log4j's entry point, when the function ships Log4j (the shared parent then loads it). */
  private static final String LOG_MANAGER = "org.apache.logging.log4j.LogManager";

  private SharedLibraries() {}

  static boolean perInstance(String className) {
    return startsWithAny(className, PER_INSTANCE) && !startsWithAny(className, SHARED_WITHIN);
  }

  private static boolean startsWithAny(String className, List<String> prefixes) {
    for (String prefix : prefixes) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Stops the Log4j context a reclaimed instance owned, as the end of its process would: the shared
   * Log4j would otherwise keep it (its shutdown registry holds every context softly), and Log4j
   * keys contexts by the loader's identity hash, which a later loader may reuse.
   */
  static void release(ClassLoader parent, ClassLoader instance) {
    try {
      Class<?> logManager = Class.forName(LOG_MANAGER, false, parent);
      if (logManager.getClassLoader() != parent) {
        return;
      }
      Object factory = logManager.getMethod("getFactory").invoke(null);
      boolean owned =
          (boolean)
              factory
                  .getClass()
                  .getMethod("hasContext", String.class, ClassLoader.class, boolean.class)
                  .invoke(factory, LOG_MANAGER, instance, false);
      if (owned) {
        Object context =
            logManager
                .getMethod("getContext", ClassLoader.class, boolean.class)
                .invoke(null, instance, false);
        context.getClass().getMethod("stop").invoke(context);
      }
    } catch (ClassNotFoundException e) {
      // The function does not ship Log4j: there is no context to stop.
    } catch (ReflectiveOperationException | RuntimeException e) {
      // A context that cannot be stopped costs memory until the JVM ends, nothing more.
    }
  }

  /** The parent of a function's instances: its jar, minus what each instance loads itself. */
  static ClassLoader parent(String functionName, URL[] classpath) {
    return new Parent(functionName, classpath);
  }

  /** An instance's loader: its own copy of the per-instance classes, the parent's of the rest. */
  static URLClassLoader instance(String name, URL[] classpath, ClassLoader parent) {
    return new Instance(name, classpath, parent);
  }

  private static final class Parent extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    Parent(String functionName, URL[] classpath) {
      super("lambda-" + functionName + "-shared", classpath, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      if (perInstance(name) && ALSO_SHARED.stream().noneMatch(name::startsWith)) {
        throw new ClassNotFoundException(name + " is loaded per instance, never shared");
      }
      return super.findClass(name);
    }
  }

  private static final class Instance extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    Instance(String name, URL[] classpath, ClassLoader parent) {
      super(name, classpath, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!perInstance(name)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          loaded = findClass(name);
        }
        if (resolve) {
          resolveClass(loaded);
        }
        return loaded;
      }
    }

    // Resources come from the function's own classpath first (the same files the parent has), so
    // per-instance libraries find their configuration and service files through this loader.
    @Override
    public URL getResource(String name) {
      URL own = findResource(name);
      return own != null ? own : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      Enumeration<URL> own = findResources(name);
      return own.hasMoreElements() ? own : super.getResources(name);
    }
  }
}
