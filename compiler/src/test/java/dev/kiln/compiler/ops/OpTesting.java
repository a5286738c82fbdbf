package dev.kiln.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/** Shorthands for op tests: values, evaluation through placeholders, expected errors. */
final class OpTesting {
  private OpTesting() {}

  static final Dim BATCH = Dim.symbol("batch");
  static final Dim TIME = Dim.symbol("time");

  static int[] dims(int... d) {
    return d;
  }

  static Value f64(int[] shape, double... data) {
    return new Value(DType.F64, shape, data);
  }

  static Value f64s(double v) {
    return Value.scalar(DType.F64, v);
  }

  static Value of(DType t, int[] shape, double... data) {
    return new Value(t, shape, data);
  }

  /** Evaluates {@code f} over placeholders holding {@code inputs} (declared with static shapes). */
  static Value eval(GradientCheck.Fn f, Value... inputs) {
    return eval(f, null, inputs);
  }

  /** Evaluates {@code f} over placeholders declared with {@code declared} (maybe symbolic) shapes. */
  static Value eval(GradientCheck.Fn f, List<Shape> declared, Value... inputs) {
    GraphBuilder b = new GraphBuilder();
    List<Node> xs = new ArrayList<>();
    Map<String, Value> feeds = new HashMap<>();
    for (int i = 0; i < inputs.length; i++) {
      Shape shape = declared != null ? declared.get(i) : GradientCheck.staticShape(inputs[i].shape());
      xs.add(Emit.placeholder(b, "x" + i, inputs[i].dtype(), shape));
      feeds.put("x" + i, inputs[i]);
    }
    return new Interpreter(feeds, Map.of()).run(f.apply(b, xs));
  }

  /** A placeholder of the given type, for shape-inference tests. */
  static Node ph(GraphBuilder b, DType t, Dim... dims) {
    return Emit.placeholder(b, "p" + b.graph().size(), t, Shape.of(dims));
  }

  static Node scalarPh(GraphBuilder b, DType t) {
    return Emit.placeholder(b, "p" + b.graph().size(), t, Shape.SCALAR);
  }

  static Node ph(GraphBuilder b, DType t, long... dims) {
    return Emit.placeholder(b, "p" + b.graph().size(), t, Shape.of(dims));
  }

  static Dim d(long n) {
    return Dim.of(n);
  }

  static void assertValue(Value expected, Value actual) {
    assertEquals(expected.dtype(), actual.dtype(), "dtype");
    assertArrayEquals(expected.shape(), actual.shape(), "shape");
    assertArrayEquals(expected.data(), actual.data(), 1e-12, () -> "data of " + actual);
  }

  /** Asserts that {@code e} throws a ShapeError whose message is exactly {@code message}. */
  static void assertShapeError(String message, Executable e) {
    ShapeError err = assertThrows(ShapeError.class, e);
    assertEquals(message, err.getMessage());
  }
}
