package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.List;

/** An op with no inputs whose type is given by its {@code dtype} and {@code shape} attributes. */
abstract class SourceOp implements OpDef {
  @Override
  public final OpKind kind() {
    return OpKind.SOURCE;
  }

  @Override
  public final TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    return new TensorType(attrs.<DType>get("dtype"), attrs.<Shape>get("shape"));
  }

  @Override
  public final List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return List.of();
  }
}
