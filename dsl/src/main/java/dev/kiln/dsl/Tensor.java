package dev.kiln.dsl;

/**
 * A symbolic tensor in a {@link Model}: a node of the dataflow graph, never a value. The processor
 * evaluates model code at build time; these methods only exist for javac and the IDE and throw if
 * run. Each fluent method is the same op as the static one in {@link Ops} of the same name.
 */
public final class Tensor {
  private Tensor() {
    throw new NotCompiled();
  }

  // Elementwise arithmetic with NumPy-style broadcasting.
  public Tensor plus(Tensor other) { throw new NotCompiled(); }
  public Tensor plus(double scalar) { throw new NotCompiled(); }
  public Tensor minus(Tensor other) { throw new NotCompiled(); }
  public Tensor minus(double scalar) { throw new NotCompiled(); }
  public Tensor times(Tensor other) { throw new NotCompiled(); }
  public Tensor times(double scalar) { throw new NotCompiled(); }
  public Tensor div(Tensor other) { throw new NotCompiled(); }
  public Tensor div(double scalar) { throw new NotCompiled(); }
  public Tensor maximum(Tensor other) { throw new NotCompiled(); }
  public Tensor minimum(Tensor other) { throw new NotCompiled(); }
  public Tensor neg() { throw new NotCompiled(); }
  public Tensor exp() { throw new NotCompiled(); }
  public Tensor log() { throw new NotCompiled(); }
  public Tensor sqrt() { throw new NotCompiled(); }
  public Tensor square() { throw new NotCompiled(); }
  public Tensor abs() { throw new NotCompiled(); }
  public Tensor tanh() { throw new NotCompiled(); }
  public Tensor sigmoid() { throw new NotCompiled(); }
  public Tensor relu() { throw new NotCompiled(); }

  // Comparisons give BOOL tensors.
  public Tensor equal(Tensor other) { throw new NotCompiled(); }
  public Tensor notEqual(Tensor other) { throw new NotCompiled(); }
  public Tensor less(Tensor other) { throw new NotCompiled(); }
  public Tensor greater(Tensor other) { throw new NotCompiled(); }

  public Tensor cast(DType dtype) { throw new NotCompiled(); }
  public Tensor matmul(Tensor other) { throw new NotCompiled(); }
  public Tensor reshape(int... shape) { throw new NotCompiled(); }

  // Reductions over axes; negative axes count from the end.
  public Tensor sum(int... axes) { throw new NotCompiled(); }
  public Tensor mean(int... axes) { throw new NotCompiled(); }
  public Tensor max(int... axes) { throw new NotCompiled(); }
  public Tensor argmax(int axis) { throw new NotCompiled(); }
  /** {@link Ops#dropout(Tensor, double)} of this tensor. */
  public Tensor dropout(double rate) { throw new NotCompiled(); }

  // More ops: the Ops methods of the same names with this tensor first.
  public Tensor pow(Tensor exponent) { throw new NotCompiled(); }
  public Tensor pow(double exponent) { throw new NotCompiled(); }
  public Tensor rsqrt() { throw new NotCompiled(); }
  public Tensor softplus() { throw new NotCompiled(); }
  public Tensor leakyRelu() { throw new NotCompiled(); }
  public Tensor leakyRelu(double alpha) { throw new NotCompiled(); }
  public Tensor lessEqual(Tensor other) { throw new NotCompiled(); }
  public Tensor greaterEqual(Tensor other) { throw new NotCompiled(); }
  public Tensor logicalAnd(Tensor other) { throw new NotCompiled(); }
  public Tensor logicalOr(Tensor other) { throw new NotCompiled(); }
  public Tensor logicalNot() { throw new NotCompiled(); }
  public Tensor transpose() { throw new NotCompiled(); }
  public Tensor permute(int... perm) { throw new NotCompiled(); }
  public Tensor matrixInverse() { throw new NotCompiled(); }
  public Tensor expandDims(int axis) { throw new NotCompiled(); }
  public Tensor squeeze(int... axes) { throw new NotCompiled(); }
  public Tensor[] split(int parts, int axis) { throw new NotCompiled(); }
  public Tensor slice(int[] begin, int[] size) { throw new NotCompiled(); }
  /** This tensor as a table: its rows at {@code indices}. */
  public Tensor gather(Tensor indices) { throw new NotCompiled(); }
  public Tensor prod(int... axes) { throw new NotCompiled(); }
  public Tensor min(int... axes) { throw new NotCompiled(); }
  public Tensor argmin(int axis) { throw new NotCompiled(); }
  // Reductions keeping the reduced axes as size 1 when keepDims.
  public Tensor sum(boolean keepDims, int... axes) { throw new NotCompiled(); }
  public Tensor mean(boolean keepDims, int... axes) { throw new NotCompiled(); }
  public Tensor max(boolean keepDims, int... axes) { throw new NotCompiled(); }
  public Tensor min(boolean keepDims, int... axes) { throw new NotCompiled(); }
  public Tensor prod(boolean keepDims, int... axes) { throw new NotCompiled(); }
}
