package dev.kiln.compiler.passes;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Test fixtures: a small MNIST-shaped softmax regression and random values. */
final class Models {
  private Models() {}

  /** Softmax regression: examples f64[batch,4], labels f64[batch,3], weights [4,3], bias [3]. */
  static final class Softmax {
    final GraphBuilder b = new GraphBuilder();
    final Node x;
    final Node y;
    final Node w;
    final Node bias;
    final Node logits;
    final Node estimates;
    final Node loss;
    final Node accuracy;

    Softmax() {
      x = Emit.placeholder(b, "examples", DType.F64, Shape.of(Dim.symbol("batch"), Dim.of(4)));
      y = Emit.placeholder(b, "labels", DType.F64, Shape.of(Dim.symbol("batch"), Dim.of(3)));
      w = Emit.variable(b, "weights", DType.F64, Shape.of(4, 3), "zeros");
      bias = Emit.variable(b, "bias", DType.F64, Shape.of(3), "zeros");
      logits = logits();
      b.pushScope("estimates");
      estimates = Emit.softmax(b, logits());
      b.popScope();
      b.pushScope("loss");
      Node l = Emit.log(b, Emit.softmax(b, logits()));
      Node xent = Emit.neg(b, Emit.reduceSum(b, Emit.mul(b, y, l), false, 1));
      loss = Emit.reduceMean(b, xent, false);
      b.popScope();
      b.pushScope("accuracy");
      Node hit = Emit.equal(b, Emit.argmax(b, logits(), 1), Emit.argmax(b, y, 1));
      accuracy = Emit.reduceMean(b, Emit.cast(b, hit, DType.F64), false);
      b.popScope();
    }

    /** Called from several methods, as a front end would: each call builds the subgraph anew. */
    Node logits() {
      b.pushScope("logits");
      Node out = Emit.add(b, Emit.matmul(b, x, w, false, false), bias);
      b.popScope();
      return out;
    }

    ModelSpec spec() {
      return new ModelSpec("dev.kiln.test", "MnistLike", b.graph(), List.of(x, y), List.of(w, bias),
          List.of(new ModelSpec.Named("estimates", estimates), new ModelSpec.Named("accuracy", accuracy)),
          List.of(new ModelSpec.Named("loss", loss)));
    }
  }

  static Value random(Random rnd, int... shape) {
    double[] d = new double[Value.sizeOf(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = rnd.nextGaussian();
    }
    return new Value(DType.F64, shape, d);
  }

  /** One-hot rows of width {@code classes}. */
  static Value oneHot(Random rnd, int rows, int classes) {
    double[] d = new double[rows * classes];
    for (int r = 0; r < rows; r++) {
      d[r * classes + rnd.nextInt(classes)] = 1;
    }
    return new Value(DType.F64, new int[] {rows, classes}, d);
  }

  static Value eval(Node n, Map<String, Value> feeds, Map<String, Value> vars) {
    return new Interpreter(feeds, vars).run(n);
  }

  static void assertClose(Value expected, Value actual, double rtol, double atol) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected.shape(), actual.shape(), "shape");
    for (int i = 0; i < expected.size(); i++) {
      double e = expected.get(i);
      double a = actual.get(i);
      if (Math.abs(e - a) > atol + rtol * Math.abs(e)) {
        org.junit.jupiter.api.Assertions.fail(
            "element " + i + ": expected " + e + ", got " + a + "\nexpected " + expected + "\nactual   " + actual);
      }
    }
  }
}
