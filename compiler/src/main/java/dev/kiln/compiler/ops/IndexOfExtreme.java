package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.Arrays;
import java.util.List;

/**
 * The index of the largest or smallest element along the attribute {@code axis} (negative counts
 * from the end), as I64, with that axis removed; the first index on ties, and the first NaN if any.
 */
abstract class IndexOfExtreme implements OpDef {
  private final String name;
  private final String written;

  IndexOfExtreme(String name, String written) {
    this.name = name;
    this.written = written;
  }

  /** Whether {@code v} replaces the best so far. */
  abstract boolean beats(double v, double best);

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final OpKind kind() {
    return OpKind.REDUCTION;
  }

  @Override
  public final TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    TensorType x = inputs.get(0);
    OpSupport.requireNumeric(written, x);
    int axis = attrs.getInt("axis");
    if (x.shape().normalizeAxis(axis) < 0) {
      throw new ShapeError(written + ": axis " + axis + " is out of range for shape " + x.shape());
    }
    int[] axes = {x.shape().normalizeAxis(axis)};
    return new TensorType(DType.I64, OpSupport.reduceShape(x.shape(), axes, false));
  }

  /** An index is piecewise constant: no gradient flows. */
  @Override
  public final List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return Arrays.asList((Node) null);
  }

  @Override
  public final Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    int axis = attrs.getInt("axis");
    int[] axes = {axis < 0 ? axis + x.rank() : axis};
    int[][] groups = OpSupport.reductionGroups(x.shape(), axes);
    double[] out = new double[groups.length];
    for (int g = 0; g < groups.length; g++) {
      int best = 0;
      for (int i = 0; i < groups[g].length; i++) {
        double v = x.get(groups[g][i]);
        if (Double.isNaN(v)) {
          best = i;
          break;
        }
        if (beats(v, x.get(groups[g][best]))) {
          best = i;
        }
      }
      out[g] = best;
    }
    return new Value(DType.I64, OpSupport.reduceShape(x.shape(), axes, false), out);
  }
}
