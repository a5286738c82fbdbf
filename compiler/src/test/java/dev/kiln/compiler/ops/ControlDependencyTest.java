package dev.kiln.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.dsl.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlDependencyTest {
  @Test
  void resultIsTheValueAndTheDepsRunBeforeItIsReturned() {
    GraphBuilder b = new GraphBuilder();
    Node step = Emit.stateVariable(b, "step", DType.F32, Shape.SCALAR, "zeros");
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(3));
    Node y = Emit.withDependencies(b, Emit.exp(b, x), List.of(Emit.assignAdd(b, step, Emit.scalar(b, DType.F32, 1))));
    assertEquals(x.type(), y.type());

    Map<String, Value> vars = Map.of("step", Value.scalar(DType.F32, 0));
    Value fed = Value.of(DType.F32, new int[] {3}, 0, 1, 2);
    for (int run = 1; run <= 3; run++) {
      Interpreter in = new Interpreter(Map.of("x", fed), vars);
      Value out = in.run(y);
      assertEquals((float) Math.exp(2), out.get(2));
      vars = in.variables();
      assertEquals(run, vars.get("step").get(0), "the dependency ran once per fetch");
    }
  }

  @Test
  void gradientFlowsToTheValueOnly() {
    GradientCheck.check((b, xs) -> Emit.withDependencies(b, Emit.square(b, xs.get(0)),
        List.of(Emit.exp(b, xs.get(1)))),
        GradientCheck.uniform(1, -1, 1, 2, 3), GradientCheck.uniform(2, -1, 1, 4));
    GraphBuilder b = new GraphBuilder();
    Node v = Emit.placeholder(b, "v", DType.F64, Shape.of(2));
    Node d = Emit.placeholder(b, "d", DType.F64, Shape.of(2));
    Node y = Emit.withDependencies(b, v, List.of(d));
    List<Node> g = y.op().gradient(b, y, v);
    assertSame(v, g.get(0));
    assertNull(g.get(1));
  }

  @Test
  void needsSomethingToDependOn() {
    GraphBuilder b = new GraphBuilder();
    Node v = Emit.placeholder(b, "v", DType.F32, Shape.of(2));
    var e = assertThrows(ShapeError.class, () -> Emit.withDependencies(b, v, List.of()));
    assertEquals("withDependencies: expects a value and at least one tensor to run first", e.getMessage());
  }
}
