package dev.kiln.compiler.ops;

import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.passes.Autodiff;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Central-difference checks of gradients through control flow, derived by the {@link Autodiff}
 * pass itself (which routes multi-result nodes to their {@code gradients}): the objective is
 * {@code reduceSum(out · w)} with random weights, every wrt node an F64 placeholder.
 */
final class ControlFlowGradients {
  private ControlFlowGradients() {}

  static void check(GraphBuilder b, Node out, Map<String, Value> feeds, List<Node> wrt) {
    Map<String, Value> all = new HashMap<>(feeds);
    Value outValue = new Interpreter(all, Map.of()).run(out);
    all.put("seedWeights", GradientCheck.uniform(777, -1, 1, outValue.shape()));
    Node w = Emit.placeholder(b, "seedWeights", out.type().dtype(), out.shape());
    Node loss = Emit.reduceSum(b, Emit.mul(b, out, w), false);
    Map<Node, Node> grads = Autodiff.gradients(b, loss, wrt);
    Map<Node, Value> analytic = new Interpreter(all, Map.of()).run(new ArrayList<>(grads.values()));
    for (Node x : wrt) {
      String name = x.attrs().get("name");
      Value base = all.get(name);
      double[] expected = analytic.get(grads.get(x)).data();
      for (int j = 0; j < base.size(); j++) {
        double plus = lossAt(loss, all, name, base, j, base.get(j) + GradientCheck.H);
        double minus = lossAt(loss, all, name, base, j, base.get(j) - GradientCheck.H);
        double numeric = (plus - minus) / (2 * GradientCheck.H);
        double tol = 1e-6 + 1e-5 * Math.max(Math.abs(numeric), Math.abs(expected[j]));
        if (!(Math.abs(numeric - expected[j]) <= tol)) {
          fail("d loss / d " + name + "[" + j + "]: analytic " + expected[j] + " vs numeric " + numeric);
        }
      }
    }
  }

  private static double lossAt(Node loss, Map<String, Value> feeds, String name, Value v, int j, double x) {
    double[] d = v.data().clone();
    d[j] = x;
    Map<String, Value> changed = new HashMap<>(feeds);
    changed.put(name, new Value(v.dtype(), v.shape(), d));
    return new Interpreter(changed, Map.of()).run(loss).get(0);
  }
}
