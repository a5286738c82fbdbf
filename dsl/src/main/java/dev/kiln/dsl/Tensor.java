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
}
