package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.*;

import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CommonSubexpressionEliminationTest {
  @Test
  void duplicatedSubexpressionBecomesOneCopy() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(Dim.symbol("batch"), Dim.of(4)));
    Node w = Emit.variable(b, "w", DType.F64, Shape.of(4, 3), "zeros");
    Node bias = Emit.variable(b, "b", DType.F64, Shape.of(3), "zeros");
    Node s1 = Emit.softmax(b, Emit.add(b, Emit.matmul(b, x, w, false, false), bias));
    Node s2 = Emit.softmax(b, Emit.add(b, Emit.matmul(b, x, w, false, false), bias));
    Node sum = Emit.add(b, s1, s2);
    assertEquals(10, b.graph().size());

    Rebuilder.Result r = CommonSubexpressionElimination.apply(b.graph());

    // x, w, b, MatMul, Add, Softmax, Add(s, s)
    assertEquals(7, r.graph().size());
    assertSame(r.map(s1), r.map(s2));
    Node out = r.map(sum);
    assertSame(out.input(0), out.input(1));
    assertEquals(sum.name(), out.name());
    assertEquals("Softmax", r.map(s2).name());
  }

  @Test
  void differentAttributesOrSourcesDoNotMerge() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(2, 3));
    Node y = Emit.placeholder(b, "y", DType.F64, Shape.of(2, 3));
    Node s0 = Emit.reduceSum(b, x, false, 0);
    Node s1 = Emit.reduceSum(b, x, false, 1);
    Node s1again = Emit.reduceSum(b, x, false, 1);
    Node ey = Emit.exp(b, y);
    Node ex = Emit.exp(b, x);
    Node c1 = Emit.scalar(b, DType.F64, 2);
    Node c2 = Emit.scalar(b, DType.F64, 2);
    Node c3 = Emit.scalar(b, DType.F64, 3);

    Rebuilder.Result r = CommonSubexpressionElimination.apply(b.graph());

    assertNotSame(r.map(x), r.map(y));
    assertNotSame(r.map(s0), r.map(s1));
    assertSame(r.map(s1), r.map(s1again));
    assertNotSame(r.map(ex), r.map(ey));
    assertSame(r.map(c1), r.map(c2));
    assertNotSame(r.map(c1), r.map(c3));
    assertEquals(b.graph().size() - 2, r.graph().size());
  }

  @Test
  void mergingKeepsValues() {
    GraphBuilder b = new GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(2, 3));
    Node a = Emit.mul(b, Emit.exp(b, x), Emit.exp(b, x));
    Node c = Emit.sub(b, a, Emit.square(b, Emit.exp(b, x)));
    Rebuilder.Result r = CommonSubexpressionElimination.apply(b.graph());
    Map<String, Value> feeds = Map.of("x", Models.random(new Random(1), 2, 3));
    Models.assertClose(Models.eval(c, feeds, Map.of()), Models.eval(r.map(c), feeds, Map.of()), 0, 1e-12);
    assertTrue(r.graph().size() < b.graph().size());
  }
}
