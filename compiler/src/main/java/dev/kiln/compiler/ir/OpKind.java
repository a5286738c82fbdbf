package dev.kiln.compiler.ir;

/** Coarse classes of ops that passes and backends treat alike. */
public enum OpKind {
  /** No inputs: placeholders, variables, constants. */
  SOURCE,
  /** One output element from the same-index element of each (broadcast) input. */
  ELEMENTWISE,
  /** Folds axes of one input. */
  REDUCTION,
  /** Everything else: matmul, softmax, shape ops. */
  OTHER
}
