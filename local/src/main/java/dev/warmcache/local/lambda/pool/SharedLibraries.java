package dev.warmcache.local.lambda.pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipFile;

/**
 * The class loaders of one function: a shared loader for the immutable third-party classes of the
 * function's own jar, and one loader per instance for everything whose statics are per function or
 * per instance. So a fleet of 64 instances loads and JIT-compiles the AWS SDK, Jackson and Caffeine
 * once, while each instance keeps its own product classes, memory tier, Powertools contexts,
 * logging and cold-start flag, as separate execution environments on Lambda do.
 *
 * <p>What stays per instance, and why:
 *
 * <ul>
 *   <li>{@code dev.warmcache.}: the product, with its statics (memory tier, cold-start flag).
 *   <li>{@code software.amazon.lambda.powertools.}: its metrics singleton, its own cold-start flag
 *       ({@code LambdaHandlerProcessor}) and the logging context.
 *   <li>{@code org.crac.}: the global CRaC context holds every registered resource.
 * </ul>
 *
 * <p>Each instance still defines its own copy of those classes (parsed, verified and linked for its
 * loader, with statics of its own), but the bytes are read from the jar once per function.
 *
 * <p>The runtime interfaces ({@code com.amazonaws.services.lambda.runtime.}) are shared: they are
 * interfaces and value types, and {@code LambdaRuntime}'s one static is the process's console
 * logger, the same for every instance.
 *
 * <p>Log4j, SLF4J and Log4j's SLF4J binding are shared. Their per-instance state is the {@code
 * LoggerContext}: Log4j's default selector keeps one per class loader of the class that asks for a
 * logger, and the binding asks on behalf of the class that called SLF4J. So the product's and
 * Powertools' loggers live in their instance's own context (appenders, levels, layout, configured
 * from the instance's own copy of the function's configuration), and the AWS SDK's in a context of
 * the shared loader, configured from the same file, as the SDK's lines are on Lambda. The plugin
 * registry, several hundred plugin classes, is built once. Powertools' layout plugin is a Log4j
 * plugin, so the few stateless Powertools classes it links against ({@link #SHARED_WITHIN}) are
 * shared with it; the product's structured arguments must be instances of the same classes it
 * checks.
 */
final class SharedLibraries {

  /** Class and resource name prefixes each instance loads for itself (see the class comment). */
  static final List<String> PER_INSTANCE =
      List.of("dev.warmcache.", "software.amazon.lambda.powertools.", "org.crac.");

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
   * Stops the Log4j context a reclaimed instance (or a retired function's shared loader) owned, as
   * the end of its process would: the shared Log4j would otherwise keep it (its shutdown registry
   * holds every context softly), and Log4j keys contexts by the loader's identity hash, which a
   * later loader may reuse.
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
    Parent parent = new Parent(functionName, classpath);
    configureSharedLogging(parent);
    return parent;
  }

  /**
   * Starts the shared loader's own Log4j context (the one the AWS SDK's loggers live in) now, on
   * one thread, from the function's own configuration. On Lambda each instance has a JVM and
   * configures alone; here instances share Log4j's converter registry, and when the first ones
   * configured at once, two of them registered the converter of the same enum and Log4j warned
   * "Ignoring TypeConverter". Configured here first, the registry already holds what every
   * instance's identical configuration needs. The context would be started by the first SDK log
   * anyway; this only moves it before the instances.
   */
  private static void configureSharedLogging(Parent parent) {
    try {
      Class<?> logManager = Class.forName(LOG_MANAGER, true, parent);
      if (logManager.getClassLoader() == parent) {
        logManager
            .getMethod("getContext", ClassLoader.class, boolean.class)
            .invoke(null, parent, false);
      }
    } catch (ClassNotFoundException e) {
      // The function does not ship Log4j: nothing to configure.
    } catch (ReflectiveOperationException | RuntimeException e) {
      // The first instance configures it instead, as before.
    }
  }

  /**
   * An instance's loader: its own copy of the per-instance classes, the rest from {@code shared},
   * which must come from {@link #parent}.
   */
  static URLClassLoader instance(String name, URL[] classpath, ClassLoader shared) {
    if (!(shared instanceof Parent parent)) {
      throw new IllegalArgumentException("not a function's shared loader: " + shared);
    }
    return new Instance(name, classpath, parent);
  }

  private static final class Parent extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    /**
     * What {@link #classFile} found, by class name; {@link #ABSENT} for a class not on the path.
     * Kept while the function is: the reader's per-instance classes are about 250 KB.
     */
    private final Map<String, ClassFile> classFiles = new ConcurrentHashMap<>();

    /** The jars {@link #classFile} reads, opened once each, closed with this loader. */
    private final Map<Path, JarFile> jars = new HashMap<>();

    /** Set by {@link #close}, after which no jar is opened again; guarded by {@link #jars}. */
    private boolean closed;

    Parent(String functionName, URL[] classpath) {
      super("lambda-" + functionName + "-shared", classpath, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      if (perInstance(name)) {
        throw new ClassNotFoundException(name + " is loaded per instance, never shared");
      }
      return super.findClass(name);
    }

    /**
     * A per-instance class as the function's classpath holds it, read once for all the function's
     * instances: each instance still defines (parses, verifies, links) its own copy, but finding,
     * inflating and describing the class file is done once, as the jar is the function's.
     *
     * @return the class file, or {@code null} when no classpath entry holds one
     * @throws UncheckedIOException when an entry holding it cannot be read
     */
    ClassFile classFile(String name) {
      ClassFile found = classFiles.computeIfAbsent(name, this::read);
      return found == ABSENT ? null : found;
    }

    private ClassFile read(String name) {
      String path = name.replace('.', '/') + ".class";
      for (URL entry : getURLs()) {
        try {
          Path location = Path.of(entry.toURI());
          if (Files.isDirectory(location)) {
            Path file = location.resolve(path);
            if (Files.isRegularFile(file)) {
              return new ClassFile(
                  Files.readAllBytes(file), new CodeSource(entry, (CodeSigner[]) null), null);
            }
            continue;
          }
          JarFile jar = jar(location);
          JarEntry found = jar.getJarEntry(path);
          if (found != null) {
            try (InputStream in = jar.getInputStream(found)) {
              return new ClassFile(
                  in.readAllBytes(),
                  new CodeSource(entry, found.getCodeSigners()),
                  jar.getManifest());
            }
          }
        } catch (URISyntaxException | IllegalArgumentException e) {
          // Not a local file: the URLClassPath would not read it either.
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + path + " from " + entry, e);
        }
      }
      return ABSENT;
    }

    private JarFile jar(Path location) throws IOException {
      synchronized (jars) {
        if (closed) {
          throw new IOException("the function's loader is closed");
        }
        JarFile jar = jars.get(location);
        if (jar == null) {
          jar = new JarFile(location.toFile(), true, ZipFile.OPEN_READ, JarFile.runtimeVersion());
          jars.put(location, jar);
        }
        return jar;
      }
    }

    /** Ends the function: the shared libraries' Log4j context, then the jars. */
    @Override
    public void close() throws IOException {
      release(this, this);
      synchronized (jars) {
        closed = true;
        for (JarFile jar : jars.values()) {
          jar.close();
        }
        jars.clear();
      }
      super.close();
    }
  }

  /** A class file's bytes, where it came from, and its jar's manifest ({@code null} if none). */
  private record ClassFile(byte[] bytes, CodeSource source, Manifest manifest) {}

  private static final ClassFile ABSENT = new ClassFile(new byte[0], null, null);

  /**
   * An instance's loader. Its declared parent is the platform loader, and it hands every class it
   * does not load itself to the function's shared loader explicitly: Log4j's default context
   * selector gives a loader without a context of its own the context of its nearest ancestor that
   * has one, and the shared loader owns the context of the shared libraries' loggers.
   */
  private static final class Instance extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    private final Parent shared;

    Instance(String name, URL[] classpath, Parent shared) {
      super(name, classpath, ClassLoader.getPlatformClassLoader());
      this.shared = shared;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      ClassFile file;
      try {
        file = shared.classFile(name);
      } catch (UncheckedIOException e) {
        throw new ClassNotFoundException(name, e.getCause());
      }
      if (file == null) {
        throw new ClassNotFoundException(name);
      }
      int dot = name.lastIndexOf('.');
      if (dot > 0) {
        definePackage(name.substring(0, dot), file);
      }
      return defineClass(name, file.bytes(), 0, file.bytes().length, file.source());
    }

    private void definePackage(String packageName, ClassFile file) {
      if (getDefinedPackage(packageName) != null) {
        return;
      }
      try {
        if (file.manifest() != null) {
          definePackage(packageName, file.manifest(), file.source().getLocation());
        } else {
          definePackage(packageName, null, null, null, null, null, null, null);
        }
      } catch (IllegalArgumentException e) {
        // Another thread of this loader defined it first, which is as good.
      }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!perInstance(name)) {
        return shared.loadClass(name);
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
