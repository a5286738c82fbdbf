package dev.kiln.processor.eval;

import static dev.kiln.processor.eval.Ctx.error;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import dev.kiln.processor.eval.Call.FieldRole;
import dev.kiln.processor.eval.Memo.Key;
import dev.kiln.compiler.ir.GraphBuilder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.util.ElementFilter;

/**
 * Calls of a model object's own methods (the model's, or a layer's as {@code hidden.apply(x)}):
 * inlined in a name scope, bounded in depth, and a zero-argument method's result memoized.
 */
final class MethodCalls {
  private final Evaluator ev;
  /** Zero-argument methods being built, for the recursion error. */
  private final Set<Key> inProgress = new HashSet<>();

  MethodCalls(Evaluator ev) {
    this.ev = ev;
  }

  /**
   * {@code layer.m(args)}: a call of a layer's method, inlined in the name scope of the layer's path
   * relative to the caller ({@code hidden/MatMul}).
   */
  Value callLayer(Instance layer, String name, List<? extends ExpressionTree> argTrees,
      MethodInvocationTree call, Ctx c) {
    if (layer.cls.methods(name).isEmpty()) {
      throw error(call, c, layer.describe() + " has no method '" + name + "'; its methods are "
          + ElementFilter.methodsIn(layer.cls.type.getEnclosedElements()).stream()
              .filter(m -> !m.getModifiers().contains(Modifier.PRIVATE))
              .map(m -> m.getSimpleName().toString()).distinct().toList());
    }
    String prefix = c.self() == null || c.self().isRoot() ? "" : c.self().path + "/";
    String scope = layer.path.startsWith(prefix) ? layer.path.substring(prefix.length()) : layer.path;
    try {
      return callOwn(layer, name, argTrees, call, c, scope);
    } catch (EvalError e) {
      throw ev.layers.fromShipped(e, call, c);
    }
  }

  Value callOwn(Instance self, String name, List<? extends ExpressionTree> argTrees, MethodInvocationTree call,
      Ctx c, String scope) {
    ClassScope cls = self.cls;
    if (cls.methods(name).isEmpty()) {
      throw error(call, c, "unknown method '" + name + "' of " + cls.type.getSimpleName());
    }
    List<ExecutableElement> candidates = cls.methods(name).stream()
        .filter(m -> m.getParameters().size() == argTrees.size()).toList();
    if (candidates.isEmpty()) {
      throw error(call, c, "method '" + name + "' of " + cls.type.getSimpleName() + " takes "
          + cls.methods(name).getFirst().getParameters().size() + " arguments, got " + argTrees.size());
    }
    if (candidates.size() > 1) {
      throw error(call, c, Unsupported.message("a call to the overloaded method '" + name + "'",
          "model methods called from model code must have distinct names or numbers of parameters"));
    }
    List<Value> args = ev.evalAll(argTrees, c);
    return callOwn(self, candidates.getFirst(), args, argTrees, call, c, scope);
  }

  Value callOwn(Instance self, ExecutableElement m, List<Value> args, List<? extends Tree> argTrees,
      Tree call, Ctx c, String scope) {
    boolean memoized = args.isEmpty();
    Value known = memoized ? Memo.recall(self.calls.get(m)) : null;
    if (known != null) {
      return known;
    }
    String name = m.getSimpleName().toString();
    Key key = new Key(self, m);
    if (memoized && !inProgress.add(key)) {
      throw error(call, c, Unsupported.message("the recursive call of '" + name + "()'",
          "a method's graph is built once at build time, so model code may not recurse"));
    }
    if (ev.depth >= Evaluator.MAX_CALL_DEPTH) {
      throw error(call, c, "calls in a @Model are expanded at build time and may nest at most "
          + Evaluator.MAX_CALL_DEPTH + " deep, but the call of '" + name + "' goes deeper");
    }
    MethodTree tree = self.source.method(m);
    if (tree == null || tree.getBody() == null) {
      throw error(call, c, "method '" + name + "' has no body Kiln can evaluate");
    }
    Env env = new Env(null);
    for (int i = 0; i < args.size(); i++) {
      env.vars.put(parameterName(m, tree, i), args.get(i));
    }
    GraphBuilder b = ev.target.builder();
    ev.depth++;
    b.pushScope(scope);
    try {
      Value result = ev.exec(tree.getBody(), new Ctx(self.cls, self, env, null, FieldRole.OTHER, false));
      if (result == null) {
        throw new EvalError(tree, self.cls.unit, "method '" + name + "' ends without returning a value");
      }
      if (memoized && ev.target.region() == null) {
        // A result built inside a region belongs to that region alone: never reuse it elsewhere.
        self.calls.put(m, result);
      }
      return result;
    } catch (EvalError e) {
      if (memoized) {
        self.calls.put(m, Memo.FAILED);
      }
      throw e;
    } finally {
      b.popScope();
      ev.depth--;
      if (memoized) {
        inProgress.remove(key);
      }
    }
  }

  /** A parameter's name as written: a class file compiled without -parameters knows only arg0, arg1... */
  static String parameterName(ExecutableElement m, MethodTree tree, int i) {
    return tree != null ? tree.getParameters().get(i).getName().toString()
        : m.getParameters().get(i).getSimpleName().toString();
  }
}
