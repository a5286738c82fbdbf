package dev.kiln.processor.eval;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;

/**
 * A user error found while evaluating model code: one sentence, reported at {@link #tree()}. It
 * unwinds evaluation of the current field or entry point, which is then abandoned.
 */
public final class EvalError extends RuntimeException {
  private final transient Tree tree;
  private final transient CompilationUnitTree unit;

  public EvalError(Tree tree, CompilationUnitTree unit, String message) {
    super(message, null, false, false);
    this.tree = tree;
    this.unit = unit;
  }

  /** An error whose cause was already reported (a failed field or method used again). */
  static EvalError alreadyReported() {
    return new EvalError(null, null, "already reported");
  }

  /** Whether this error still has to be reported; false when its cause was reported already. */
  public boolean isNew() {
    return tree != null;
  }

  public Tree tree() {
    return tree;
  }

  public CompilationUnitTree unit() {
    return unit;
  }
}
