package dev.kiln.processor.eval;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Resolves names the way javac would, but syntactically (method bodies are not attributed while
 * processors run): members of a class and its enclosing classes, then its compilation unit's
 * imports, its package and {@code java.lang}.
 */
final class ClassScope {
  final TypeElement type;
  final CompilationUnitTree unit;
  private final Elements elements;

  ClassScope(TypeElement type, CompilationUnitTree unit, Elements elements) {
    this.type = type;
    this.unit = unit;
    this.elements = elements;
  }

  /** A field of this class or, when static, of an enclosing class. */
  Optional<VariableElement> field(String name) {
    for (Element t = type; t instanceof TypeElement te; t = te.getEnclosingElement()) {
      for (VariableElement f : ElementFilter.fieldsIn(te.getEnclosedElements())) {
        if (f.getSimpleName().contentEquals(name) && (t == type || f.getModifiers().contains(Modifier.STATIC))) {
          return Optional.of(f);
        }
      }
    }
    return Optional.empty();
  }

  /** This class's own methods named {@code name}. */
  List<ExecutableElement> methods(String name) {
    List<ExecutableElement> out = new ArrayList<>();
    for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (m.getSimpleName().contentEquals(name)) {
        out.add(m);
      }
    }
    return out;
  }

  /** The type a simple name denotes here, if any. */
  Optional<TypeElement> type(String simpleName) {
    for (Element t = type; t instanceof TypeElement te; t = te.getEnclosingElement()) {
      if (te.getSimpleName().contentEquals(simpleName)) {
        return Optional.of(te);
      }
      for (TypeElement nested : ElementFilter.typesIn(te.getEnclosedElements())) {
        if (nested.getSimpleName().contentEquals(simpleName)) {
          return Optional.of(nested);
        }
      }
    }
    for (ImportTree imp : unit.getImports()) {
      String q = imp.getQualifiedIdentifier().toString();
      if (!imp.isStatic() && q.endsWith("." + simpleName)) {
        Optional<TypeElement> t = typeNamed(q);
        if (t.isPresent()) {
          return t;
        }
      }
    }
    PackageElement pkg = elements.getPackageOf(type);
    Optional<TypeElement> same = typeNamed(pkg.isUnnamed() ? simpleName : pkg.getQualifiedName() + "." + simpleName);
    if (same.isPresent()) {
      return same;
    }
    for (ImportTree imp : unit.getImports()) {
      String q = imp.getQualifiedIdentifier().toString();
      if (!imp.isStatic() && q.endsWith(".*")) {
        Optional<TypeElement> t = typeNamed(q.substring(0, q.length() - 1) + simpleName);
        if (t.isPresent()) {
          return t;
        }
      }
    }
    return typeNamed("java.lang." + simpleName);
  }

  Optional<TypeElement> typeNamed(String qualifiedName) {
    try {
      return Optional.ofNullable(elements.getTypeElement(qualifiedName));
    } catch (RuntimeException e) {
      return Optional.empty(); // javac rejects malformed names
    }
  }

  /**
   * The class a static import brings {@code name} from: single-name imports first, then
   * on-demand ones whose class has a member of that name.
   */
  Optional<TypeElement> staticImportOwner(String name) {
    for (boolean onDemand : new boolean[] {false, true}) {
      for (ImportTree imp : unit.getImports()) {
        if (!imp.isStatic() || !(imp.getQualifiedIdentifier() instanceof MemberSelectTree sel)) {
          continue;
        }
        String member = sel.getIdentifier().toString();
        if (onDemand ? !member.equals("*") : !member.equals(name)) {
          continue;
        }
        Optional<TypeElement> owner = typeNamed(sel.getExpression().toString());
        if (owner.isPresent() && hasStaticMember(owner.get(), name)) {
          return owner;
        }
      }
    }
    return Optional.empty();
  }

  static boolean hasStaticMember(TypeElement owner, String name) {
    for (Element e : owner.getEnclosedElements()) {
      if ((e.getKind() == ElementKind.FIELD || e.getKind() == ElementKind.METHOD
              || e.getKind() == ElementKind.ENUM_CONSTANT)
          && e.getModifiers().contains(Modifier.STATIC)
          && e.getSimpleName().contentEquals(name)) {
        return true;
      }
    }
    return false;
  }

  static Optional<VariableElement> staticField(TypeElement owner, String name) {
    for (VariableElement f : ElementFilter.fieldsIn(owner.getEnclosedElements())) {
      if (f.getSimpleName().contentEquals(name) && f.getModifiers().contains(Modifier.STATIC)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
