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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * TensorFlow's control dependencies as an explicit ordering edge: inputs {@code (value, deps...)};
 * the result is {@code value}, available only once every dep has run. Whatever fetches the result
 * therefore also runs the deps (a step counter's {@code assignAdd}, say), and runs them before the
 * result is returned. No gradient flows to the deps.
 */
final class ControlDependency implements OpDef {
  @Override
  public String name() {
    return "ControlDependency";
  }

  @Override
  public OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    if (inputs.size() < 2) {
      throw new ShapeError("withDependencies: expects a value and at least one tensor to run first");
    }
    return inputs.get(0);
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    List<Node> grads = new ArrayList<>(Collections.nCopies(node.inputs().size(), (Node) null));
    grads.set(0, dOut);
    return grads;
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    return inputs.get(0);
  }
}
