package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.Arrays;
import java.util.List;

/**
 * Converts every element to the attribute {@code dtype}, between any two of the ten dtypes:
 * <ul>
 *   <li>floating (f64, f32, f16, bf16) to integer truncates toward zero with Java's narrowing:
 *       NaN becomes 0; to i64 or i32 an out-of-range value saturates at the type's bounds; to
 *       i16, i8 and u8 the value is first truncated to i32 (saturating) and then wraps, so
 *       300.0 → i8 is 44 and -129.0 → u8 is 127 ({@code (byte) 300.0f} in Java);
 *   <li>integer to a narrower integer wraps (two's complement): i32 300 → u8 is 44;
 *   <li>to a floating type rounds to nearest even (f64 → f16 rounds through f32; values beyond
 *       the range become ±inf, 65520 → f16 is inf); f16 and bf16 are storage types, and
 *       {@code cast} is how they enter and leave arithmetic;
 *   <li>anything to BOOL is {@code x != 0} (NaN is true, -0.0 false); BOOL to numbers is 0 or 1.
 * </ul>
 * A gradient flows only from floating to floating.
 */
final class Cast implements OpDef {
  @Override
  public String name() {
    return "Cast";
  }

  @Override
  public OpKind kind() {
    return OpKind.ELEMENTWISE;
  }

  @Override
  public TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    return new TensorType(attrs.<DType>get("dtype"), inputs.get(0).shape());
  }

  @Override
  public List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    DType from = node.input(0).type().dtype();
    DType to = node.type().dtype();
    if (!from.isFloating() || !to.isFloating()) {
      return Arrays.asList((Node) null);
    }
    return List.of(from == to ? dOut : Emit.cast(b, dOut, from));
  }

  @Override
  public Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Value x = inputs.get(0);
    DType to = attrs.get("dtype");
    double[] data = x.data();
    if (x.dtype().isFloating() && !to.isFloating() && to != DType.BOOL) {
      data = Arrays.stream(data).map(v -> truncate(to, v)).toArray();
    }
    return new Value(to, x.shape(), data);
  }

  @Override
  public boolean acceptsStorageTypes() {
    return true;
  }

  /** Java's narrowing of a floating value: to long for i64, else to int (both saturating). */
  private static double truncate(DType to, double v) {
    return to == DType.I64 ? (double) (long) v : (int) v; // Value then wraps i32 to i16/i8/u8
  }
}
