package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;

/**
 * {@code a} raised to the power {@code b}, elementwise with broadcasting ({@code Math.pow}
 * semantics; integer results truncate toward zero). The gradient to the exponent uses
 * {@code log(a)} only where {@code a > 0} and is 0 elsewhere, as TensorFlow does, so that
 * {@code x.pow(2)} at {@code x <= 0} has a finite gradient.
 */
final class Pow extends BinaryElementwise {
  Pow() {
    super("Pow");
  }

  @Override
  double apply(double a, double b) {
    return Math.pow(a, b);
  }

  @Override
  Node[] gradient(GraphBuilder b, Node x, Node y, Node out, Node dOut) {
    DType t = dOut.type().dtype();
    Node one = Emit.scalar(b, t, 1);
    Node dx = Emit.mul(b, dOut, Emit.mul(b, y, Emit.pow(b, x, Emit.sub(b, y, one))));
    Node positive = Emit.greater(b, x, Emit.scalar(b, t, 0));
    Node safeLog = Emit.log(b, Emit.where(b, positive, x, one));
    Node dy = Emit.mul(b, dOut, Emit.mul(b, out, safeLog));
    return new Node[] {dx, dy};
  }
}
