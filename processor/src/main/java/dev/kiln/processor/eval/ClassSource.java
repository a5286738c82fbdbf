package dev.kiln.processor.eval;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * The source trees of one class Kiln evaluates. A class in the current compilation has its trees
 * from javac ({@link Trees}); a {@code @Model} class from another jar has only a class file, so
 * its trees come from the source text its own build shipped (see {@link ModelSources}) and are
 * matched to its elements by name and parameter count.
 */
abstract sealed class ClassSource {
  final TypeElement type;
  final CompilationUnitTree unit;

  private ClassSource(TypeElement type, CompilationUnitTree unit) {
    this.type = type;
    this.unit = unit;
  }

  /** Whether the class is in the current compilation (its errors can be reported at its lines). */
  abstract boolean local();

  /** The declaration of a field of this class, or null. */
  abstract VariableTree field(VariableElement f);

  /** The declaration of a method or constructor of this class, or null (an implicit constructor). */
  abstract MethodTree method(ExecutableElement m);

  /** A class of the current compilation. */
  static final class Local extends ClassSource {
    private final Trees trees;

    Local(TypeElement type, CompilationUnitTree unit, Trees trees) {
      super(type, unit);
      this.trees = trees;
    }

    @Override
    boolean local() {
      return true;
    }

    @Override
    VariableTree field(VariableElement f) {
      TreePath path = trees.getPath(f);
      return path != null && path.getLeaf() instanceof VariableTree v ? v : null;
    }

    @Override
    MethodTree method(ExecutableElement m) {
      return trees.getTree(m);
    }
  }

  /** A class compiled elsewhere, read from the source text its jar ships. */
  static final class Shipped extends ClassSource {
    private final ClassTree tree;

    Shipped(TypeElement type, CompilationUnitTree unit, ClassTree tree) {
      super(type, unit);
      this.tree = tree;
    }

    @Override
    boolean local() {
      return false;
    }

    @Override
    VariableTree field(VariableElement f) {
      for (Tree member : tree.getMembers()) {
        if (member instanceof VariableTree v && v.getName().contentEquals(f.getSimpleName())) {
          return v;
        }
      }
      return null;
    }

    @Override
    MethodTree method(ExecutableElement m) {
      String name = m.getSimpleName().toString();
      List<MethodTree> candidates = tree.getMembers().stream()
          .filter(t -> t instanceof MethodTree mt && mt.getName().contentEquals(name)
              && mt.getParameters().size() == m.getParameters().size())
          .map(MethodTree.class::cast)
          .toList();
      if (candidates.size() <= 1) {
        return candidates.isEmpty() ? null : candidates.getFirst();
      }
      // Overloads with as many parameters: compare the parameter types' simple names.
      for (MethodTree mt : candidates) {
        boolean same = true;
        for (int i = 0; i < mt.getParameters().size() && same; i++) {
          String written = mt.getParameters().get(i).getType().toString().replaceAll("<.*>", "");
          String actual = m.getParameters().get(i).asType().toString().replaceAll("<.*>", "");
          same = actual.equals(written) || actual.endsWith("." + written);
        }
        if (same) {
          return mt;
        }
      }
      return null;
    }
  }
}
