package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ops of the op-coverage issue on the Java backend, against the reference interpreter, with
 * symbolic dimensions wherever the op allows them.
 */
class JavaBackendShapeOpsTest {
  /** One model holding every new op once: what JavaBackendOpsTest's completeness check relies on. */
  static Harness everyNewOp() {
    Harness h = new Harness("NewOps");
    Node x = h.input("x", DType.F32, "batch", 3);
    Node pos = h.input("pos", DType.F32, "batch", 3);
    h.shaping.put("pos", v -> Math.abs(v) + 0.1);
    Node mask = h.input("mask", DType.BOOL, "batch", 3);
    Node sq = h.input("sq", DType.F64, 3, 3);
    h.shaping.put("sq", v -> v); // random normal: almost surely invertible
    Node idx = h.input("idx", DType.I64, "batch", 2);
    h.shaping.put("idx", v -> Math.floorMod((long) v, 4));
    Node table = h.input("table", DType.F32, 4, 3);
    h.fetch("pow", Emit.pow(h.b, pos, x));
    h.fetch("rsqrt", Emit.rsqrt(h.b, pos));
    h.fetch("leakyRelu", Emit.leakyRelu(h.b, x, 0.2));
    h.fetch("softplus", Emit.softplus(h.b, x));
    h.fetch("and", Emit.logicalAnd(h.b, mask, Emit.less(h.b, x, pos)));
    h.fetch("or", Emit.logicalOr(h.b, mask, Emit.lessEqual(h.b, x, pos)));
    h.fetch("not", Emit.logicalNot(h.b, Emit.greaterEqual(h.b, x, pos)));
    h.fetch("where", Emit.where(h.b, mask, x, pos));
    Node x3 = Emit.reshape(h.b, Emit.concat(h.b, 1, List.of(x, pos)), Harness.shape("batch", 2, 3));
    h.fetch("batchMatMul", Emit.matmul(h.b, x3, x3, false, true));
    h.fetch("transpose", Emit.permute(h.b, x3, 2, 0, 1));
    h.fetch("inverse", Emit.matrixInverse(h.b, sq));
    h.fetch("slice", Emit.slice(h.b, x, new int[] {0, 1}, new int[] {-1, 2}));
    h.fetch("unslice", Emit.unslice(h.b, Emit.slice(h.b, x, new int[] {0, 1}, new int[] {-1, 1}), x,
        new int[] {0, 1}));
    h.fetch("gather", Emit.gather(h.b, table, idx));
    h.fetch("scatterAdd", Emit.scatterAdd(h.b, Emit.gather(h.b, table, idx), idx, table));
    h.fetch("shape", Emit.shape(h.b, idx));
    h.fetch("prod", Emit.reduceProd(h.b, x, false, 1));
    h.fetch("min", Emit.reduceMin(h.b, x, true, 0));
    h.fetch("argmin", Emit.argmin(h.b, x, 1));
    return h;
  }

  @Test
  void everyNewOpMatchesTheInterpreter() {
    everyNewOp().check(1, 4);
  }

  @Test
  void elementwiseOnF64AndIntegers() {
    Harness h = new Harness("Elementwise2");
    Node d = h.input("d", DType.F64, "n", 4);
    h.shaping.put("d", v -> v * 40); // softplus far out on both sides
    Node e = h.input("e", DType.F64, 4);
    h.fetch("softplus", Emit.softplus(h.b, d));
    h.fetch("leaky", Emit.leakyRelu(h.b, d, 0.01));
    h.fetch("powAbs", Emit.pow(h.b, Emit.abs(h.b, d), e));
    Node i = h.input("i", DType.I32, "n", 4);
    Node j = h.input("j", DType.I32, 4);
    h.shaping.put("j", v -> Math.abs(v) % 3);
    h.fetch("powInt", Emit.pow(h.b, i, j));
    h.fetch("leInt", Emit.lessEqual(h.b, i, j));
    h.fetch("whereInt", Emit.where(h.b, Emit.greater(h.b, i, j), i, j));
    Node p = h.input("p", DType.BOOL, "n", 4);
    Node q = h.input("q", DType.BOOL, 4);
    h.fetch("leBool", Emit.lessEqual(h.b, p, q));
    h.fetch("geBool", Emit.greaterEqual(h.b, p, q));
    h.check(1, 5);
  }

  @Test
  void matricesWithSymbolicBatch() {
    Harness h = new Harness("Matrices2");
    Node a = h.input("a", DType.F32, "batch", 3, 4);
    Node at = h.input("at", DType.F32, "batch", 4, 3);
    Node b = h.input("b", DType.F32, "batch", 4, 2);
    Node bt = h.input("bt", DType.F32, "batch", 2, 4);
    h.fetch("nn", Emit.matmul(h.b, a, b, false, false));
    h.fetch("tn", Emit.matmul(h.b, at, b, true, false));
    h.fetch("nt", Emit.matmul(h.b, a, bt, false, true));
    h.fetch("tt", Emit.matmul(h.b, at, bt, true, true));
    h.fetch("perm", Emit.permute(h.b, a, 1, 2, 0));
    h.fetch("t2", Emit.transpose(h.b, h.input("m", DType.F64, "rows", 5)));
    h.fetch("inv", Emit.matrixInverse(h.b, h.input("sq", DType.F32, 4, 4)));
    h.check(1, 3);
  }

  @Test
  void singularMatrixGivesNonFiniteValues() {
    Harness h = new Harness("Singular");
    h.fetch("inv", Emit.matrixInverse(h.b, h.input("sq", DType.F64, 2, 2))).compile();
    NDArray singular = NDArray.zeros(DType.F64, 2, 2);
    NDArray inv = (NDArray) Harness.invoke(h.instance, "inv", singular);
    assertTrue(!Double.isFinite(inv.doubles()[0]), java.util.Arrays.toString(inv.doubles()));
  }

  @Test
  void shapeOpsWithSymbolicDims() {
    Harness h = new Harness("ShapeOps2");
    Node x = h.input("x", DType.F32, "batch", 4, 3);
    Node y = h.input("y", DType.F32, "batch", 2, 3);
    Node xi = h.input("xi", DType.I32, "batch", 4);
    h.fetch("concat1", Emit.concat(h.b, 1, List.of(x, y, x)));
    h.fetch("concatLast", Emit.concat(h.b, -1, List.of(x, x)));
    h.fetch("concatInts", Emit.concat(h.b, 1, List.of(xi, xi)));
    h.fetch("stack", Emit.stack(h.b, 1, List.of(x, x, x)));
    List<Node> parts = Emit.splitEvenly(h.b, x, 2, 1);
    h.fetch("part0", parts.get(0));
    h.fetch("part1", parts.get(1));
    h.fetch("sliceMid", Emit.slice(h.b, x, new int[] {0, 1, 1}, new int[] {-1, 2, 1}));
    h.fetch("unslice", Emit.unslice(h.b, y, x, new int[] {0, 1, 0}));
    h.fetch("squeeze", Emit.squeeze(h.b, Emit.expandDims(h.b, x, 1), 1));
    h.fetch("shape", Emit.shape(h.b, x));
    h.fetch("oneHot", Emit.oneHot(h.b, xi, 5));
    h.check(1, 3);
  }

  @Test
  void gatherWithBatchTimeIndicesAndScatterAccumulates() {
    Harness h = new Harness("Embedding");
    Node table = h.param("table", DType.F32, 6, 4);
    Node tokens = h.input("tokens", DType.I64, "batch", "time");
    h.shaping.put("tokens", v -> Math.floorMod((long) v, 3)); // only rows 0..2: many repeats
    Node emb = Emit.gather(h.b, table, tokens);
    h.fetch("emb", emb);
    h.fetch("grad", Emit.scatterAdd(h.b, emb, tokens, table));
    Node ids = h.input("ids", DType.I32, 5);
    h.shaping.put("ids", v -> Math.floorMod((long) v, 2));
    Node vec = h.input("vec", DType.F64, 7);
    h.fetch("gather1", Emit.gather(h.b, vec, ids));
    h.fetch("scatterInts", Emit.scatterAdd(h.b, ids, ids, Emit.constant(h.b, DType.I32, Shape.of(2), 0)));
    h.check(1, 4);
    // Repeated indices accumulate in the generated kernel too: row 1 gathered three times.
    NDArray tok = NDArray.zeros(DType.I64, 1, 4);
    tok.longs()[0] = 1;
    tok.longs()[1] = 1;
    tok.longs()[2] = 1;
    NDArray g = (NDArray) Harness.invoke(h.instance, "grad", tok);
    float[] t = h.variables().get("table").floats();
    assertEquals(3 * t[4], g.floats()[4], 1e-5);
    assertEquals(t[0], g.floats()[0], 1e-6);
    assertEquals(0, g.floats()[8]);
    // An index outside the table is an IndexOutOfBoundsException naming the op.
    tok.longs()[3] = 6;
    AssertionError e = assertThrows(AssertionError.class, () -> Harness.invoke(h.instance, "emb", tok));
    assertEquals("gather: index 6 is out of range for a table of 6 rows", e.getCause().getMessage());
  }

  @Test
  void reductionsOverEveryAxisBothKeepDims() {
    Harness h = new Harness("Reductions2");
    Node x = h.input("x", DType.F32, "batch", 3, 4);
    h.shaping.put("x", v -> 1 + v / 4); // products of moderate size
    Node xi = h.input("xi", DType.I64, "batch", 3, 4);
    h.shaping.put("xi", v -> Math.floorMod((long) v, 3));
    int[][] axesList = {{0}, {1}, {-1}, {0, 2}, {}};
    int k = 0;
    for (int[] axes : axesList) {
      for (boolean keep : new boolean[] {false, true}) {
        h.fetch("prod" + k, Emit.reduceProd(h.b, x, keep, axes));
        h.fetch("min" + k, Emit.reduceMin(h.b, x, keep, axes));
        h.fetch("iprod" + k, Emit.reduceProd(h.b, xi, keep, axes));
        h.fetch("imin" + k, Emit.reduceMin(h.b, xi, keep, axes));
        k++;
      }
    }
    for (int axis : new int[] {0, 1, 2, -1}) {
      h.fetch("argmin" + (axis + 1), Emit.argmin(h.b, x, axis));
      h.fetch("iargmin" + (axis + 1), Emit.argmin(h.b, xi, axis));
    }
    h.check(1, 4);
  }
}
