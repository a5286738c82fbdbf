package dev.kiln.codegen.kernel;

import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.List;

/**
 * One element of an elementwise kernel's body, as a tree every renderer walks: C (CUDA) renders
 * it as an expression, LLVM as a chain of SSA values.
 */
public sealed interface ScalarExpr {
  /** The dtype of the value (its storage dtype; renderers pick a compute type). */
  DType dtype();

  /**
   * The element of {@code buffer} at the kernel's current output coordinates: the sum over the
   * kernel's domain axes of coordinate times {@code strides[axis]} (zero along broadcast axes).
   */
  record Load(Buffer buffer, List<Size> strides) implements ScalarExpr {
    public Load {
      strides = List.copyOf(strides);
    }

    @Override
    public DType dtype() {
      return buffer.dtype();
    }
  }

  /** A constant (a scalar Const node, inlined). */
  record Literal(DType dtype, double value) implements ScalarExpr {}

  /** A run-time element count (ElementCount) converted to {@code dtype}. */
  record Extent(DType dtype, Size size) implements ScalarExpr {}

  /** {@code node}'s elementwise op applied to {@code args} (its inputs, in order). */
  record Apply(Node node, List<ScalarExpr> args) implements ScalarExpr {
    public Apply {
      args = List.copyOf(args);
    }

    @Override
    public DType dtype() {
      return node.type().dtype();
    }
  }

  /** The value an earlier {@link Kernel.Let} of the same kernel bound for {@code node}. */
  record Ref(Node node) implements ScalarExpr {
    @Override
    public DType dtype() {
      return node.type().dtype();
    }
  }
}
