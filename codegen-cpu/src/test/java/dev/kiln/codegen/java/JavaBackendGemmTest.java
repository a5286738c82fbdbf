package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import org.junit.jupiter.api.Test;

/**
 * f32 products go through the runtime's Gemm: shapes big enough for its blocked and narrow
 * (transposed) paths, batched and not, against the interpreter. Small shapes are in
 * JavaBackendOpsTest and JavaBackendShapeOpsTest.
 */
class JavaBackendGemmTest {
  @Test
  void batchedProductsInEveryTranspositionMatch() {
    Harness h = new Harness("BatchedGemms");
    Node a = h.input("a", DType.F32, "batch", 37, 70);
    Node at = h.input("at", DType.F32, "batch", 70, 37);
    Node b = h.input("b", DType.F32, "batch", 70, 40);
    Node bt = h.input("bt", DType.F32, "batch", 40, 70);
    h.fetch("nn", Emit.matmul(h.b, a, b, false, false));
    h.fetch("tn", Emit.matmul(h.b, at, b, true, false));
    h.fetch("nt", Emit.matmul(h.b, a, bt, false, true));
    h.fetch("tt", Emit.matmul(h.b, at, bt, true, true));
    h.check(1, 3);
    assertTrue(h.source.contains("dev.kiln.runtime.kernels.Gemm.sgemm("), "f32 products call Gemm");
  }

  /** A classifier's logits and their gradients: n = 10 runs transposed, k = 10 runs short. */
  @Test
  void narrowProductsOfAClassifierLayerMatch() {
    Harness h = new Harness("NarrowGemms");
    Node x = h.input("x", DType.F32, "rows", 300);
    Node w = h.param("w", DType.F32, 300, 10);
    Node dy = h.input("dy", DType.F32, "rows", 10);
    h.fetch("logits", Emit.matmul(h.b, x, w, false, false));
    h.fetch("gradW", Emit.matmul(h.b, x, dy, true, false));
    h.fetch("gradX", Emit.matmul(h.b, dy, w, false, true));
    h.check(1, 7, 100);
  }
}
