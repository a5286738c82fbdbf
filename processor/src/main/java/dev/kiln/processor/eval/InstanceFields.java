package dev.kiln.processor.eval;

import static dev.kiln.processor.eval.Ctx.error;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import dev.kiln.processor.Annotations;
import dev.kiln.processor.eval.Call.FieldRole;
import dev.kiln.processor.eval.Memo.Key;
import dev.kiln.processor.eval.Value.ModelValue;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;

/**
 * The values of a model object's instance fields, each built once: from its initializer or from a
 * constructor's assignment. Variables and nodes built for a field are named under the field's path.
 */
final class InstanceFields {
  private final Evaluator ev;
  private final Set<Key> inProgress = new HashSet<>();

  InstanceFields(Evaluator ev) {
    this.ev = ev;
  }

  /**
   * The value of an instance field of a model object: what its constructor assigned, else its
   * initializer evaluated once. {@code at} is where it is read, for errors.
   */
  Value instanceField(Instance inst, VariableElement f, Tree at, Ctx c) {
    Value known = Memo.recall(inst.fields.get(f));
    if (known != null) {
      return known;
    }
    VariableTree decl = inst.source.field(f);
    String name = f.getSimpleName().toString();
    if (decl == null || decl.getInitializer() == null) {
      Tree where = decl != null ? decl : at;
      CompilationUnitTree unit = decl != null ? inst.source.unit : c.cls().unit;
      boolean param = Annotations.has(f, Annotations.PARAM);
      throw new EvalError(where, unit, (param ? "@Param field '" : Annotations.isLayer(f) ? "layer field '" : "field '")
          + name + "' of " + inst.cls.type.getSimpleName() + (c.constructing() && c.self() == inst
              ? " is read before the constructor assigns it"
              : " has no value: model code may use fields with an initializer or assigned by the constructor")
          + (param ? "; initialize it with variable(...)" : Annotations.isLayer(f)
              ? "; create the layer with new " + typeOf(f).map(TypeElement::getSimpleName).orElse(null) + "(...)" : ""));
    }
    Key key = new Key(inst, f);
    if (!inProgress.add(key)) {
      throw new EvalError(at, c.cls().unit, "field '" + name + "' is defined in terms of itself");
    }
    try {
      // Built in the model's graph even when first read inside a lambda, so every reader can use it.
      return Memo.keep(inst.fields, f, () -> ev.target.inModelGraph(
          () -> fieldValue(inst, f, decl, decl.getInitializer(), new Env(null), false)));
    } finally {
      inProgress.remove(key);
    }
  }

  /**
   * Evaluates the value of field {@code f} of {@code inst}: its initializer or the right side of a
   * constructor's assignment. A variable is named by the field's path ({@code hidden/weights}); any
   * other node built here is named under that path, whoever read the field first.
   */
  private Value fieldValue(Instance inst, VariableElement f, VariableTree decl, ExpressionTree expr, Env env,
      boolean constructing) {
    boolean input = Annotations.has(f, Annotations.INPUT);
    boolean param = Annotations.has(f, Annotations.PARAM);
    boolean state = Annotations.has(f, Annotations.STATE);
    String name = f.getSimpleName().toString();
    if (input || param || state) {
      String expected = input ? "placeholder" : "variable";
      if (!(expr instanceof MethodInvocationTree call) || !(methodName(call).equals(expected)
          || input && methodName(call).equals("sparsePlaceholder"))) {
        throw new EvalError(expr, inst.source.unit, "@" + (input ? "Input" : param ? "Param" : "State") + " field '"
            + name + "' must be initialized with " + expected + "(...), got '" + Unsupported.shortText(expr) + "'");
      }
    }
    FieldRole role = input ? FieldRole.INPUT : param ? FieldRole.PARAM : state ? FieldRole.STATE : FieldRole.OTHER;
    Ctx ctx = new Ctx(inst.cls, inst, env, inst.qualify(name), role, constructing);
    return ev.target.inScopeOnly(role == FieldRole.OTHER ? inst.qualify(name) : null, () -> {
      Value v = ConstOps.convertTo(decl, ev.eval(expr, ctx));
      if (Annotations.isLayer(f) && !(v instanceof ModelValue)) {
        throw new EvalError(expr, inst.source.unit, "layer field '" + name + "' must hold a layer (new "
            + typeOf(f).map(TypeElement::getSimpleName).orElse(null) + "(...)), got " + v.describe());
      }
      return v;
    });
  }

  static Optional<TypeElement> typeOf(VariableElement f) {
    return f.asType() instanceof DeclaredType d && d.asElement() instanceof TypeElement t
        ? Optional.of(t) : Optional.empty();
  }

  /** The field a constructor assigns with {@code this.f = ...} or {@code f = ...}, if any. */
  Optional<VariableElement> assignedField(ExpressionTree target, Ctx c) {
    if (!c.constructing() || c.self() == null) {
      return Optional.empty();
    }
    String name;
    if (target instanceof MemberSelectTree sel && Names.isThis(sel.getExpression())) {
      name = sel.getIdentifier().toString();
    } else if (target instanceof IdentifierTree id && c.env().find(id.getName().toString()) == null) {
      name = id.getName().toString();
    } else {
      return Optional.empty();
    }
    return c.cls().field(name).filter(f -> !f.getModifiers().contains(Modifier.STATIC)
        && f.getEnclosingElement().equals(c.self().cls.type));
  }

  /** A constructor's {@code f = expr}: a variable or layer field is assigned once. */
  Value assignField(VariableElement f, AssignmentTree as, Ctx c) {
    Instance inst = c.self();
    boolean once = Annotations.isVariable(f) || Annotations.has(f, Annotations.INPUT) || Annotations.isLayer(f);
    if (once && inst.fields.containsKey(f)) {
      throw error(as, c, "field '" + f.getSimpleName() + "' is assigned twice; each variable and layer of a"
          + " @Model is created once");
    }
    VariableTree decl = inst.source.field(f);
    return Memo.keep(inst.fields, f, () -> fieldValue(inst, f, decl, as.getExpression(), c.env(), true));
  }

  private static String methodName(MethodInvocationTree call) {
    return switch (call.getMethodSelect()) {
      case IdentifierTree id -> id.getName().toString();
      case MemberSelectTree sel -> sel.getIdentifier().toString();
      default -> "";
    };
  }
}
