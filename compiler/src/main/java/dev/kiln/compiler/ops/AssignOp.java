package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;

/**
 * The state-changing ops: input 0 is a variable's {@code Variable} node (which names the variable
 * and, read as a value, is its value before the write), input 1 the operand; the output is the
 * variable's new value, written into the variable as a side effect.
 *
 * <p>Ordering is carried by the data edges alone: a node reading the {@code Variable} node sees
 * the old value wherever it is scheduled (a backend that writes in place must snapshot the old
 * value for such reads), and a node that should see the new value reads this node's output. The
 * ops are impure, so common-subgraph elimination never merges two writes, and like every node they
 * run exactly when a fetch's transitive closure reaches them.
 */
abstract class AssignOp implements dev.kiln.compiler.ir.OpDef {
  @Override
  public final OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public final boolean isPure() {
    return false;
  }

  @Override
  public final TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    String op = OpSupport.userName(name());
    if (inputs.size() != 2) {
      throw new ShapeError(op + ": expects a variable and a value, got " + inputs.size() + " operands");
    }
    TensorType variable = inputs.get(0);
    TensorType value = inputs.get(1);
    if (!variable.equals(value)) {
      throw new ShapeError(op + ": the value " + value + " does not match the variable's type "
          + variable + "; the shapes and dtypes must be equal");
    }
    return variable;
  }

  /** The new value from the old one and the operand, elementwise. */
  abstract double combine(double old, double operand);

  @Override
  public final Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value old = inputs.get(0);
    Value operand = inputs.get(1);
    double[] out = new double[old.data().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = combine(old.data()[i], operand.data()[i]);
    }
    Value v = new Value(old.dtype(), old.shape(), out);
    ctx.assignVariable(attrs.get("variable"), v);
    return v;
  }
}
