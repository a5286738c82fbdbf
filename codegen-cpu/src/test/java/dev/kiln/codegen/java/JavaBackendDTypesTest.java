package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Every dtype on the Java backend against the interpreter, exactly: integer ops of every integer
 * width (wrapping on overflow), the full cast matrix on edge values, and f16/bf16 as storage.
 */
class JavaBackendDTypesTest {
  /** Every op whose shape rule takes integers, on {@code t}, over the type's whole range. */
  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"I64", "I32", "I16", "I8", "U8"})
  void everyIntegerOpMatchesTheInterpreterExactly(DType t) {
    Harness h = new Harness("Ints" + t.name());
    h.exact = true;
    Node a = h.input("a", t, "batch", 3);
    Node b = h.input("b", t, 3);
    Node d = h.input("d", t, "batch", 3); // a divisor: never zero
    h.shaping.put("d", v -> v == 0 || (t == DType.U8 && Math.floorMod((long) v, 256) == 0) ? 1 : v);
    Node e = h.input("e", t, 3); // a small exponent
    h.shaping.put("e", v -> Math.floorMod((long) v, 4));
    if (t == DType.I32 || t == DType.I64) {
      // wide types: large values, so i32 sums and products wrap; i64 products stay below 2^53,
      // where the interpreter's doubles are exact (beyond it the oracle itself rounds)
      double bound = t == DType.I32 ? Integer.MAX_VALUE : 1L << 46;
      h.shaping.put("a", v -> v * bound / 5);
    }
    Node mask = h.input("mask", DType.BOOL, "batch", 3);
    Node idx = h.input("idx", DType.I32, 2);
    h.shaping.put("idx", v -> Math.floorMod((long) v, 3));
    h.fetch("add", Emit.add(h.b, a, b));
    h.fetch("sub", Emit.sub(h.b, a, b));
    h.fetch("mul", Emit.mul(h.b, d, b));
    h.fetch("div", Emit.div(h.b, a, d));
    h.fetch("maximum", Emit.maximum(h.b, a, b));
    h.fetch("minimum", Emit.minimum(h.b, a, b));
    h.fetch("pow", Emit.pow(h.b, d, e));
    h.fetch("neg", Emit.neg(h.b, a));
    h.fetch("abs", Emit.abs(h.b, a));
    h.fetch("square", Emit.square(h.b, d));
    h.fetch("relu", Emit.relu(h.b, a));
    // a fused chain: each intermediate wraps to t before the next op reads it
    h.fetch("fused", Emit.neg(h.b, Emit.div(h.b, Emit.add(h.b, Emit.mul(h.b, a, b), b), d)));
    h.fetch("addConst", Emit.add(h.b, a, Emit.scalar(h.b, t, 100)));
    h.fetch("equal", Emit.equal(h.b, a, b));
    h.fetch("notEqual", Emit.notEqual(h.b, a, b));
    h.fetch("less", Emit.less(h.b, a, b));
    h.fetch("greater", Emit.greater(h.b, a, b));
    h.fetch("lessEqual", Emit.lessEqual(h.b, a, b));
    h.fetch("greaterEqual", Emit.greaterEqual(h.b, a, b));
    h.fetch("where", Emit.where(h.b, mask, a, d));
    h.fetch("sum", Emit.reduceSum(h.b, a, false, 0));
    h.fetch("sumAll", Emit.reduceSum(h.b, a, false));
    h.fetch("max", Emit.reduceMax(h.b, a, false, 1));
    h.fetch("min", Emit.reduceMin(h.b, a, true, 0));
    h.fetch("prod", Emit.reduceProd(h.b, d, false, 1));
    h.fetch("argmax", Emit.argmax(h.b, a, 1));
    h.fetch("argmin", Emit.argmin(h.b, a, 0));
    h.fetch("toF32", Emit.cast(h.b, a, DType.F32));
    h.fetch("fromF32", Emit.cast(h.b, Emit.mul(h.b, Emit.cast(h.b, a, DType.F32),
        Emit.scalar(h.b, DType.F32, 2.5)), t));
    h.fetch("reshape", Emit.reshape(h.b, a, Harness.shape("batch", 3, 1)));
    h.fetch("transpose", Emit.transpose(h.b, a));
    h.fetch("concat", Emit.concat(h.b, 1, List.of(a, d)));
    h.fetch("slice", Emit.slice(h.b, a, new int[] {0, 1}, new int[] {-1, 2}));
    h.fetch("gather", Emit.gather(h.b, Emit.reshape(h.b, b, 3, 1), idx));
    h.fetch("broadcastLike", Emit.broadcastLike(h.b, b, a));
    h.check(1, 6);
  }

  /** Edge values of the issue, and more: ties, the f16 overflow point, i32 saturation. */
  static final double[] EDGES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
      -0.0, 65504, 1e-8, 300, -129, 255, 256, 0.5, -1.5, 2.5, 65520, 3e9, -3e9, 1e20, 1 + 0x1p-8,
      1 + 0x3p-8, 127, 128, -128, 40000, 70000, 6e-8, -7.9};

  @Test
  void theFullCastMatrixMatchesTheInterpreterBitForBit() {
    Harness h = new Harness("Casts");
    h.exact = true;
    for (DType from : DType.values()) {
      String n = from.label();
      Node x = h.input(n, from, EDGES.length);
      h.fixed.put(n, EDGES);
      for (DType to : DType.values()) {
        h.fetch(n + "To" + to.name(), Emit.cast(h.b, x, to));
      }
    }
    assertEquals(100, h.fetches.size());
    h.check(1);
  }

  @Test
  void castsFollowTheDocumentedSemantics() {
    Harness h = new Harness("CastSemantics");
    Node x = h.input("x", DType.F32, 6);
    h.fetch("i8", Emit.cast(h.b, x, DType.I8));
    h.fetch("u8", Emit.cast(h.b, x, DType.U8));
    h.fetch("f16", Emit.cast(h.b, x, DType.F16));
    h.compile();
    NDArray in = NDArray.of(new float[] {300, -129, Float.NaN, 3e9f, 65520, 1e-8f}, 6);
    NDArray i8 = (NDArray) Harness.invoke(h.instance, "i8", in);
    NDArray u8 = (NDArray) Harness.invoke(h.instance, "u8", in);
    NDArray f16 = (NDArray) Harness.invoke(h.instance, "f16", in);
    // truncate to i32 (saturating, NaN 0), then wrap: (byte) 300 = 44, (byte) MAX_VALUE = -1
    assertEquals("[44, 127, 0, -1, -16, 0]", java.util.Arrays.toString(i8.bytes()));
    assertEquals(127, u8.elementAsDouble(1));
    assertEquals(Double.POSITIVE_INFINITY, f16.elementAsDouble(4));
    assertEquals(0.0, f16.elementAsDouble(5));
  }

  /** f16 and bf16: stored as 16 bits, moved without arithmetic, computed after a cast to f32. */
  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"F16", "BF16"})
  void storageTypesMoveDataAndComputeThroughF32(DType t) {
    Harness h = new Harness("Storage" + t.name());
    h.exact = true;
    Node x = h.input("x", t, "batch", 4);
    Node y = h.input("y", t, 4);
    Node mask = h.input("mask", DType.BOOL, "batch", 4);
    Node idx = h.input("idx", DType.I64, 3);
    h.shaping.put("idx", v -> Math.floorMod((long) v, 4));
    Node w = h.param("w", t, 4, 4);
    h.fetch("reshape", Emit.reshape(h.b, x, Harness.shape("batch", 2, 2)));
    h.fetch("transpose", Emit.transpose(h.b, x));
    h.fetch("concat", Emit.concat(h.b, 0, List.of(Emit.reshape(h.b, y, 1, 4), w)));
    h.fetch("slice", Emit.slice(h.b, x, new int[] {0, 1}, new int[] {-1, 2}));
    h.fetch("gather", Emit.gather(h.b, w, idx));
    h.fetch("where", Emit.where(h.b, mask, x, Emit.broadcastLike(h.b, y, x)));
    h.fetch("variable", w);
    // arithmetic: cast in, compute in f32, cast back (rounded to t on the way out)
    Node xf = Emit.cast(h.b, x, DType.F32);
    Node wf = Emit.cast(h.b, w, DType.F32);
    h.fetch("matmul", Emit.cast(h.b, Emit.matmul(h.b, xf, wf, false, false), t));
    h.fetch("scaled", Emit.cast(h.b, Emit.mul(h.b, xf, Emit.scalar(h.b, DType.F32, 1.0 / 3)), t));
    h.fetch("sum", Emit.cast(h.b, Emit.reduceSum(h.b, xf, false), t));
    h.fetch("otherHalf", Emit.cast(h.b, x, t == DType.F16 ? DType.BF16 : DType.F16));
    h.check(1, 3);
    String src = h.source;
    assertTrue(src.contains(t == DType.F16 ? "Float.floatToFloat16(" : "BFloat16.fromFloat("), src);
    Map<String, NDArray> vars = h.variables();
    assertEquals(t, vars.get("w").dtype());
  }

  @Test
  void narrowScalarsComeBackAsTheirJavaTypes() {
    Harness h = new Harness("NarrowScalars");
    Node a = h.input("a", DType.I8, 4);
    Node u = h.input("u", DType.U8, 4);
    Node s = h.input("s", DType.I16, 4);
    h.fetch("i8", Emit.reduceSum(h.b, a, false));
    h.fetch("u8", Emit.reduceMax(h.b, u, false));
    h.fetch("i16", Emit.reduceMin(h.b, s, false));
    h.fetch("f16", Emit.cast(h.b, Emit.reduceSum(h.b, Emit.cast(h.b, a, DType.F32), false), DType.F16));
    h.check(1);
    assertTrue(h.source.contains("public byte i8("), h.source);
    assertTrue(h.source.contains("public int u8("), h.source);
    assertTrue(h.source.contains("public short i16("), h.source);
    assertTrue(h.source.contains("public float f16("), h.source);
  }

  @Test
  void largeNarrowConstantsTravelAsBase64() {
    Harness h = new Harness("NarrowConstants");
    Node a = h.input("a", DType.U8, 300);
    double[] values = new double[300];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 7 % 256;
    }
    Node c = Emit.constant(h.b, DType.U8, Shape.of(300), values);
    h.fetch("sum", Emit.add(h.b, a, c));
    Node half = Emit.constant(h.b, DType.F16, Shape.of(300), values);
    h.fetch("half", Emit.cast(h.b, half, DType.F32));
    h.exact = true;
    h.check(1);
    assertTrue(h.source.contains("decodeBytes"), h.source);
    assertTrue(h.source.contains("decodeShorts"), h.source);
  }
}
