package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.StandardOps.*;

import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.dsl.DType;

/**
 * Typed shorthands that add one node of a standard op to a graph: what gradient rules, passes and
 * front ends call instead of spelling out attributes. Each throws ShapeError on bad operands.
 */
public final class Emit {
  private Emit() {}

  // ---- sources ------------------------------------------------------------------------------

  public static Node placeholder(GraphBuilder b, String name, DType dtype, Shape shape) {
    return b.apply(PLACEHOLDER, Attrs.of("name", name, "dtype", dtype, "shape", shape));
  }

  /** A variable; {@code init} names an initializer kind and {@code initArgs} its parameters. */
  public static Node variable(
      GraphBuilder b, String name, DType dtype, Shape shape, String init, double... initArgs) {
    return b.apply(VARIABLE, Attrs.of("name", name, "dtype", dtype, "shape", shape,
        "init", init, "initArgs", initArgs, "trainable", true));
  }

  public static Node scalar(GraphBuilder b, DType dtype, double value) {
    return constant(b, dtype, Shape.SCALAR, value);
  }

  /** A constant: {@code values} has one element per element of {@code shape}, or one in all. */
  public static Node constant(GraphBuilder b, DType dtype, Shape shape, double... values) {
    return b.apply(CONSTANT, Attrs.of("dtype", dtype, "shape", shape, "values", values));
  }

  // ---- elementwise --------------------------------------------------------------------------

  public static Node add(GraphBuilder b, Node x, Node y) { return b.apply(ADD, Attrs.NONE, x, y); }
  public static Node sub(GraphBuilder b, Node x, Node y) { return b.apply(SUB, Attrs.NONE, x, y); }
  public static Node mul(GraphBuilder b, Node x, Node y) { return b.apply(MUL, Attrs.NONE, x, y); }
  public static Node div(GraphBuilder b, Node x, Node y) { return b.apply(DIV, Attrs.NONE, x, y); }
  public static Node maximum(GraphBuilder b, Node x, Node y) { return b.apply(MAXIMUM, Attrs.NONE, x, y); }
  public static Node minimum(GraphBuilder b, Node x, Node y) { return b.apply(MINIMUM, Attrs.NONE, x, y); }
  public static Node equal(GraphBuilder b, Node x, Node y) { return b.apply(EQUAL, Attrs.NONE, x, y); }
  public static Node notEqual(GraphBuilder b, Node x, Node y) { return b.apply(NOT_EQUAL, Attrs.NONE, x, y); }
  public static Node less(GraphBuilder b, Node x, Node y) { return b.apply(LESS, Attrs.NONE, x, y); }
  public static Node greater(GraphBuilder b, Node x, Node y) { return b.apply(GREATER, Attrs.NONE, x, y); }

  public static Node neg(GraphBuilder b, Node x) { return b.apply(NEG, Attrs.NONE, x); }
  public static Node exp(GraphBuilder b, Node x) { return b.apply(EXP, Attrs.NONE, x); }
  public static Node log(GraphBuilder b, Node x) { return b.apply(LOG, Attrs.NONE, x); }
  public static Node sqrt(GraphBuilder b, Node x) { return b.apply(SQRT, Attrs.NONE, x); }
  public static Node square(GraphBuilder b, Node x) { return b.apply(SQUARE, Attrs.NONE, x); }
  public static Node abs(GraphBuilder b, Node x) { return b.apply(ABS, Attrs.NONE, x); }
  public static Node tanh(GraphBuilder b, Node x) { return b.apply(TANH, Attrs.NONE, x); }
  public static Node sigmoid(GraphBuilder b, Node x) { return b.apply(SIGMOID, Attrs.NONE, x); }
  public static Node relu(GraphBuilder b, Node x) { return b.apply(RELU, Attrs.NONE, x); }

  public static Node cast(GraphBuilder b, Node x, DType dtype) {
    return b.apply(CAST, Attrs.of("dtype", dtype), x);
  }

  // ---- matrices and shapes ------------------------------------------------------------------

  public static Node matmul(GraphBuilder b, Node x, Node y, boolean transposeA, boolean transposeB) {
    return b.apply(MATMUL, Attrs.of("transposeA", transposeA, "transposeB", transposeB), x, y);
  }

  /**
   * Reshape to {@code shape}, which is fully resolved: it holds no -1 (a {@code Dim} cannot), its
   * symbolic dims are the same multiset as {@code x}'s and its static dims multiply to the same
   * count. Records {@code x}'s shape as attribute {@code from} so that the symbols can be bound at
   * run time. To infer one dimension from the element count, use the {@code long...} overload.
   */
  public static Node reshape(GraphBuilder b, Node x, Shape shape) {
    return b.apply(RESHAPE, Attrs.of("shape", shape, "from", x.shape()), x);
  }

  /**
   * Reshape to static {@code sizes}, at most one of them -1 (as the user writes it): the -1 is
   * resolved now, to a static size, or to {@code x}'s one symbolic dim when the other sizes account
   * for all of its static elements ({@code [batch, 28, 28]} to {@code (-1, 784)} gives
   * {@code [batch, 784]}).
   */
  public static Node reshape(GraphBuilder b, Node x, long... sizes) {
    return reshape(b, x, Reshape.resolve(x.shape(), sizes));
  }

  // ---- reductions ---------------------------------------------------------------------------

  /** Sum over {@code axes} (all when empty); negative axes count from the end. */
  public static Node reduceSum(GraphBuilder b, Node x, boolean keepDims, int... axes) {
    return b.apply(REDUCE_SUM, Attrs.of("axes", axes, "keepDims", keepDims), x);
  }

  public static Node reduceMean(GraphBuilder b, Node x, boolean keepDims, int... axes) {
    return b.apply(REDUCE_MEAN, Attrs.of("axes", axes, "keepDims", keepDims), x);
  }

  public static Node reduceMax(GraphBuilder b, Node x, boolean keepDims, int... axes) {
    return b.apply(REDUCE_MAX, Attrs.of("axes", axes, "keepDims", keepDims), x);
  }

  /** Index of the maximum along {@code axis} (first on ties), as I64. */
  public static Node argmax(GraphBuilder b, Node x, int axis) {
    return b.apply(ARGMAX, Attrs.of("axis", axis), x);
  }

  // ---- neural -------------------------------------------------------------------------------

  public static Node softmax(GraphBuilder b, Node x) { return b.apply(SOFTMAX, Attrs.NONE, x); }
  public static Node logSoftmax(GraphBuilder b, Node x) { return b.apply(LOG_SOFTMAX, Attrs.NONE, x); }

  // ---- gradient plumbing --------------------------------------------------------------------

  /**
   * {@code x} broadcast to the shape of {@code like}, after inserting size-1 dimensions at
   * {@code insertedAxes} (axes of {@code like}, ascending): how a reduction's gradient is spread
   * back over the reduced axes.
   */
  public static Node broadcastLike(GraphBuilder b, Node x, Node like, int... insertedAxes) {
    return b.apply(BROADCAST_LIKE, Attrs.of("axes", insertedAxes), x, like);
  }

  /** {@code x} summed down to the shape of {@code like}: the reverse of broadcasting. */
  public static Node sumToShape(GraphBuilder b, Node x, Node like) {
    return b.apply(SUM_TO_SHAPE, Attrs.NONE, x, like);
  }

  /**
   * The number of elements of {@code x} over {@code axes} (all when empty), as a scalar of
   * {@code x}'s dtype — known only at run time when an axis is symbolic.
   */
  public static Node elementCount(GraphBuilder b, Node x, int... axes) {
    return b.apply(ELEMENT_COUNT, Attrs.of("axes", axes), x);
  }
}
