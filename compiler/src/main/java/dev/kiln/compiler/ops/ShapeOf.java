package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.Arrays;
import java.util.List;

/**
 * The run-time shape of x as an I64 vector of its rank (symbolic dimensions take their bound
 * sizes). It reads x's shape only, never its values, so no gradient flows.
 */
final class ShapeOf implements OpDef {
  @Override
  public String name() {
    return "Shape";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    return new TensorType(DType.I64, Shape.of(inputs.get(0).rank()));
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList((Node) null);
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    int[] shape = inputs.get(0).shape();
    return new Value(DType.I64, new int[] {shape.length},
        Arrays.stream(shape).asDoubleStream().toArray());
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}
