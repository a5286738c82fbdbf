package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.ControlFlow;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model with a run-time loop goes through the whole pipeline: CSE, autodiff, prune, export. */
class ControlFlowPipelineTest {
  @Test
  void rnnLossTrainsThroughThePipelineWithNumericGradients() {
    GraphBuilder b = new GraphBuilder();
    Shape seq = Shape.of(Dim.symbol("time"), Dim.symbol("batch"), Dim.of(3));
    Node xs = Emit.placeholder(b, "xs", DType.F64, seq);
    Node w = Emit.variable(b, "w", DType.F64, Shape.of(3, 3), "zeros");
    Node h0 = Emit.broadcastLike(b, Emit.scalar(b, DType.F64, 0), ControlFlow.at(b, xs, Emit.scalar(b, DType.I32, 0)), 0, 1);
    Node steps = ControlFlow.length(b, xs);
    Node h = ControlFlow.whileLoop(b, null, List.of(Emit.scalar(b, DType.I32, 0), h0),
        (r, v) -> Emit.less(r.builder(), v.get(0), r.read(steps)),
        (r, v) -> {
          GraphBuilder rb = r.builder();
          Node xt = ControlFlow.at(rb, r.read(xs), v.get(0));
          Node next = Emit.tanh(rb, Emit.add(rb, Emit.matmul(rb, v.get(1), r.read(w), false, false), xt));
          return List.of(Emit.add(rb, v.get(0), Emit.scalar(rb, DType.I32, 1)), next);
        }).get(1);
    Node loss = Emit.reduceMean(b, Emit.square(b, h), false);
    ModelSpec spec = new ModelSpec("p", "Rnn", b.graph(), List.of(xs), List.of(w),
        List.of(new ModelSpec.Named("state", h)), List.of(new ModelSpec.Named("loss", loss)));
    CompiledModel m = KilnCompiler.compile(spec);
    EntryPoint train = m.entryPoints().stream().filter(e -> e.kind() == EntryPoint.Kind.TRAIN).findFirst().orElseThrow();
    Node wNew = m.params().getFirst();
    Node grad = train.gradients().get(wNew);
    assertTrue(train.schedule().stream().anyMatch(n -> n.op().name().equals("While")));
    assertTrue(GraphExport.json(m).contains("While"));

    Value wv = new Value(DType.F64, new int[] {3, 3}, new double[] {0.3, -0.2, 0.1, 0.5, 0.4, -0.6, 0.2, 0.1, 0.7});
    Value xv = new Value(DType.F64, new int[] {5, 2, 3}, new java.util.SplittableRandom(3).doubles(30, -1, 1).toArray());
    Map<String, Value> feeds = Map.of("xs", xv);
    Value analytic = new Interpreter(feeds, Map.of("w", wv)).run(grad);
    for (int j = 0; j < 9; j++) {
      double[] plus = wv.data().clone();
      double[] minus = wv.data().clone();
      plus[j] += 1e-6;
      minus[j] -= 1e-6;
      Map<String, Value> vp = new HashMap<>(Map.of("w", new Value(DType.F64, new int[] {3, 3}, plus)));
      Map<String, Value> vm = new HashMap<>(Map.of("w", new Value(DType.F64, new int[] {3, 3}, minus)));
      double numeric = (new Interpreter(feeds, vp).run(train.output()).get(0)
          - new Interpreter(feeds, vm).run(train.output()).get(0)) / 2e-6;
      assertEquals(numeric, analytic.get(j), 1e-6 + 1e-5 * Math.abs(numeric), "d loss / d w[" + j + "]");
    }
  }
}
