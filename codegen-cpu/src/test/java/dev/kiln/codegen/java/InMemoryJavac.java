package dev.kiln.codegen.java;

import dev.kiln.compiler.model.GeneratedFile;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles generated sources in memory against the test classpath and loads them. */
final class InMemoryJavac {
  private InMemoryJavac() {}

  static Class<?> compileAndLoad(List<GeneratedFile> files, String className) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager std = javac.getStandardFileManager(diagnostics, null, null);
    Map<String, ByteArrayOutputStream> classes = new HashMap<>();
    var manager = new ForwardingJavaFileManager<>(std) {
      @Override
      public JavaFileObject getJavaFileForOutput(
          Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/') + kind.extension), kind) {
          @Override
          public OutputStream openOutputStream() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            classes.put(name, out);
            return out;
          }
        };
      }
    };
    List<JavaFileObject> sources = new ArrayList<>();
    for (GeneratedFile f : files) {
      if (f.kind() != GeneratedFile.Kind.JAVA_SOURCE) {
        continue;
      }
      String path = (f.packageName().isEmpty() ? "" : f.packageName().replace('.', '/') + "/") + f.name();
      sources.add(new SimpleJavaFileObject(URI.create("mem:///" + path + ".java"), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return f.content();
        }
      });
    }
    StringWriter out = new StringWriter();
    boolean ok = javac.getTask(out, manager, diagnostics,
        List.of("-classpath", System.getProperty("java.class.path"), "-Xlint:all", "-Werror",
            "-Xlint:-processing"),
        null, sources).call();
    if (!ok) {
      StringBuilder sb = new StringBuilder("generated code does not compile:\n");
      diagnostics.getDiagnostics().forEach(d -> sb.append(d).append('\n'));
      sb.append(out);
      for (GeneratedFile f : files) {
        sb.append("\n----- ").append(f.name()).append('\n').append(numbered(f.content()));
      }
      throw new AssertionError(sb.toString());
    }
    ClassLoader loader = new ClassLoader(InMemoryJavac.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        ByteArrayOutputStream bytes = classes.get(name);
        if (bytes == null) {
          throw new ClassNotFoundException(name);
        }
        byte[] b = bytes.toByteArray();
        return defineClass(name, b, 0, b.length);
      }

      /** The generated resources too (a model's {@code <Model>.ll}, which its LLVM path loads). */
      @Override
      public java.io.InputStream getResourceAsStream(String name) {
        for (GeneratedFile f : files) {
          String path = (f.packageName().isEmpty() ? "" : f.packageName().replace('.', '/') + "/") + f.name();
          if (f.kind() == GeneratedFile.Kind.RESOURCE && path.equals(name)) {
            return new java.io.ByteArrayInputStream(f.content().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
        }
        return super.getResourceAsStream(name);
      }
    };
    try {
      return loader.loadClass(className);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  static String numbered(String s) {
    StringBuilder sb = new StringBuilder();
    String[] lines = s.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      sb.append(String.format("%4d  %s%n", i + 1, lines[i]));
    }
    return sb.toString();
  }
}
