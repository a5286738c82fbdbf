package dev.kiln.processor.eval;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.ControlFlow;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.ops.RegionBuilder;
import dev.kiln.dsl.DType;
import dev.kiln.processor.eval.Value.ArrayValue;
import dev.kiln.processor.eval.Value.BoolValue;
import dev.kiln.processor.eval.Value.FunctionValue;
import dev.kiln.processor.eval.Value.ScalarValue;
import dev.kiln.processor.eval.Value.TensorValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The DSL's run-time control flow, {@code cond}, {@code whileLoop} and {@code scan}: each lambda
 * argument (a {@link FunctionValue} the evaluator made) is applied once per region that
 * {@link ControlFlow} builds, and what it computes becomes that region's results.
 */
final class ControlFlowCalls {
  private ControlFlowCalls() {}

  /** The DSL methods whose lambda arguments are region bodies; a lambda anywhere else is an error. */
  private static final Set<String> TAKE_LAMBDAS = Set.of("cond", "whileLoop", "scan", "scanStates", "scope");

  static boolean takesLambdas(String opsName) {
    return TAKE_LAMBDAS.contains(opsName);
  }

  /** {@code cond(pred, () -> a, () -> b)}. */
  static Value cond(Call c) {
    c.arity(3, 3);
    if (c.raw(0) instanceof BoolValue(boolean v)) {
      throw c.errorAt(0, "cond: the predicate is the compile-time boolean " + v + "; cond decides at run time on"
          + " a bool scalar tensor, and Java's if or ?: decides on a compile-time boolean");
    }
    Node pred = c.tensor(0);
    FunctionValue ifTrue = function(c, 1, 0);
    FunctionValue ifFalse = function(c, 2, 0);
    List<Node> out = ControlFlow.cond(c.b, ifTrue.outer(), pred,
        r -> List.of(result(c, r, ifTrue, ifTrue.body().apply(r, List.of()), "the true branch")),
        r -> List.of(result(c, r, ifFalse, ifFalse.body().apply(r, List.of()), "the false branch")));
    return new TensorValue(out.getFirst());
  }

  /**
   * {@code scope("encoder", () -> ...)}: the lambda's nodes named under an explicit name scope, in
   * the graph being built (not a region: nothing runs conditionally).
   */
  static Value scope(Call c) {
    c.arity(2, 2);
    if (!(c.raw(0) instanceof Value.StringValue(String name)) || name.isEmpty() || name.contains("/")) {
      throw c.errorAt(0, "scope: the name must be a non-empty compile-time string without '/', got "
          + c.raw(0).describe());
    }
    FunctionValue body = function(c, 1, 0);
    c.b.pushScope(name);
    try {
      return body.body().apply(null, List.of());
    } finally {
      c.b.popScope();
    }
  }

  /** {@code whileLoop(v -> condition, v -> new Tensor[] {...}, init...)}: the final loop variables. */
  static Value whileLoop(Call c) {
    c.arity(3, Integer.MAX_VALUE);
    FunctionValue condition = function(c, 0, 1);
    FunctionValue body = function(c, 1, 1);
    List<Node> init = c.tensors(2);
    List<Node> out = ControlFlow.whileLoop(c.b, condition.outer(), init,
        (r, vars) -> result(c, r, condition, condition.body().apply(r, List.of(array(vars))), "the condition"),
        (r, vars) -> results(c, r, body, body.body().apply(r, List.of(array(vars))), init.size()));
    return new ArrayValue(out.stream().<Value>map(TensorValue::new).toList());
  }

  /**
   * {@code scan(xs, h0, (h, x) -> ...)}: a whileLoop over xs's first axis, {@code t} from 0 to its
   * run-time length, carrying {@code h}; the final h.
   */
  static Value scan(Call c) {
    return scan(c, false);
  }

  /** {@code scanStates(xs, h0, (h, x) -> ...)}: every state after each step, stacked along time. */
  static Value scanStates(Call c) {
    return scan(c, true);
  }

  private static Value scan(Call c, boolean stacked) {
    c.arity(3, 3);
    Node xs = c.tensor(0);
    Node h0 = c.tensor(1);
    FunctionValue step = function(c, 2, 2);
    if (xs.shape().rank() == 0) {
      throw c.errorAt(0, "scan: the sequence must have a time axis first, got the scalar " + xs.type());
    }
    GraphBuilder b = c.b;
    Node steps = ControlFlow.length(b, xs);
    List<Node> init = new ArrayList<>(List.of(Emit.scalar(b, DType.I32, 0), h0));
    if (stacked) {
      init.add(zerosAlongTime(b, xs, h0));
    }
    List<Node> out = ControlFlow.whileLoop(b, step.outer(), init,
        (r, v) -> Emit.less(r.builder(), v.get(0), r.read(steps)),
        (r, v) -> {
          GraphBuilder rb = r.builder();
          Node x = ControlFlow.at(rb, r.read(xs), v.get(0));
          Value h = step.body().apply(r, List.of(new TensorValue(v.get(1)), new TensorValue(x)));
          Node next = result(c, r, step, h, "the step");
          if (!next.type().equals(v.get(1).type())) {
            // Said in scan's own terms (the loop and its counter are scan's business, not the user's).
            throw new EvalError(step.tree(), c.unit, "scan: the step changes the state from " + h0.type()
                + " to " + next.type() + "; it must return a tensor of the state's shape and dtype");
          }
          Node count = Emit.add(rb, v.get(0), Emit.scalar(rb, DType.I32, 1));
          return stacked
              // Row t of the stack is this step's state (a dense write per step: fine for short sequences).
              ? List.of(count, next, Emit.add(rb, v.get(2), ControlFlow.scatterAt(rb, next, v.get(2), v.get(0))))
              : List.of(count, next);
        });
    return new TensorValue(out.get(stacked ? 2 : 1));
  }

  /** Zeros of shape [xs's time axis, h0's shape...], built by broadcasting so no value of xs or h0 leaks in. */
  private static Node zerosAlongTime(GraphBuilder b, Node xs, Node h0) {
    Node zero = Emit.scalar(b, h0.type().dtype(), 0);
    int[] rest = new int[xs.shape().rank() - 1];
    for (int i = 0; i < rest.length; i++) {
      rest[i] = i + 1;
    }
    Node time = rest.length == 0 ? xs : Emit.reduceSum(b, xs, false, rest);
    Node timeZeros = Emit.broadcastLike(b, Emit.cast(b, zero, time.type().dtype()), time);
    List<dev.kiln.compiler.ir.Dim> dims = new ArrayList<>(List.of(xs.shape().dim(0)));
    for (int i = 0; i < h0.shape().rank(); i++) {
      dims.add(dev.kiln.compiler.ir.Dim.of(1));
    }
    Node column = Emit.reshape(b, Emit.cast(b, timeZeros, h0.type().dtype()), new dev.kiln.compiler.ir.Shape(dims));
    Node row = Emit.expandDims(b, Emit.broadcastLike(b, zero, h0), 0);
    return Emit.add(b, column, row);
  }

  private static Value array(List<Node> nodes) {
    return new ArrayValue(nodes.stream().<Value>map(TensorValue::new).toList());
  }

  /** Argument {@code i}, which must be a lambda of {@code arity} parameters. */
  private static FunctionValue function(Call c, int i, int arity) {
    if (!(c.raw(i) instanceof FunctionValue f)) {
      throw c.errorAt(i, c.written + ": argument " + (i + 1) + " must be a lambda written in the call, such as "
          + (arity == 0 ? "() -> x.neg()" : arity == 1 ? "v -> ..." : "(h, x) -> ...") + ", got " + c.raw(i).describe());
    }
    if (f.arity() != arity) {
      throw c.errorAt(i, c.written + ": argument " + (i + 1) + " must be a lambda of " + arity + " parameter"
          + (arity == 1 ? "" : "s") + ", got one of " + f.arity() + (f.arity() == 1 ? " parameter" : " parameters"));
    }
    return f;
  }

  /** What a lambda computed, as one node of region {@code r} (a {@code scalar(v)} is made there). */
  private static Node result(Call c, RegionBuilder r, FunctionValue f, Value v, String what) {
    return switch (v) {
      case TensorValue t -> t.node();
      case ScalarValue s -> Emit.scalar(r.builder(), DType.F32, s.value());
      default -> throw new EvalError(f.tree(), c.unit, c.written + ": " + what + " must compute a tensor, got "
          + v.describe());
    };
  }

  /** What a loop body computed: one node per loop variable. */
  private static List<Node> results(Call c, RegionBuilder r, FunctionValue f, Value v, int count) {
    if (v instanceof ArrayValue(List<Value> elements)) {
      if (elements.size() != count) {
        throw new EvalError(f.tree(), c.unit, c.written + ": the body gives " + elements.size() + " tensor"
            + (elements.size() == 1 ? "" : "s") + " for " + count + " loop variable" + (count == 1 ? "" : "s")
            + "; it returns the next value of every loop variable, in order");
      }
      List<Node> out = new ArrayList<>();
      for (Value e : elements) {
        out.add(result(c, r, f, e, "each element of the body's result"));
      }
      return out;
    }
    if (count == 1) {
      return List.of(result(c, r, f, v, "the body"));
    }
    throw new EvalError(f.tree(), c.unit, c.written + ": the body must return an array of the "
        + count + " next loop variables, such as new Tensor[] {...}, got " + v.describe());
  }
}
