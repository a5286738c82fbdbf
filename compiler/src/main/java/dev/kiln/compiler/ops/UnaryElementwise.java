package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import java.util.Arrays;
import java.util.List;

/** An op applying one scalar function to every element of a floating-point tensor. */
abstract class UnaryElementwise implements OpDef {
  private final String name;

  UnaryElementwise(String name) {
    this.name = name;
  }

  /** Reference semantics of one element. */
  abstract double apply(double x);

  /** dObjective/dx given the op's input {@code x}, its output {@code y} and {@code dOut}. */
  abstract Node gradient(GraphBuilder b, Node x, Node y, Node dOut);

  /** Whether integer inputs are accepted (true for sign-preserving ops like neg and abs). */
  boolean acceptsIntegers() {
    return false;
  }

  /** The op as the user writes it, in diagnostics: {@code sqrt}, {@code relu}. */
  String userName() {
    return OpSupport.userName(name);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final OpKind kind() {
    return OpKind.ELEMENTWISE;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    if (!x.dtype().isFloating() && !(acceptsIntegers() && x.dtype() != dev.kiln.dsl.DType.BOOL)) {
      throw new ShapeError(userName() + ": expects a "
          + (acceptsIntegers() ? "numeric" : "floating-point") + " tensor, got " + x);
    }
    return x;
  }

  @Override
  public final List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return List.of(gradient(b, node.input(0), node, dOut));
  }

  @Override
  public final Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    return new Value(x.dtype(), x.shape(), Arrays.stream(x.data()).map(this::apply).toArray());
  }
}
