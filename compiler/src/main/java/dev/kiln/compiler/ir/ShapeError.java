package dev.kiln.compiler.ir;

/**
 * A shape or dtype rule rejected an op's operands. The message is a sentence for the user: the
 * front end reports it as a compile error at the source of the offending op.
 */
public final class ShapeError extends RuntimeException {
  public ShapeError(String message) {
    super(message, null, false, false);
  }
}
