package dev.kiln.compiler.ir;

/**
 * A shape or dtype rule rejected an op's operands, or a pass found a graph it cannot compile (a
 * loss through an op without a gradient). The message is a sentence for the user: the front end
 * reports it as a compile error at the source of the offending op — {@link #node()}'s origin when
 * a pass raised it, else the call being evaluated.
 */
public final class ShapeError extends RuntimeException {
  private final transient Node node;

  public ShapeError(String message) {
    this(message, null);
  }

  private ShapeError(String message, Node node) {
    super(message, null, false, false);
    this.node = node;
  }

  /** The node the error is about, when a pass raised it; null while a node is being built. */
  public Node node() {
    return node;
  }

  /** This error located at {@code n}, with {@code prefix} before its message. */
  public ShapeError at(Node n, String prefix) {
    return node != null ? this : new ShapeError(prefix + getMessage(), n);
  }
}
