package dev.kiln.processor.eval;

import static dev.kiln.processor.eval.Ctx.error;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import dev.kiln.processor.Annotations;
import dev.kiln.processor.eval.Call.FieldRole;
import dev.kiln.processor.eval.Value.ModelValue;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.util.ElementFilter;

/**
 * Builds model objects: {@code new Layer(...)} in a field, running a constructor on compile-time
 * arguments, then building the layer's variables and sub-layers; and restates errors found in a
 * layer's shipped source at the use in this compilation.
 */
final class Layers {
  private final Evaluator ev;

  Layers(Evaluator ev) {
    this.ev = ev;
  }

  /** {@code new Layer(args)}: builds a layer object as the value of the field being initialized. */
  Value newLayer(NewClassTree nc, Ctx c) {
    ExpressionTree ident = nc.getIdentifier();
    Optional<TypeElement> type = ev.names.typeOf(ident, c);
    if (type.isEmpty() || !Annotations.has(type.get(), Annotations.MODEL)) {
      throw error(nc, c, Unsupported.message(nc));
    }
    String simple = type.get().getSimpleName().toString();
    if (nc.getClassBody() != null || nc.getEnclosingExpression() != null) {
      throw error(nc, c, Unsupported.message("an anonymous or inner-class creation of layer " + simple,
          "create the layer itself, e.g. new " + simple + "(...)"));
    }
    if (c.self() == null || c.fieldName() == null || c.role() != FieldRole.OTHER) {
      throw error(nc, c, Unsupported.message("creating layer " + simple + " here",
          "a layer is created once, as the value of a field of a @Model: its initializer ("
              + simple + " layer = new " + simple + "(...);) or an assignment in its constructor"));
    }
    List<Value> args = ev.evalAll(nc.getArguments(), c);
    try {
      return new ModelValue(construct(type.get(), args, nc.getArguments(), nc, c, c.fieldName()));
    } catch (EvalError e) {
      throw fromShipped(e, nc, c);
    }
  }

  /** Builds an object of the @Model class {@code type} at {@code path}: its constructor, then its fields. */
  private Instance construct(TypeElement type, List<Value> args, List<? extends Tree> argTrees, Tree at, Ctx c,
      String path) {
    String qualified = type.getQualifiedName().toString();
    ClassSource source = ev.sources.of(type).orElseThrow(() -> error(at, c, "layer " + qualified
        + " was compiled without Kiln's processor; its jar must be built with kiln-processor on"
        + " annotationProcessorPaths"));
    if (type.getSuperclass() instanceof DeclaredType sup
        && !((TypeElement) sup.asElement()).getQualifiedName().contentEquals("java.lang.Object")) {
      throw error(at, c, Unsupported.message("layer " + type.getSimpleName() + " extends "
          + sup.asElement().getSimpleName(), "a @Model layer extends no other class; hold shared parts in layer fields"));
    }
    for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
      if (Annotations.has(f, Annotations.INPUT)) {
        throw error(at, c, "layer " + type.getSimpleName() + " declares @Input field '" + f.getSimpleName()
            + "'; a layer takes its inputs as arguments of its methods, and only the model being compiled has @Input fields");
      }
    }
    if (ev.depth >= Evaluator.MAX_CALL_DEPTH) {
      throw error(at, c, "layers in a @Model are built at build time and may nest at most " + Evaluator.MAX_CALL_DEPTH
          + " deep, but layer " + type.getSimpleName() + " goes deeper");
    }
    Instance inst = new Instance(new ClassScope(type, source.unit, ev.elements), source, path);
    ev.depth++;
    try {
      runConstructor(inst, args, argTrees, at, c);
      // Variables and sub-layers are built now, in declaration order, so names and order are stable.
      for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
        if (!f.getModifiers().contains(Modifier.STATIC)
            && (Annotations.isVariable(f) || Annotations.isLayer(f))) {
          ev.fields.instanceField(inst, f, at, c);
        }
      }
    } finally {
      ev.depth--;
    }
    return inst;
  }

  /** Runs the constructor of {@code inst}'s class that takes {@code args}, assigning its fields. */
  void runConstructor(Instance inst, List<Value> args, List<? extends Tree> argTrees, Tree at, Ctx c) {
    TypeElement type = inst.cls.type;
    List<ExecutableElement> all = ElementFilter.constructorsIn(type.getEnclosedElements());
    List<ExecutableElement> matching = all.stream().filter(k -> k.getParameters().size() == args.size()).toList();
    if (matching.isEmpty()) {
      throw error(at, c, type.getSimpleName() + " has no constructor taking " + args.size() + " argument"
          + (args.size() == 1 ? "" : "s") + "; its constructors take " + all.stream()
              .map(k -> Integer.toString(k.getParameters().size())).distinct().toList());
    }
    if (matching.size() > 1) {
      throw error(at, c, Unsupported.message("a call of an overloaded constructor of " + type.getSimpleName(),
          "a layer's constructors must differ in their number of parameters"));
    }
    ExecutableElement k = matching.getFirst();
    MethodTree tree = inst.source.method(k);
    Env env = new Env(null);
    for (int i = 0; i < args.size(); i++) {
      VariableElement p = k.getParameters().get(i);
      Value v = args.get(i);
      if (p.asType().getKind().isPrimitive()) {
        Value converted = ConstOps.convert(v, p.asType().getKind());
        if (converted == null) {
          throw error(i < argTrees.size() ? argTrees.get(i) : at, c, "argument " + (i + 1) + " of new "
              + type.getSimpleName() + "(...) must be a compile-time " + p.asType() + ", got " + v.describe());
        }
        v = converted;
      }
      env.vars.put(MethodCalls.parameterName(k, tree, i), v);
    }
    if (tree == null || tree.getBody() == null) {
      if (k.getParameters().isEmpty()) {
        return; // the implicit constructor of a shipped class: nothing to run
      }
      throw error(at, c, "the constructor of " + type.getSimpleName() + " has no body Kiln can evaluate");
    }
    Ctx ctx = new Ctx(inst.cls, inst, env, null, FieldRole.OTHER, true);
    ev.target.inScopeOnly(inst.isRoot() ? null : inst.path, () -> {
      runBody(inst, tree, ctx);
      return null;
    });
  }

  /** The statements of a constructor: {@code this(...)} delegates, {@code super()} is skipped. */
  private void runBody(Instance inst, MethodTree tree, Ctx ctx) {
    for (StatementTree st : tree.getBody().getStatements()) {
      if (st instanceof ExpressionStatementTree es && es.getExpression() instanceof MethodInvocationTree call
          && call.getMethodSelect() instanceof IdentifierTree id
          && (id.getName().contentEquals("super") || id.getName().contentEquals("this"))) {
        List<Value> delegated = ev.evalAll(call.getArguments(), ctx);
        if (id.getName().contentEquals("this")) {
          runConstructor(inst, delegated, call.getArguments(), call, ctx);
        } else if (!delegated.isEmpty()) {
          throw error(call, ctx, Unsupported.message("a super(...) call with arguments",
              "a @Model layer extends no other class"));
        }
        continue;
      }
      if (ev.exec(st, ctx) != null) {
        return;
      }
    }
  }

  /**
   * An error inside a layer read from its jar's shipped source, restated at the use in this
   * compilation (javac can only point at files it compiles), saying where in the layer it arose.
   */
  EvalError fromShipped(EvalError e, Tree at, Ctx c) {
    if (!e.isNew() || e.unit() == null || isShipped(c.cls().unit) || !isShipped(e.unit())) {
      return e;
    }
    long pos = ev.positions.getStartPosition(e.unit(), e.tree());
    String uri = e.unit().getSourceFile().toUri().getPath();
    String file = uri.substring(uri.lastIndexOf('/') + 1);
    String pkg = e.unit().getPackageName() == null ? "" : e.unit().getPackageName() + ".";
    return new EvalError(at, c.cls().unit, "in " + pkg + file.replace(".java", "") + " (" + file + ":"
        + (pos < 0 ? "?" : e.unit().getLineMap().getLineNumber(pos)) + "): " + e.getMessage());
  }

  private static boolean isShipped(CompilationUnitTree unit) {
    return unit != null && "kiln-shipped".equals(unit.getSourceFile().toUri().getScheme());
  }
}
