package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCostTest {

  /** x f32[batch,4] · w [4,3] → relu → reduceSum, fetched. */
  private static EntryPoint chain(GraphBuilder b) {
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(Dim.symbol("batch"), Dim.of(4)));
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(4, 3), "zeros");
    Node a = Emit.matmul(b, x, w, false, false);
    Node r = Emit.relu(b, a);
    Node s = Emit.reduceSum(b, r, false);
    return new EntryPoint("f", EntryPoint.Kind.FETCH, List.of(x), s, Map.of(), List.of(x, w, a, r, s));
  }

  @Test
  void countsMatmulAsTwoFlopsPerMultiplyAddAndOthersPerElement() {
    GraphBuilder b = new GraphBuilder();
    EntryPoint e = chain(b);
    List<Node> s = e.schedule();
    assertEquals(0, ModelCost.flops(s.get(0), 100), "a placeholder computes nothing");
    assertEquals(2 * 100 * 3 * 4, ModelCost.flops(s.get(2), 100), "matmul [100,4]x[4,3]");
    assertEquals(100 * 3, ModelCost.flops(s.get(3), 100), "relu, one per element written");
    assertEquals(100 * 3, ModelCost.flops(s.get(4), 100), "reduceSum, one per element read");
    assertEquals(2 * 7 * 3 * 4, ModelCost.flops(s.get(2), 7), "batch taken as the given size");
  }

  @Test
  void countsConvolutionsByOutputElementsTimesWindow() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(1, 5, 5, 2));
    Node w = Emit.variable(b, "w", DType.F32, Shape.of(3, 3, 2, 4), "zeros");
    Node y = Emit.conv2d(b, x, w, new int[] {1, 1}, "VALID"); // [1, 3, 3, 4]
    assertEquals(Shape.of(1, 3, 3, 4), y.shape());
    assertEquals(2L * 36 * (3 * 3 * 2), ModelCost.flops(y, 100));
  }

  @Test
  void peakMemoryIsTheLargestSetOfLiveIntermediates() {
    GraphBuilder b = new GraphBuilder();
    EntryPoint e = chain(b);
    // matmul result (100·3 f32 = 1200 B) is live while relu writes its own 1200 B; then it is
    // freed, and the 4-byte sum joins the relu output: the peak is 2400 B.
    assertEquals(2400, PeakMemory.peakBytes(e, 100));
    assertEquals(2 * 10 * 3 * 4, PeakMemory.peakBytes(e, 10));
  }

  @Test
  void resultsStayLiveToTheEnd() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(10));
    Node big = Emit.relu(b, x); // 40 B, a result: never freed
    Node small = Emit.reduceSum(b, x, false); // 4 B
    Node other = Emit.relu(b, small);
    EntryPoint e = new EntryPoint("t", EntryPoint.Kind.FETCH, List.of(x), other, Map.of(x, big),
        List.of(x, big, small, other));
    assertEquals(40 + 4 + 4, PeakMemory.peakBytes(e, 1));
  }

  @Test
  void reportsParamsAndPerEntryCostsOfACompiledModel() {
    CompiledModel m = KilnCompiler.compile(new Models.Softmax().spec());
    ModelCost.Report r = ModelCost.of(m);
    assertEquals(100, r.symbolicSize());
    assertEquals(4 * 3 + 3, r.params().trainable());
    assertEquals(0, r.params().state());
    assertEquals((4 * 3 + 3) * 8, r.params().variableBytes());
    ModelCost.EntryCost train = r.entries().stream().filter(c -> c.kind() == EntryPoint.Kind.TRAIN).findFirst().orElseThrow();
    ModelCost.EntryCost estimates = r.entries().stream().filter(c -> c.name().equals("estimates")).findFirst().orElseThrow();
    assertTrue(estimates.flops() >= 2 * 100 * 4 * 3, "at least the forward matmul: " + estimates.flops());
    assertTrue(train.flops() > 2 * estimates.flops() - 1, "a training step also runs the gradient matmul: "
        + train.flops() + " vs " + estimates.flops());
    assertTrue(train.peakBytes() >= 100 * 3 * 8, "at least one [batch,3] f64 intermediate: " + train.peakBytes());
  }
}
