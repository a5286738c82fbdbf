package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.OpTesting.assertShapeError;
import static dev.kiln.compiler.ops.OpTesting.dims;
import static dev.kiln.compiler.ops.OpTesting.eval;
import static dev.kiln.compiler.ops.OpTesting.of;
import static dev.kiln.compiler.ops.OpTesting.ph;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dtype semantics the README documents, on the reference interpreter, hand-computed: integer
 * arithmetic wraps, float → integer casts truncate with Java's narrowing, f16/bf16 round to
 * nearest even and are storage types that only data movement and cast accept.
 */
class DTypeOpsTest {
  private static double[] data(GradientCheck.Fn f, Value... in) {
    return eval(f, in).data();
  }

  @Test
  void wrapsAtEachWidth() {
    assertArrayEquals(new double[] {-128, 127, -56},
        data((b, x) -> Emit.add(b, x.get(0), x.get(1)),
            of(DType.I8, dims(3), 127, -128, 100), of(DType.I8, dims(3), 1, -1, 100)));
    assertArrayEquals(new double[] {255, 0, 44},
        data((b, x) -> Emit.add(b, x.get(0), x.get(1)),
            of(DType.U8, dims(3), 0, 255, 200), of(DType.U8, dims(3), 255, 1, 100)));
    assertArrayEquals(new double[] {-32768, 16960},
        data((b, x) -> Emit.mul(b, x.get(0), x.get(1)),
            of(DType.I16, dims(2), 16384, 1000), of(DType.I16, dims(2), 2, 1000)));
    assertArrayEquals(new double[] {Integer.MIN_VALUE},
        data((b, x) -> Emit.add(b, x.get(0), x.get(1)),
            of(DType.I32, dims(1), Integer.MAX_VALUE), of(DType.I32, dims(1), 1)));
    // u8 0 - 1 is 255; i8 -(-128) is -128; integer division truncates toward zero
    assertArrayEquals(new double[] {255},
        data((b, x) -> Emit.sub(b, x.get(0), x.get(1)), of(DType.U8, dims(1), 0), of(DType.U8, dims(1), 1)));
    assertArrayEquals(new double[] {-128}, data((b, x) -> Emit.neg(b, x.get(0)), of(DType.I8, dims(1), -128)));
    assertArrayEquals(new double[] {-3, 3},
        data((b, x) -> Emit.div(b, x.get(0), x.get(1)), of(DType.I8, dims(2), -7, 7), of(DType.I8, dims(2), 2, 2)));
    // a sum wraps once, at the end: 100 + 100 + 100 in i8 is 300 - 256
    assertArrayEquals(new double[] {44},
        data((b, x) -> Emit.reduceSum(b, x.get(0), false), of(DType.I8, dims(3), 100, 100, 100)));
  }

  @Test
  void floatToIntegerCastsTruncateLikeJava() {
    Value x = of(DType.F32, dims(7), 300, -129, Double.NaN, 3e9, -2.7, 255, 256);
    assertArrayEquals(new double[] {44, 127, 0, -1, -2, -1, 0},
        data((b, xs) -> Emit.cast(b, xs.get(0), DType.I8), x));
    assertArrayEquals(new double[] {44, 127, 0, 255, 254, 255, 0},
        data((b, xs) -> Emit.cast(b, xs.get(0), DType.U8), x));
    assertArrayEquals(new double[] {300, -129, 0, Integer.MAX_VALUE, -2, 255, 256},
        data((b, xs) -> Emit.cast(b, xs.get(0), DType.I32), x));
    // integer → narrower integer wraps instead of saturating
    assertArrayEquals(new double[] {-1294967296},
        data((b, xs) -> Emit.cast(b, xs.get(0), DType.I32), of(DType.I64, dims(1), 3e9)));
    assertArrayEquals(new double[] {1, 1, 0},
        data((b, xs) -> Emit.cast(b, xs.get(0), DType.BOOL), of(DType.F32, dims(3), Double.NaN, 1e-8, -0.0)));
  }

  @Test
  void halfAndBfloat16RoundToNearestEven() {
    Value x = of(DType.F32, dims(6), 65504, 65520, 1e-8, 1 + 0x1p-11, 1 + 0x3p-11, -0.0);
    double[] f16 = data((b, xs) -> Emit.cast(b, xs.get(0), DType.F16), x);
    assertArrayEquals(new double[] {65504, Double.POSITIVE_INFINITY, 0, 1, 1 + 0x1p-9, -0.0}, f16);
    assertEquals(-0.0, f16[5]);
    Value y = of(DType.F32, dims(4), 1 + 0x1p-8, 1 + 0x3p-8, 3.4e38, Double.NaN);
    double[] bf16 = data((b, xs) -> Emit.cast(b, xs.get(0), DType.BF16), y);
    assertArrayEquals(new double[] {1, 1 + 0x1p-6, Double.POSITIVE_INFINITY, Double.NaN}, bf16);
    assertEquals((short) 0x3f80, Value.floatToBf16(1f));
    assertEquals(1f, Value.bf16ToFloat((short) 0x3f80));
  }

  @Test
  void storageTypesAcceptDataMovementOnly() {
    GraphBuilder b = new GraphBuilder();
    Node h = ph(b, DType.F16, 2, 3);
    Node idx = ph(b, DType.I32, 2);
    Node mask = ph(b, DType.BOOL, 2, 3);
    // data movement passes f16 through
    assertEquals(DType.F16, Emit.reshape(b, h, 3, 2).type().dtype());
    assertEquals(DType.F16, Emit.transpose(b, h).type().dtype());
    assertEquals(DType.F16, Emit.concat(b, 0, List.of(h, h)).type().dtype());
    assertEquals(DType.F16, Emit.slice(b, h, new int[] {0, 0}, new int[] {1, 2}).type().dtype());
    assertEquals(DType.F16, Emit.gather(b, h, idx).type().dtype());
    assertEquals(DType.F16, Emit.where(b, mask, h, h).type().dtype());
    assertEquals(DType.F32, Emit.cast(b, h, DType.F32).type().dtype());
    // arithmetic asks for a cast first
    assertShapeError("add: f16 is a storage type with no arithmetic, got f16[2, 3]; cast it to f32 first",
        () -> Emit.add(b, h, h));
    Node bf = ph(b, DType.BF16, 3, 2);
    assertShapeError("matMul: bf16 is a storage type with no arithmetic, got bf16[2, 3]; cast it to f32 first",
        () -> Emit.matmul(b, Emit.cast(b, h, DType.BF16), bf, false, false));
    assertShapeError("reduceSum: f16 is a storage type with no arithmetic, got f16[2, 3]; cast it to f32 first",
        () -> Emit.reduceSum(b, h, false));
  }

  @Test
  void dataMovementKeepsF16ValuesExactly() {
    Value h = of(DType.F16, dims(2, 2), 0.1, 65504, -0.0, 1e-5);
    Value moved = eval((b, x) -> Emit.transpose(b, Emit.reshape(b, x.get(0), 2, 2)), h);
    assertArrayEquals(new double[] {h.get(0), h.get(2), h.get(1), h.get(3)}, moved.data());
    assertEquals(DType.F16, moved.dtype());
  }
}
