package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;

/** {@code |x|}; accepts integer tensors too. The gradient at 0 is 0 (sign(x) · dOut). */
final class Abs extends UnaryElementwise {
  Abs() {
    super("Abs");
  }

  @Override
  double apply(double x) {
    return Math.abs(x);
  }

  @Override
  Node gradient(GraphBuilder b, Node x, Node y, Node dOut) {
    return Emit.mul(b, dOut, sign(b, x));
  }

  @Override
  boolean acceptsIntegers() {
    return true;
  }

  /** sign(x) as x's dtype: cast(x > 0) - cast(x < 0). */
  private static Node sign(GraphBuilder b, Node x) {
    DType t = x.type().dtype();
    Node zero = Emit.scalar(b, t, 0);
    return Emit.sub(b, Emit.cast(b, Emit.greater(b, x, zero), t), Emit.cast(b, Emit.less(b, x, zero), t));
  }
}
