package dev.kiln.processor.eval;

import static dev.kiln.processor.eval.Ctx.error;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import dev.kiln.dsl.DType;
import dev.kiln.processor.eval.Call.FieldRole;
import dev.kiln.processor.eval.Value.DTypeValue;
import dev.kiln.processor.eval.Value.EnumValue;
import dev.kiln.processor.eval.Value.ModelValue;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Resolves names in model code, in order: locals, the model's own fields, the DSL's constants
 * ({@code Ops}, {@code DType}), {@code static final} constants. Static fields are evaluated once.
 */
final class Names {
  static final String OPS = "dev.kiln.dsl.Ops";
  private static final String DTYPE = "dev.kiln.dsl.DType";

  private final Evaluator ev;
  /** Values of static fields, each evaluated once. */
  private final Map<Object, Object> memo = new HashMap<>();
  private final Set<Object> inProgress = new HashSet<>();

  Names(Evaluator ev) {
    this.ev = ev;
  }

  Value identifier(IdentifierTree id, Ctx c) {
    String name = id.getName().toString();
    if (name.equals("this") || name.equals("super")) {
      throw error(id, c, Unsupported.message("'" + name + "' as a value", Unsupported.GENERAL));
    }
    Env env = c.env().find(name);
    if (env != null) {
      Value v = env.vars.get(name);
      if (v == null) {
        throw error(id, c, "local variable '" + name + "' is read before it is assigned a value");
      }
      return v;
    }
    Optional<VariableElement> field = c.cls().field(name);
    if (field.isPresent()) {
      return readField(field.get(), id, c);
    }
    Optional<TypeElement> owner = c.cls().staticImportOwner(name);
    if (owner.isPresent()) {
      return readStatic(owner.get(), name, id, c);
    }
    throw error(id, c, "unknown name '" + name + "': model code may use local variables, fields of "
        + c.cls().type.getSimpleName() + ", DSL constants (import static dev.kiln.dsl.Ops.*) and"
        + " static final constants");
  }

  Value select(MemberSelectTree sel, Ctx c) {
    String name = sel.getIdentifier().toString();
    if (isThis(sel.getExpression())) {
      Optional<VariableElement> field = c.cls().field(name);
      if (field.isPresent()) {
        return readField(field.get(), sel, c);
      }
      throw error(sel, c, "unknown field '" + name + "' of " + c.cls().type.getSimpleName());
    }
    Optional<TypeElement> type = typeOf(sel.getExpression(), c);
    if (type.isPresent()) {
      return readStatic(type.get(), name, sel, c);
    }
    Value receiver = ev.eval(sel.getExpression(), c);
    if (receiver instanceof ModelValue(Instance layer)) {
      Optional<VariableElement> field = layer.cls.field(name)
          .filter(f -> !f.getModifiers().contains(Modifier.STATIC));
      if (field.isEmpty()) {
        throw error(sel, c, layer.describe() + " has no field '" + name + "'");
      }
      try {
        return ev.fields.instanceField(layer, field.get(), sel, c);
      } catch (EvalError e) {
        throw ev.layers.fromShipped(e, sel, c);
      }
    }
    if (receiver instanceof Value.ArrayValue array && name.equals("length")) {
      return new Value.NumberValue(array.elements().size());
    }
    throw error(sel, c, Unsupported.message("reading '" + name + "' of " + receiver.describe(), Unsupported.GENERAL));
  }

  static boolean isThis(ExpressionTree t) {
    return t instanceof IdentifierTree id && id.getName().contentEquals("this");
  }

  /** The type an expression names, when it names one (not a local or a field). */
  Optional<TypeElement> typeOf(ExpressionTree t, Ctx c) {
    if (t instanceof IdentifierTree id) {
      String name = id.getName().toString();
      if (c.env().find(name) != null || c.cls().field(name).isPresent()) {
        return Optional.empty();
      }
      return c.cls().type(name);
    }
    if (t instanceof MemberSelectTree sel) {
      Optional<TypeElement> outer = typeOf(sel.getExpression(), c);
      if (outer.isPresent()) {
        for (var e : outer.get().getEnclosedElements()) {
          if (e instanceof TypeElement nested && nested.getSimpleName().contentEquals(sel.getIdentifier())) {
            return Optional.of(nested);
          }
        }
        return Optional.empty();
      }
      return isPackageLike(sel.getExpression()) ? c.cls().typeNamed(sel.toString()) : Optional.empty();
    }
    return Optional.empty();
  }

  private static boolean isPackageLike(ExpressionTree t) {
    return t instanceof IdentifierTree
        || (t instanceof MemberSelectTree s && isPackageLike(s.getExpression()));
  }

  /** A static member {@code owner.name} read as a value. */
  private Value readStatic(TypeElement owner, String name, Tree at, Ctx c) {
    String q = owner.getQualifiedName().toString();
    if (q.equals(OPS)) {
      return DslTable.constant(name).orElseThrow(() -> error(at, c, "unknown DSL constant '" + name
          + "'; the DSL's constants are " + String.join(", ", DslTable.opsConstants())));
    }
    if (q.equals(DTYPE)) {
      try {
        return new DTypeValue(DType.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw error(at, c, "unknown dtype '" + name + "'");
      }
    }
    Optional<VariableElement> field = ClassScope.staticField(owner, name);
    if (field.isEmpty()) {
      throw error(at, c, "unknown name '" + owner.getSimpleName() + "." + name + "': " + owner.getSimpleName()
          + " has no static field of that name");
    }
    return readField(field.get(), at, c);
  }

  /** The value of a field: a constant, an enum constant, or its value evaluated once (memoized). */
  private Value readField(VariableElement f, Tree at, Ctx c) {
    Object constant = f.getConstantValue();
    if (constant != null) {
      return ConstOps.ofConstant(constant);
    }
    TypeElement owner = (TypeElement) f.getEnclosingElement();
    if (f.getKind() == ElementKind.ENUM_CONSTANT) {
      return new EnumValue(owner.getQualifiedName().toString(), f.getSimpleName().toString());
    }
    boolean isStatic = f.getModifiers().contains(Modifier.STATIC);
    boolean own = c.self() != null && owner.equals(c.self().cls.type);
    if (own && !isStatic) {
      return ev.fields.instanceField(c.self(), f, at, c);
    }
    Value known = Memo.recall(memo.get(f));
    if (known != null) {
      return known;
    }
    boolean staticFinal = isStatic && f.getModifiers().contains(Modifier.FINAL);
    if (owner.getQualifiedName().contentEquals(OPS) || owner.getQualifiedName().contentEquals(DTYPE)) {
      return readStatic(owner, f.getSimpleName().toString(), at, c);
    }
    if (!own && !staticFinal) {
      throw error(at, c, Unsupported.message("reading field " + owner.getSimpleName() + "."
          + f.getSimpleName(), "model code may read the model's own fields and static final constants"));
    }
    Optional<ClassSource> source = ev.sources.of(owner);
    VariableTree decl = source.map(src -> src.field(f)).orElse(null);
    if (decl == null || decl.getInitializer() == null) {
      throw error(at, c, "field " + owner.getSimpleName() + "." + f.getSimpleName()
          + " has no initializer Kiln can read at build time; model code may use fields with an initializer"
          + " and static final constants");
    }
    if (!inProgress.add(f)) {
      throw error(at, c, "field '" + f.getSimpleName() + "' is defined in terms of itself");
    }
    ClassScope scope = own ? c.self().cls : new ClassScope(owner, source.get().unit, ev.elements);
    Ctx fieldCtx = new Ctx(scope, own ? c.self() : null, new Env(null), f.getSimpleName().toString(), FieldRole.OTHER, false);
    try {
      return Memo.keep(memo, f,
          () -> ev.target.inModelGraph(() -> ConstOps.convertTo(decl, ev.eval(decl.getInitializer(), fieldCtx))));
    } finally {
      inProgress.remove(f);
    }
  }
}
