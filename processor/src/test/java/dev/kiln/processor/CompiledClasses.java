package dev.kiln.processor;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;

/** Loads the classes a compile-testing compilation produced, so tests can run generated models. */
final class CompiledClasses {
  private CompiledClasses() {}

  static ClassLoader load(Compilation c) {
    Map<String, byte[]> classes = new HashMap<>();
    for (JavaFileObject f : c.generatedFiles()) {
      if (f.getKind() == JavaFileObject.Kind.CLASS) {
        String path = URI.create(f.toUri().toString()).getPath();
        String name = path.substring(path.indexOf("/CLASS_OUTPUT/") + "/CLASS_OUTPUT/".length())
            .replace(".class", "").replace('/', '.');
        try (InputStream in = f.openInputStream()) {
          classes.put(name, in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return new ClassLoader(CompiledClasses.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = classes.get(name);
        if (b == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
      }
    };
  }

  /** A new instance of the generated {@code <name>Compiled} class, created with {@code seed}. */
  static Object create(Compilation c, String qualifiedName, long seed) {
    try {
      return load(c).loadClass(qualifiedName).getMethod("create", long.class).invoke(null, seed);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
