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
import java.util.List;

/**
 * Result {@code index} of a multi-result node (a cond or whileLoop). Its type is recorded in its
 * {@code dtype} and {@code shape} attributes when it is built. Autodiff handles it itself: its
 * gradient is routed to the multi-result node's {@code gradients}.
 */
final class Output implements OpDef {
  @Override
  public String name() {
    return "Output";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    return new TensorType(attrs.<DType>get("dtype"), attrs.<Shape>get("shape"));
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    throw new IllegalStateException("Output gradients are collected by Autodiff");
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    return Tuples.unpack(inputs.get(0)).get(attrs.getInt("index"));
  }

  /** Moves data without arithmetic, so f16/bf16 pass through (see OpDef). */
  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }
}
