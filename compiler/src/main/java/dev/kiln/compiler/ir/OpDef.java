package dev.kiln.compiler.ir;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import java.util.List;

/**
 * The one definition of an op: its name, its shape and dtype rule, its gradient rule and its
 * reference semantics. Backends map {@link #name()} to one kernel template each.
 */
public interface OpDef {
  /** The op's name in the IR, graph files and backend tables, e.g. {@code MatMul}. */
  String name();

  OpKind kind();

  /**
   * The output type for operands of these types, or a {@link ShapeError} whose message names the
   * op and the offending shapes or dtypes.
   */
  TensorType inferType(List<TensorType> inputs, Attrs attrs);

  /**
   * Symbolic gradients: for each input, the gradient of the objective with respect to it given
   * {@code dOut}, the gradient with respect to {@code node}'s output; a {@code null} entry means
   * no gradient flows to that input. Throws {@link ShapeError} when the op has no gradient.
   */
  List<Node> gradient(GraphBuilder b, Node node, Node dOut);

  /** Reference semantics: the living specification that every backend is tested against. */
  Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx);

  /**
   * Whether the op takes f16/bf16 operands. Those are storage types: only ops that move data
   * without arithmetic (cast, reshape, transpose, concat, slice, gather, where, assign, control
   * flow) say yes; {@link GraphBuilder} rejects any other op on them, asking for a cast to f32.
   */
  default boolean acceptsStorageTypes() {
    return false;
  }

  /** Pure ops with equal inputs and attributes compute equal values and may be merged. */
  default boolean isPure() {
    return true;
  }
}
