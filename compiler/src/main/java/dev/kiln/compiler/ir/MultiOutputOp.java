package dev.kiln.compiler.ir;

import java.util.List;

/**
 * An op with several results (the control-flow ops). Its node's own {@link Node#type()} is the
 * type of result 0; each result is read through an {@code Output} node ({@code Emit.output}).
 * Autodiff collects the gradients of all those Output nodes and calls {@link #gradients} once.
 */
public interface MultiOutputOp extends OpDef {
  /** The type of each result, for operands of these types. */
  List<TensorType> outputTypes(List<TensorType> inputs, Attrs attrs);

  /**
   * Gradients for each input given {@code dOuts}, one per result (null where nothing flows back
   * to that result); a null entry in the answer means no gradient for that input.
   */
  List<Node> gradients(GraphBuilder b, Node node, List<Node> dOuts);

  @Override
  default List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    throw new IllegalStateException(name() + " has several results: differentiate it with gradients()");
  }

  /** The result types of {@code node}, an application of this op. */
  default List<TensorType> outputTypes(Node node) {
    return outputTypes(node.inputs().stream().map(Node::type).toList(), node.attrs());
  }
}
