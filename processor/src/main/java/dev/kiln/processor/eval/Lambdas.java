package dev.kiln.processor.eval;

import static dev.kiln.processor.eval.Ctx.error;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.RegionBuilder;
import dev.kiln.processor.eval.Value.TensorValue;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;

/**
 * The bodies of run-time control flow: a lambda or {@code this::method} passed to cond,
 * whileLoop or scan becomes a {@link Value.FunctionValue} that {@link ControlFlowCalls} applies
 * once per region; DSL arguments inside a region read outer tensors as captures.
 */
final class Lambdas {
  private final Evaluator ev;

  Lambdas(Evaluator ev) {
    this.ev = ev;
  }

  /**
   * A lambda written as an argument of cond, whileLoop or scan: applied by {@link ControlFlowCalls}
   * once per region, with its parameters bound in a scope of their own inside the enclosing
   * method's locals, and every DSL call of its body building into the region.
   */
  Value lambda(LambdaExpressionTree lam, Ctx c) {
    // A null region applies the lambda in place, in the caller's graph (an explicit scope).
    return new Value.FunctionValue(lam.getBody(), lam.getParameters().size(), ev.target.region(),
        (r, args) -> ev.target.inRegion(r, () -> applyLambda(lam, args, c)));
  }

  private Value applyLambda(LambdaExpressionTree lam, List<Value> args, Ctx c) {
    Env env = new Env(c.env());
    for (int i = 0; i < args.size(); i++) {
      env.vars.put(lam.getParameters().get(i).getName().toString(), args.get(i));
    }
    Ctx inner = c.with(env);
    if (lam.getBody() instanceof ExpressionTree e) {
      return ev.eval(e, inner);
    }
    Value v = ev.exec((StatementTree) lam.getBody(), inner);
    if (v == null) {
      throw error(lam, c, "the lambda ends without returning a value; it must return a tensor");
    }
    return v;
  }

  /** {@code this::cell} as a body: a call of the model's own method with the region's values. */
  Value methodReference(MemberReferenceTree ref, Ctx c) {
    String name = ref.getName().toString();
    List<ExecutableElement> methods = c.self() == null || !Names.isThis(ref.getQualifierExpression())
        ? List.of() : c.cls().methods(name);
    if (methods.size() != 1 || ref.getMode() != MemberReferenceTree.ReferenceMode.INVOKE) {
      throw error(ref, c, Unsupported.message("the method reference '" + Unsupported.shortText(ref) + "'",
          "a body of cond, whileLoop or scan may be a lambda or this::method naming one method of the model"));
    }
    ExecutableElement m = methods.getFirst();
    Instance self = c.self();
    return new Value.FunctionValue(ref, m.getParameters().size(), ev.target.region(),
        (r, args) -> ev.target.inRegion(r, () -> ev.calls.callOwn(self, m, args, List.of(), ref, c, name)));
  }

  /** Arguments of a DSL call inside a region: tensors of enclosing graphs become captured reads. */
  List<Value> captured(List<Value> args, Tree at, Ctx c) {
    List<Value> out = new ArrayList<>();
    for (Value v : args) {
      out.add(captured(v, at, c));
    }
    return out;
  }

  private Value captured(Value v, Tree at, Ctx c) {
    RegionBuilder region = ev.target.region();
    return switch (v) {
      case TensorValue(Node n) -> {
        try {
          yield new TensorValue(region.read(n));
        } catch (IllegalArgumentException e) {
          throw error(at, c, "tensor " + n.name() + " was computed inside another cond, whileLoop or scan lambda"
              + " and cannot be read here; return it from that lambda instead");
        }
      }
      case Value.ArrayValue(List<Value> elements) -> new Value.ArrayValue(captured(elements, at, c));
      case Value.SparseValue(Node i, Node values, Node shape) -> new Value.SparseValue(
          region.read(i), region.read(values), region.read(shape)); // @Input placeholders: always readable
      default -> v;
    };
  }
}
