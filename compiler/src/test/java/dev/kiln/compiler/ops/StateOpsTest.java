package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.OpTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.dsl.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Assign, AssignAdd, AssignSub: values, the write, old-value reads, errors, gradients. */
class StateOpsTest {
  private static Value v2(double a, double b) {
    return of(DType.F32, dims(2), a, b);
  }

  @Test
  void eachWriteGivesTheNewValueAndUpdatesTheVariable() {
    GraphBuilder b = new GraphBuilder();
    Node v = Emit.variable(b, "v", DType.F32, Shape.of(2), "zeros");
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(2));
    Node[] writes = {Emit.assign(b, v, x), Emit.assignAdd(b, v, x), Emit.assignSub(b, v, x)};
    double[][] expected = {{10, 20}, {11, 22}, {-9, -18}};
    for (int k = 0; k < writes.length; k++) {
      Interpreter interp = new Interpreter(Map.of("x", v2(10, 20)), Map.of("v", v2(1, 2)));
      assertValue(v2(expected[k][0], expected[k][1]), interp.run(writes[k]));
      assertValue(v2(expected[k][0], expected[k][1]), interp.variables().get("v"));
      assertEquals("v", writes[k].attrs().get("variable"));
      assertEquals(OpKind.OTHER, writes[k].op().kind());
      assertFalse(writes[k].op().isPure(), "writes are never merged");
    }
  }

  @Test
  void readsOfTheVariableNodeSeeTheOldValueAndTheNextRunSeesTheNew() {
    // doubled = assign(a, a * 2); also fetch a + doubled: the read of a is the value before the write.
    GraphBuilder b = new GraphBuilder();
    Node a = Emit.variable(b, "a", DType.F32, Shape.SCALAR, "constant", 3);
    Node doubled = Emit.assign(b, a, Emit.mul(b, a, Emit.scalar(b, DType.F32, 2)));
    Node sum = Emit.add(b, doubled, a);
    Map<String, Value> state = Map.of("a", Value.scalar(DType.F32, 3));
    double[] seen = new double[3];
    for (int run = 0; run < 3; run++) {
      Interpreter interp = new Interpreter(Map.of(), state);
      Map<Node, Value> out = interp.run(List.of(doubled, sum));
      seen[run] = out.get(doubled).get(0);
      assertEquals(seen[run] * 1.5, out.get(sum).get(0), "new + old = 2 old + old");
      state = interp.variables();
    }
    assertEquals(List.of(6.0, 12.0, 24.0), List.of(seen[0], seen[1], seen[2]));
  }

  @Test
  void theCallersMapIsNotChanged() {
    GraphBuilder b = new GraphBuilder();
    Node v = Emit.variable(b, "v", DType.F32, Shape.of(2), "zeros");
    Map<String, Value> vars = new HashMap<>(Map.of("v", v2(1, 2)));
    new Interpreter(Map.of(), vars).run(Emit.assignAdd(b, v, Emit.constant(b, DType.F32, Shape.of(2), 1)));
    assertValue(v2(1, 2), vars.get("v"));
  }

  @Test
  void shapeAndTargetErrors() {
    GraphBuilder b = new GraphBuilder();
    Node v = Emit.variable(b, "v", DType.F32, Shape.of(2), "zeros");
    assertShapeError("assign: the value f32[3] does not match the variable's type f32[2]; the shapes and"
        + " dtypes must be equal", () -> Emit.assign(b, v, ph(b, DType.F32, 3)));
    assertShapeError("assignAdd: the value f32[batch, 2] does not match the variable's type f32[2]; the"
        + " shapes and dtypes must be equal", () -> Emit.assignAdd(b, v, ph(b, DType.F32, BATCH, d(2))));
    assertShapeError("assignSub: the value f64[2] does not match the variable's type f32[2]; the shapes"
        + " and dtypes must be equal", () -> Emit.assignSub(b, v, ph(b, DType.F64, 2)));
    assertShapeError("assign: the target must be a variable, got Placeholder f32[2]",
        () -> Emit.assign(b, ph(b, DType.F32, 2), v));
  }

  /** Central differences in f64 with respect to both the variable's old value and the operand. */
  @Test
  void gradientsMatchCentralDifferences() {
    for (String op : List.of("assign", "assignAdd", "assignSub")) {
      GraphBuilder b = new GraphBuilder();
      Node v = Emit.variable(b, "v", DType.F64, Shape.of(3), "zeros");
      Node x = Emit.placeholder(b, "x", DType.F64, Shape.of(3));
      Node w = Emit.placeholder(b, "w", DType.F64, Shape.of(3));
      Node write = switch (op) {
        case "assign" -> Emit.assign(b, v, Emit.square(b, x));
        case "assignAdd" -> Emit.assignAdd(b, v, Emit.square(b, x));
        default -> Emit.assignSub(b, v, Emit.square(b, x));
      };
      // Read v too, so that its gradient has a path that does not go through the write.
      Node loss = Emit.reduceSum(b, Emit.mul(b, Emit.add(b, write, Emit.mul(b, v, v)), w), false);
      List<Node> grads = GradientCheck.backprop(b, loss, List.of(v, x));
      Value vv = f64(dims(3), 0.3, -0.7, 1.1);
      Value xv = f64(dims(3), 0.5, 1.5, -2);
      Value wv = f64(dims(3), 1, -2, 0.5);
      Map<Node, Value> analytic = new Interpreter(Map.of("x", xv, "w", wv), Map.of("v", vv)).run(grads);
      for (int input = 0; input < 2; input++) {
        for (int j = 0; j < 3; j++) {
          double numeric = (lossAt(loss, vv, xv, wv, input, j, 1e-6) - lossAt(loss, vv, xv, wv, input, j, -1e-6)) / 2e-6;
          double got = analytic.get(grads.get(input)).get(j);
          if (Math.abs(numeric - got) > 1e-6 * Math.max(1, Math.abs(numeric))) {
            fail(op + ": d loss / d input " + input + "[" + j + "]: analytic " + got + " vs numeric " + numeric);
          }
        }
      }
    }
  }

  private static double lossAt(Node loss, Value v, Value x, Value w, int input, int j, double h) {
    Value target = input == 0 ? v : x;
    double[] d = target.data().clone();
    d[j] += h;
    Value moved = new Value(target.dtype(), target.shape(), d);
    return new Interpreter(Map.of("x", input == 1 ? moved : x, "w", w), Map.of("v", input == 0 ? moved : v))
        .run(loss).get(0);
  }

  @Test
  void writesAreNotSourcesAndHaveTheVariablesType() {
    GraphBuilder b = new GraphBuilder();
    Node v = Emit.variable(b, "v", DType.F32, Shape.of(2, 3), "zeros");
    Node n = Emit.assignAdd(b, v, Emit.constant(b, DType.F32, Shape.of(2, 3), 1));
    assertEquals(v.type(), n.type());
    assertTrue(n.inputs().contains(v));
  }
}
