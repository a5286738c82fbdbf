package dev.kiln.processor.eval;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.FileObject;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Where Kiln finds the source of a {@code @Model} class. javac gives a processor only the class
 * file of a class from another jar, but a layer is inlined into the model that uses it, so Kiln
 * needs its code: every {@code @Model} build ships its source text as the resource
 * {@code <package path>/<binary simple name>.kiln-source} beside the class (so the jar packages
 * it), and a later build that uses the class from the jar parses that text (parse only, no
 * attribution). The resource sits in the class's package folder because javac's file manager
 * does not see jar entries under folders that are not Java identifiers, such as META-INF.
 */
public final class ModelSources {
  /** The file name suffix of a shipped model source, after the class's binary simple name. */
  public static final String SUFFIX = ".kiln-source";

  private final Trees trees;
  private final Elements elements;
  private final Filer filer;
  private final Map<TypeElement, Optional<ClassSource>> cache = new HashMap<>();

  /** {@code filer} may be null: then only classes of the current compilation have a source. */
  public ModelSources(Trees trees, Elements elements, Filer filer) {
    this.trees = trees;
    this.elements = elements;
    this.filer = filer;
  }

  /** The package of a model's shipped source. */
  static String packageName(Elements elements, TypeElement model) {
    return elements.getPackageOf(model).getQualifiedName().toString();
  }

  /** The file name, within its package folder, of a model's shipped source: {@code Dense.kiln-source}. */
  public static String fileName(Elements elements, TypeElement model) {
    String binary = elements.getBinaryName(model).toString();
    String pkg = packageName(elements, model);
    return (pkg.isEmpty() ? binary : binary.substring(pkg.length() + 1)) + SUFFIX;
  }

  /** The class-path resource path of a model's shipped source: {@code dev/kiln/layers/Dense.kiln-source}. */
  public static String resourcePath(Elements elements, TypeElement model) {
    String pkg = packageName(elements, model);
    return (pkg.isEmpty() ? "" : pkg.replace('.', '/') + "/") + fileName(elements, model);
  }

  /** Ships the source text of a model of the current compilation in the class output. */
  public void ship(TypeElement model) throws IOException {
    TreePath path = trees.getPath(model);
    if (path == null || filer == null) {
      return;
    }
    JavaFileObject file = path.getCompilationUnit().getSourceFile();
    FileObject out = filer.createResource(StandardLocation.CLASS_OUTPUT,
        packageName(elements, model), fileName(elements, model), model);
    try (Writer w = out.openWriter()) {
      w.write(file.getCharContent(true).toString());
    }
  }

  /** The source of {@code type}: from this compilation, or shipped in its jar; empty when neither. */
  Optional<ClassSource> of(TypeElement type) {
    return cache.computeIfAbsent(type, this::find);
  }

  private Optional<ClassSource> find(TypeElement type) {
    TreePath path = trees.getPath(type);
    if (path != null) {
      return Optional.of(new ClassSource.Local(type, path.getCompilationUnit(), trees));
    }
    Optional<String> text = shippedText(type);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    return parse(type, text.get());
  }

  private Optional<String> shippedText(TypeElement type) {
    String name = resourcePath(elements, type);
    if (filer != null) {
      try {
        return Optional.of(filer.getResource(StandardLocation.CLASS_PATH, packageName(elements, type),
            fileName(elements, type)).getCharContent(true).toString());
      } catch (IOException | IllegalArgumentException e) {
        // not on javac's class path; try the processor's own class loader below
      }
    }
    try (var in = ModelSources.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Parses shipped source text (no attribution) and finds the class declaration of {@code type}. */
  private Optional<ClassSource> parse(TypeElement type, String text) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      return Optional.empty();
    }
    TypeElement top = type;
    Deque<String> nesting = new ArrayDeque<>();
    nesting.push(type.getSimpleName().toString());
    for (Element e = type.getEnclosingElement(); e instanceof TypeElement t; e = t.getEnclosingElement()) {
      nesting.push(t.getSimpleName().toString());
      top = t;
    }
    URI uri = URI.create("kiln-shipped:///" + elements.getBinaryName(top).toString().replace('.', '/') + ".java");
    JavaFileObject file = new SimpleJavaFileObject(uri, JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return text;
      }
    };
    try {
      JavacTask task = (JavacTask) javac.getTask(null, null, d -> {}, List.of("-proc:none"), null, List.of(file));
      for (CompilationUnitTree unit : task.parse()) {
        ClassTree cls = find(unit.getTypeDecls(), nesting);
        if (cls != null) {
          return Optional.of(new ClassSource.Shipped(type, unit, cls));
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static ClassTree find(List<? extends Tree> members, Deque<String> nesting) {
    Deque<String> rest = new ArrayDeque<>(nesting);
    String name = rest.pop();
    for (Tree t : members) {
      if (t instanceof ClassTree c && c.getSimpleName().contentEquals(name)) {
        return rest.isEmpty() ? c : find(c.getMembers(), rest);
      }
    }
    return null;
  }
}
