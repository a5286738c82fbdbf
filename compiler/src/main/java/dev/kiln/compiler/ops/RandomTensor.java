package dev.kiln.compiler.ops;

import dev.kiln.compiler.interp.EvalContext;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.dsl.DType;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A fresh random tensor of static {@code shape} and floating {@code dtype} on every evaluation,
 * its elements drawn in row-major order from the model's seeded generator; parameters in
 * attributes {@code a} and {@code b}. No inputs, no gradient. Impure: never merged by CSE.
 */
abstract class RandomTensor implements OpDef {
  private final String name;

  RandomTensor(String name) {
    this.name = name;
  }

  /** One element: the draw rule each backend mirrors exactly. */
  abstract double draw(RandomGenerator rng, double a, double b);

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final OpKind kind() {
    return OpKind.OTHER;
  }

  @Override
  public final boolean isPure() {
    return false;
  }

  @Override
  public final TensorType inferType(List<TensorType> inputs, Attrs attrs) {
    DType dtype = attrs.get("dtype");
    Shape shape = attrs.get("shape");
    String op = OpSupport.userName(name);
    if (!dtype.isFloating()) {
      throw new ShapeError(op + ": draws floating-point tensors, not " + dtype.label());
    }
    if (!shape.isStatic()) {
      throw new ShapeError(op + ": expects a static shape, got " + shape);
    }
    check(op, attrs.getDouble("a"), attrs.getDouble("b"));
    return new TensorType(dtype, shape);
  }

  /** Rejects parameters with no distribution (a negative spread). */
  abstract void check(String op, double a, double b);

  @Override
  public final List<Node> gradient(GraphBuilder b, Node node, Node dOut) {
    return List.of();
  }

  @Override
  public final Value evaluate(List<Value> inputs, Attrs attrs, EvalContext ctx) {
    Shape shape = attrs.get("shape");
    int[] dims = shape.dims().stream().mapToInt(d -> (int) d.size()).toArray();
    double[] data = new double[Value.sizeOf(dims)];
    double a = attrs.getDouble("a");
    double b = attrs.getDouble("b");
    for (int i = 0; i < data.length; i++) {
      data[i] = draw(ctx.rng(), a, b);
    }
    return new Value(attrs.get("dtype"), dims, data);
  }

  /** {@code mean + stddev * N(0, 1)}: a = mean, b = stddev. */
  static final class Normal extends RandomTensor {
    Normal() {
      super("RandomNormal");
    }

    @Override
    double draw(RandomGenerator rng, double mean, double stddev) {
      return mean + stddev * rng.nextGaussian();
    }

    @Override
    void check(String op, double mean, double stddev) {
      if (!(stddev >= 0)) {
        throw new ShapeError(op + ": the standard deviation must not be negative, got " + stddev);
      }
    }
  }

  /** Like {@link Normal}, with standard draws beyond two deviations redrawn (TensorFlow's rule). */
  static final class Truncated extends RandomTensor {
    Truncated() {
      super("TruncatedNormal");
    }

    @Override
    double draw(RandomGenerator rng, double mean, double stddev) {
      double z;
      do {
        z = rng.nextGaussian();
      } while (Math.abs(z) > 2.0);
      return mean + stddev * z;
    }

    @Override
    void check(String op, double mean, double stddev) {
      if (!(stddev >= 0)) {
        throw new ShapeError(op + ": the standard deviation must not be negative, got " + stddev);
      }
    }
  }

  /** {@code min + (max - min) * U[0, 1)}: a = min, b = max. */
  static final class Uniform extends RandomTensor {
    Uniform() {
      super("RandomUniform");
    }

    @Override
    double draw(RandomGenerator rng, double min, double max) {
      return min + (max - min) * rng.nextDouble();
    }

    @Override
    void check(String op, double min, double max) {
      if (!(max >= min)) {
        throw new ShapeError(op + ": the maximum " + max + " is less than the minimum " + min);
      }
    }
  }
}
