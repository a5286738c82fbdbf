package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.dsl.DType;
import java.util.Arrays;
import java.util.List;

/**
 * A constant of static {@code shape} and {@code dtype}; {@code values} holds every element, or a
 * single value that fills the shape.
 */
final class Constant extends SourceOp {
  @Override
  public String name() {
    return "Const";
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Shape shape = attrs.get("shape");
    int[] dims = shape.dims().stream().mapToInt(d -> (int) d.size()).toArray();
    double[] values = attrs.getDoubles("values");
    double[] data = values.length == 1 ? filled(Value.sizeOf(dims), values[0]) : values;
    return new Value(attrs.<DType>get("dtype"), dims, data);
  }

  private static double[] filled(int n, double v) {
    double[] d = new double[n];
    Arrays.fill(d, v);
    return d;
  }
}
