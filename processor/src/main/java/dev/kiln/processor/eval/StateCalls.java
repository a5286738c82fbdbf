package dev.kiln.processor.eval;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.ops.StandardOps;
import dev.kiln.processor.eval.Value.TensorValue;

/** The DSL's state writes, {@code assign(v, x)}, {@code assignAdd}, {@code assignSub}: checks and emission. */
final class StateCalls {
  private StateCalls() {}

  @FunctionalInterface
  interface Write {
    Node emit(GraphBuilder b, Node variable, Node value);
  }

  /**
   * A write into argument 0, which must be a variable field, of argument 1: a tensor of the
   * variable's type, or a number (or {@code scalar(v)}) that fills the variable's shape.
   */
  static Value write(Call c, Write emit) {
    c.arity(2, 2);
    Node target = c.tensor(0);
    if (target.op() != StandardOps.VARIABLE) {
      String got = target.op() == StandardOps.PLACEHOLDER
          ? "the @Input placeholder '" + target.attrs().<String>get("name") + "'"
          : "a computed tensor " + target.type();
      throw c.errorAt(0, c.written + ": the target must be a @State or @Param field, got " + got
          + "; only variables hold state between calls");
    }
    // A number fills the variable's (static) shape: assignAdd(steps, 1) counts every element.
    Node value = switch (c.raw(1)) {
      case Value.NumberValue n -> Emit.constant(c.b, target.type().dtype(), target.shape(), n.value().doubleValue());
      case Value.ScalarValue s -> Emit.constant(c.b, target.type().dtype(), target.shape(), s.value());
      default -> c.tensor(1);
    };
    return new TensorValue(emit.emit(c.b, target, value));
  }
}
