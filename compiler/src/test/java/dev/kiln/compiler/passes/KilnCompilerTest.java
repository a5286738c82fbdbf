package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.*;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.StandardOps;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KilnCompilerTest {
  @Test
  void mnistLikeModelCompilesToItsEntryPoints() {
    Models.Softmax m = new Models.Softmax();
    ModelSpec spec = m.spec();
    KilnCompiler.Compilation c = KilnCompiler.compileWithReport(spec);
    CompiledModel model = c.model();

    assertEquals("MnistLike", model.simpleName());
    assertEquals(List.of("examples", "labels"),
        model.inputs().stream().map(n -> n.attrs().<String>get("name")).toList());
    assertEquals(List.of("weights", "bias"),
        model.params().stream().map(n -> n.attrs().<String>get("name")).toList());
    for (Node n : model.params()) {
      assertSame(StandardOps.VARIABLE, n.op());
      assertSame(n, model.graph().node(n.id()));
    }

    List<EntryPoint> eps = model.entryPoints();
    assertEquals(List.of("estimates", "accuracy", "loss", "loss"), eps.stream().map(EntryPoint::name).toList());
    assertEquals(List.of(EntryPoint.Kind.FETCH, EntryPoint.Kind.FETCH, EntryPoint.Kind.FETCH, EntryPoint.Kind.TRAIN),
        eps.stream().map(EntryPoint::kind).toList());
    Node x = model.inputs().get(0);
    Node y = model.inputs().get(1);
    assertEquals(List.of(x), eps.get(0).inputs(), "estimates must not require labels");
    assertEquals(List.of(x, y), eps.get(1).inputs());
    assertEquals(List.of(x, y), eps.get(2).inputs());
    assertEquals(List.of(x, y), eps.get(3).inputs());
    assertTrue(eps.get(2).gradients().isEmpty());

    EntryPoint train = eps.get(3);
    assertSame(eps.get(2).output(), train.output());
    assertEquals(model.params(), List.copyOf(train.gradients().keySet()));
    for (var g : train.gradients().entrySet()) {
      assertEquals(g.getKey().type(), g.getValue().type());
      assertTrue(train.schedule().contains(g.getValue()));
    }
    assertTrue(train.schedule().contains(train.output()));
    assertFalse(eps.get(2).schedule().stream().anyMatch(n -> n.name().startsWith("gradients")),
        "the loss fetch computes no gradients");

    // Every schedule is a closure of the one graph, in order.
    for (EntryPoint e : eps) {
      var set = new HashSet<>(e.schedule());
      for (int i = 0; i < e.schedule().size(); i++) {
        Node n = e.schedule().get(i);
        assertSame(n, model.graph().node(n.id()));
        assertTrue(i == 0 || e.schedule().get(i - 1).id() < n.id());
        assertTrue(set.containsAll(n.inputs()), n.name());
      }
    }

    // The three copies of logits were merged; the loss uses the stable LogSoftmax.
    assertEquals(1, model.graph().nodes().stream().filter(n -> n.op() == StandardOps.MATMUL
        && !n.name().startsWith("gradients")).count());
    assertEquals(0, model.graph().nodes().stream().filter(n -> n.op() == StandardOps.LOG).count());
    assertEquals(1, model.graph().nodes().stream().filter(n -> n.op() == StandardOps.LOG_SOFTMAX).count());

    KilnCompiler.Report r = c.report();
    assertEquals(spec.graph().size(), r.original());
    assertTrue(r.mergedBeforeAutodiff() >= 4, r.toString());
    assertTrue(r.afterAutodiff() > r.afterCse());
    assertEquals(model.graph().size(), r.optimized());
    assertTrue(r.toString().contains("common-subgraph elimination"));

    // Numbers: same values as the source graph; gradients match central differences.
    Random rnd = new Random(11);
    Map<String, Value> feeds = Map.of("examples", Models.random(rnd, 5, 4), "labels", Models.oneHot(rnd, 5, 3));
    Map<String, Value> vars = Map.of("weights", Models.random(rnd, 4, 3), "bias", Models.random(rnd, 3));
    Models.assertClose(Models.eval(m.estimates, feeds, vars), Models.eval(eps.get(0).output(), feeds, vars), 1e-12, 1e-12);
    Models.assertClose(Models.eval(m.accuracy, feeds, vars), Models.eval(eps.get(1).output(), feeds, vars), 0, 0);
    Models.assertClose(Models.eval(m.loss, feeds, vars), Models.eval(train.output(), feeds, vars), 1e-12, 1e-12);
    Map<Node, Value> got = new Interpreter(feeds, vars).run(new ArrayList<>(train.gradients().values()));
    Models.assertClose(AutodiffTest.numeric(m.loss, feeds, vars, "weights"),
        got.get(train.gradients().get(model.params().get(0))), 1e-5, 1e-8);
    Models.assertClose(AutodiffTest.numeric(m.loss, feeds, vars, "bias"),
        got.get(train.gradients().get(model.params().get(1))), 1e-5, 1e-8);
  }

  @Test
  void fetchPrunedScheduleNeedsOnlyItsFeeds() {
    Models.Softmax m = new Models.Softmax();
    CompiledModel model = KilnCompiler.compile(m.spec());
    EntryPoint estimates = model.entryPoints().get(0);
    Random rnd = new Random(5);
    Map<String, Value> feeds = Map.of("examples", Models.random(rnd, 2, 4)); // no labels fed
    Map<String, Value> vars = Map.of("weights", Models.random(rnd, 4, 3), "bias", Models.random(rnd, 3));
    Value v = new Interpreter(feeds, vars).run(estimates.output());
    assertArrayEquals(new int[] {2, 3}, v.shape());
  }

  @Test
  void twoLossesAndAFrozenParameter() {
    Models.Softmax m = new Models.Softmax();
    var b = m.b;
    Node frozen = b.apply(StandardOps.VARIABLE, m.w.attrs().with("name", "frozen").with("trainable", false));
    b.pushScope("l2");
    Node l2 = dev.kiln.compiler.ops.Emit.reduceSum(b, dev.kiln.compiler.ops.Emit.square(b,
        dev.kiln.compiler.ops.Emit.add(b, m.w, frozen)), false);
    b.popScope();
    ModelSpec spec = new ModelSpec("", "Two", b.graph(), List.of(m.x, m.y), List.of(m.w, m.bias, frozen),
        List.of(), List.of(new ModelSpec.Named("loss", m.loss), new ModelSpec.Named("l2", l2)));
    CompiledModel model = KilnCompiler.compile(spec);
    assertEquals(3, model.params().size());
    List<EntryPoint> eps = model.entryPoints();
    assertEquals(List.of("loss", "loss", "l2", "l2"), eps.stream().map(EntryPoint::name).toList());
    EntryPoint trainL2 = eps.get(3);
    assertEquals(EntryPoint.Kind.TRAIN, trainL2.kind());
    assertEquals(List.of(), trainL2.inputs(), "l2 needs no feeds");
    assertEquals(model.params().subList(0, 2), List.copyOf(trainL2.gradients().keySet()));
    assertTrue(trainL2.gradients().get(model.params().get(0)).name().startsWith("gradients_l2/"));
    assertTrue(eps.get(1).gradients().get(model.params().get(0)).name().startsWith("gradients_loss/"));
    // bias does not influence l2: its gradient is zeros.
    Value zero = new Interpreter(Map.of(), Map.of()).run(trainL2.gradients().get(model.params().get(1)));
    assertEquals(Value.zeros(dev.kiln.dsl.DType.F64, 3), zero);
    Random rnd = new Random(9);
    Value w = Models.random(rnd, 4, 3);
    Value f = Models.random(rnd, 4, 3);
    Value g = new Interpreter(Map.of(), Map.of("weights", w, "frozen", f, "bias", Models.random(rnd, 3)))
        .run(trainL2.gradients().get(model.params().get(0)));
    for (int i = 0; i < 12; i++) {
      assertEquals(2 * (w.get(i) + f.get(i)), g.get(i), 1e-12);
    }
  }

  @Test
  void nonScalarLossIsRejected() {
    Models.Softmax m = new Models.Softmax();
    ModelSpec spec = new ModelSpec("", "Bad", m.b.graph(), List.of(m.x, m.y), List.of(m.w, m.bias),
        List.of(), List.of(new ModelSpec.Named("loss", m.estimates)));
    ShapeError e = assertThrows(ShapeError.class, () -> KilnCompiler.compile(spec));
    assertTrue(e.getMessage().contains("must be a floating-point scalar, got f64[batch, 3]"), e.getMessage());
  }
}
