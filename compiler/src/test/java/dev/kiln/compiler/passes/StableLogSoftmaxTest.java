package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.*;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.ops.StandardOps;
import dev.kiln.dsl.DType;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StableLogSoftmaxTest {
  private static long count(Rebuilder.Result r, String op) {
    return r.graph().nodes().stream().filter(n -> n.op().name().equals(op)).count();
  }

  @Test
  void rewritesAndDropsSoftmaxWithoutOtherUsers() {
    Models.Softmax m = new Models.Softmax();
    Rebuilder.Result r = StableLogSoftmax.apply(m.b.graph(), List.of(m.loss));
    assertEquals(1, count(r, "LogSoftmax"));
    assertEquals(0, count(r, "Log"));
    assertEquals(1, count(r, "Softmax"), "only the estimates' Softmax remains");
    Node logSoftmax = r.graph().nodes().stream()
        .filter(n -> n.op() == StandardOps.LOG_SOFTMAX).findFirst().orElseThrow();
    assertEquals("loss", logSoftmax.scope());

    Random rnd = new Random(7);
    Map<String, Value> feeds = Map.of("examples", Models.random(rnd, 5, 4), "labels", Models.oneHot(rnd, 5, 3));
    Map<String, Value> vars = Map.of("weights", Models.random(rnd, 4, 3), "bias", Models.random(rnd, 3));
    Models.assertClose(Models.eval(m.loss, feeds, vars), Models.eval(r.map(m.loss), feeds, vars), 1e-12, 1e-12);
    Models.assertClose(
        Models.eval(m.estimates, feeds, vars), Models.eval(r.map(m.estimates), feeds, vars), 1e-12, 1e-12);
  }

  @Test
  void keepsSoftmaxWithOtherUsers() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(2, 3));
    Node s = Emit.softmax(b, x);
    Node l = Emit.log(b, s);
    Node out = Emit.add(b, l, s);
    Rebuilder.Result r = StableLogSoftmax.apply(b.graph());
    assertEquals(1, count(r, "Softmax"));
    assertEquals(1, count(r, "LogSoftmax"));
    assertSame(StandardOps.LOG_SOFTMAX, r.map(l).op());
    Map<String, Value> feeds = Map.of("x", Models.random(new Random(3), 2, 3));
    Models.assertClose(Models.eval(out, feeds, Map.of()), Models.eval(r.map(out), feeds, Map.of()), 1e-12, 1e-12);
  }

  @Test
  void softmaxFetchedFromOutsideIsKept() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(2, 3));
    Node s = Emit.softmax(b, x);
    Node l = Emit.log(b, s);
    Rebuilder.Result r = StableLogSoftmax.apply(b.graph(), List.of(s, l));
    assertSame(StandardOps.SOFTMAX, r.map(s).op());
    assertSame(StandardOps.LOG_SOFTMAX, r.map(l).op());
    assertFalse(r.mapping().containsKey(s) && r.map(s) == r.map(l));
  }

  @Test
  void stableWhereNaiveUnderflows() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(1, 2));
    Node l = Emit.log(b, Emit.softmax(b, x));
    Rebuilder.Result r = StableLogSoftmax.apply(b.graph());
    Map<String, Value> feeds = Map.of("x", Value.of(DType.F64, new int[] {1, 2}, 0, 1000));
    assertEquals(Double.NEGATIVE_INFINITY, Models.eval(l, feeds, Map.of()).get(0));
    assertEquals(-1000, Models.eval(r.map(l), feeds, Map.of()).get(0), 1e-9);
  }
}
