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
 *   <li>{@code org.apache.logging.}: Log4j keeps plugin registries in statics; Powertools' layout
 *       is one of its plugins, so it must load beside Powertools.
 *   <li>{@code org.slf4j.}: the product's logging API, bound to the instance's own Log4j. The
 *       shared AWS SDK gets the parent's copy, which has no binding: its own (rare) log lines are
 *       dropped in the twin, a difference docs/twin.md records.
 *   <li>{@code org.crac.}: the global CRaC context holds every registered resource.
 *   <li>{@code com.amazonaws.services.lambda.runtime.}: the runtime interfaces the handler
 *       implements.
 * </ul>
 */
final class SharedLibraries {

  /** Class and resource name prefixes each instance loads for itself (see the class comment). */
  static final List<String> PER_INSTANCE =
      List.of(
          "dev.warmcache.",
          "software.amazon.lambda.powertools.",
          "org.apache.logging.",
          "org.slf4j.",
          "org.crac.",
          "com.amazonaws.services.lambda.runtime.");

  /** Per-instance packages the shared parent may still load for its own classes' use. */
  private static final List<String> ALSO_SHARED = List.of("org.slf4j.");

  private SharedLibraries() {}

  static boolean perInstance(String className) {
    for (String prefix : PER_INSTANCE) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
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
