package dev.kiln.compiler.ops;

import static dev.kiln.compiler.ops.StandardOps.*;

import dev.kiln.compiler.ir.Attrs;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ir.ShapeError;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

  /**
   * A non-trainable variable (a {@code @State} field): kept in the model's state and checkpoints
   * like a parameter, but never trained.
   */
  public static Node stateVariable(
      GraphBuilder b, String name, DType dtype, Shape shape, String init, double... initArgs) {
    return b.apply(VARIABLE, Attrs.of("name", name, "dtype", dtype, "shape", shape,
        "init", init, "initArgs", initArgs, "trainable", false));
  }

  // ---- state --------------------------------------------------------------------------------

  /** {@code variable := value}; the node's value is the new value (see {@code AssignOp}). */
  public static Node assign(GraphBuilder b, Node variable, Node value) {
    return b.apply(ASSIGN, assignAttrs("assign", variable), variable, value);
  }

  /** {@code variable += value}; the node's value is the new value. */
  public static Node assignAdd(GraphBuilder b, Node variable, Node value) {
    return b.apply(ASSIGN_ADD, assignAttrs("assignAdd", variable), variable, value);
  }

  /** {@code variable -= value}; the node's value is the new value. */
  public static Node assignSub(GraphBuilder b, Node variable, Node value) {
    return b.apply(ASSIGN_SUB, assignAttrs("assignSub", variable), variable, value);
  }

  private static Attrs assignAttrs(String op, Node variable) {
    if (variable.op() != VARIABLE) {
      throw new dev.kiln.compiler.ir.ShapeError(op + ": the target must be a variable, got "
          + variable.op().name() + " " + variable.type());
    }
    return Attrs.of("variable", variable.attrs().<String>get("name"));
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

  /** A matrix product; operands of rank 3 or more are a batched product ({@code BatchMatMul}). */
  public static Node matmul(GraphBuilder b, Node x, Node y, boolean transposeA, boolean transposeB) {
    Attrs attrs = Attrs.of("transposeA", transposeA, "transposeB", transposeB);
    boolean batched = x.shape().rank() >= 3 || y.shape().rank() >= 3;
    return b.apply(batched ? BATCH_MATMUL : MATMUL, attrs, x, y);
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

  /** Per example, {@code -sum(labels * logSoftmax(logits))} over the last axis, fused and stable. */
  public static Node softmaxCrossEntropyWithLogits(GraphBuilder b, Node labels, Node logits) {
    return b.apply(SOFTMAX_CROSS_ENTROPY, Attrs.NONE, labels, logits);
  }

  /** Elementwise {@code max(x, 0) - x * z + log1p(exp(-|x|))} for labels z and logits x. */
  public static Node sigmoidCrossEntropyWithLogits(GraphBuilder b, Node labels, Node logits) {
    return b.apply(SIGMOID_CROSS_ENTROPY, Attrs.NONE, labels, logits);
  }

  /**
   * conv2d of NHWC {@code input} with {@code filter} [kh, kw, c, f]; {@code strides} is
   * {height, width} and {@code padding} {@link Windows#SAME} or {@link Windows#VALID}.
   */
  public static Node conv2d(GraphBuilder b, Node input, Node filter, int[] strides, String padding) {
    return b.apply(CONV2D, Attrs.of("strides", strides, "padding", padding), input, filter);
  }

  /** conv2d's gradient with respect to an input of spatial size {@code inputSize} {h, w}. */
  public static Node conv2dBackpropInput(GraphBuilder b, Node filter, Node dOut, int[] inputSize,
      int[] strides, String padding) {
    return b.apply(CONV2D_BACKPROP_INPUT,
        Attrs.of("inputSize", inputSize, "strides", strides, "padding", padding), filter, dOut);
  }

  /** conv2d's gradient with respect to a filter of spatial size {@code filterSize} {kh, kw}. */
  public static Node conv2dBackpropFilter(GraphBuilder b, Node input, Node dOut, int[] filterSize,
      int[] strides, String padding) {
    return b.apply(CONV2D_BACKPROP_FILTER,
        Attrs.of("filterSize", filterSize, "strides", strides, "padding", padding), input, dOut);
  }

  /** Max pooling of NHWC {@code x} over {@code window} {h, w}. */
  public static Node maxPool(GraphBuilder b, Node x, int[] window, int[] strides, String padding) {
    return b.apply(MAX_POOL, Attrs.of("window", window, "strides", strides, "padding", padding), x);
  }

  /** maxPool's gradient: dOut routed to each window's first maximum in {@code x}. */
  public static Node maxPoolGrad(GraphBuilder b, Node x, Node dOut, int[] window, int[] strides,
      String padding) {
    return b.apply(MAX_POOL_GRAD, Attrs.of("window", window, "strides", strides, "padding", padding),
        x, dOut);
  }

  /** Average pooling of NHWC {@code x} over {@code window} {h, w}. */
  public static Node avgPool(GraphBuilder b, Node x, int[] window, int[] strides, String padding) {
    return b.apply(AVG_POOL, Attrs.of("window", window, "strides", strides, "padding", padding), x);
  }

  /** avgPool's gradient for an input of spatial size {@code inputSize} {h, w}. */
  public static Node avgPoolGrad(GraphBuilder b, Node dOut, int[] inputSize, int[] window,
      int[] strides, String padding) {
    return b.apply(AVG_POOL_GRAD, Attrs.of("inputSize", inputSize, "window", window,
        "strides", strides, "padding", padding), dOut);
  }

  /** The dropout mask of {@code x}'s type: scaled keep/drop draws when training, ones otherwise. */
  public static Node dropoutMask(GraphBuilder b, Node x, double rate) {
    return b.apply(DROPOUT_MASK, Attrs.of("rate", rate), x);
  }

  /** {@code x * dropoutMask(x, rate)}: the gradient {@code g * mask} reads the same mask. */
  public static Node dropout(GraphBuilder b, Node x, double rate) {
    return mul(b, x, dropoutMask(b, x, rate));
  }

  // ---- values -------------------------------------------------------------------------------

  /** A constant of static {@code shape} with every element {@code value}. */
  public static Node fill(GraphBuilder b, DType dtype, Shape shape, double value) {
    return constant(b, dtype, shape, value);
  }

  /**
   * The 1-D constant {@code start, start + delta, ...} up to but excluding {@code limit}, as
   * TensorFlow's range; computed now, so it is a {@code Const}.
   */
  public static Node range(GraphBuilder b, DType dtype, double start, double limit, double delta) {
    if (delta == 0 || !Double.isFinite(start) || !Double.isFinite(limit) || !Double.isFinite(delta)) {
      throw new dev.kiln.compiler.ir.ShapeError("range: expects finite bounds and a non-zero delta, got start "
          + start + ", limit " + limit + ", delta " + delta);
    }
    long n = Math.max(0, (long) Math.ceil((limit - start) / delta));
    if (n > Integer.MAX_VALUE / 8) {
      throw new dev.kiln.compiler.ir.ShapeError("range: " + n + " elements are too many for a constant");
    }
    double[] values = new double[(int) n];
    for (int i = 0; i < values.length; i++) {
      values[i] = start + i * delta;
    }
    return b.apply(CONSTANT, Attrs.of("dtype", dtype, "shape", Shape.of(n), "values", values));
  }

  /** A fresh normal tensor on every evaluation (impure). */
  public static Node randomNormal(GraphBuilder b, DType dtype, Shape shape, double mean, double stddev) {
    return b.apply(RANDOM_NORMAL, Attrs.of("dtype", dtype, "shape", shape, "a", mean, "b", stddev));
  }

  /** A fresh normal tensor, draws beyond two deviations redrawn (impure). */
  public static Node truncatedNormal(GraphBuilder b, DType dtype, Shape shape, double mean, double stddev) {
    return b.apply(TRUNCATED_NORMAL, Attrs.of("dtype", dtype, "shape", shape, "a", mean, "b", stddev));
  }

  /** A fresh uniform tensor in [min, max) (impure). */
  public static Node randomUniform(GraphBuilder b, DType dtype, Shape shape, double min, double max) {
    return b.apply(RANDOM_UNIFORM, Attrs.of("dtype", dtype, "shape", shape, "a", min, "b", max));
  }

  /** {@code x}'s slices along axis 0 in a fresh random order (impure). */
  public static Node randomShuffle(GraphBuilder b, Node x) {
    return b.apply(RANDOM_SHUFFLE, Attrs.NONE, x);
  }

  /**
   * {@code value}, returned only after every one of {@code deps} has run: an explicit ordering
   * edge (TensorFlow's control dependencies), e.g. a step counter's increment run by each step.
   */
  public static Node withDependencies(GraphBuilder b, Node value, List<Node> deps) {
    List<Node> inputs = new java.util.ArrayList<>(deps.size() + 1);
    inputs.add(value);
    inputs.addAll(deps);
    return b.apply(CONTROL_DEPENDENCY, Attrs.NONE, inputs);
  }

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

  // ---- more elementwise ops -----------------------------------------------------------------

  public static Node pow(GraphBuilder b, Node x, Node y) { return b.apply(POW, Attrs.NONE, x, y); }
  public static Node lessEqual(GraphBuilder b, Node x, Node y) { return b.apply(LESS_EQUAL, Attrs.NONE, x, y); }
  public static Node greaterEqual(GraphBuilder b, Node x, Node y) { return b.apply(GREATER_EQUAL, Attrs.NONE, x, y); }
  public static Node logicalAnd(GraphBuilder b, Node x, Node y) { return b.apply(LOGICAL_AND, Attrs.NONE, x, y); }
  public static Node logicalOr(GraphBuilder b, Node x, Node y) { return b.apply(LOGICAL_OR, Attrs.NONE, x, y); }
  public static Node logicalNot(GraphBuilder b, Node x) { return b.apply(LOGICAL_NOT, Attrs.NONE, x); }
  public static Node rsqrt(GraphBuilder b, Node x) { return b.apply(RSQRT, Attrs.NONE, x); }
  public static Node softplus(GraphBuilder b, Node x) { return b.apply(SOFTPLUS, Attrs.NONE, x); }

  public static Node leakyRelu(GraphBuilder b, Node x, double alpha) {
    return b.apply(LEAKY_RELU, Attrs.of("alpha", alpha), x);
  }

  /** {@code cond ? a : b} elementwise, the three broadcast together (NumPy's where). */
  public static Node where(GraphBuilder b, Node cond, Node a, Node c) {
    return b.apply(SELECT, Attrs.NONE, cond, a, c);
  }

  // ---- more matrix and shape ops ------------------------------------------------------------

  /** Permutes x's axes: output axis i is input axis {@code perm[i]}. */
  public static Node permute(GraphBuilder b, Node x, int... perm) {
    return b.apply(TRANSPOSE, Attrs.of("perm", perm), x);
  }

  /** The transpose of a matrix. */
  public static Node transpose(GraphBuilder b, Node x) {
    if (x.shape().rank() != 2) {
      throw new ShapeError("transpose: expects a matrix, got shape " + x.shape()
          + "; use permute(x, perm) for other ranks");
    }
    return permute(b, x, 1, 0);
  }

  public static Node matrixInverse(GraphBuilder b, Node x) {
    return b.apply(MATRIX_INVERSE, Attrs.NONE, x);
  }

  /** The block of x at {@code begin} of {@code size} per axis (-1: the rest of the axis). */
  public static Node slice(GraphBuilder b, Node x, int[] begin, int[] size) {
    return b.apply(SLICE, Attrs.of("begin", begin, "size", size), x);
  }

  /** Zeros shaped like {@code like} with g at {@code begin}: the adjoint of slice. */
  public static Node unslice(GraphBuilder b, Node g, Node like, int[] begin) {
    return b.apply(UNSLICE, Attrs.of("begin", begin), g, like);
  }

  /** Joins {@code xs} along {@code axis} (negative counts from the end). */
  public static Node concat(GraphBuilder b, int axis, List<Node> xs) {
    return b.apply(CONCAT, Attrs.of("axis", axis), xs);
  }

  /**
   * Cuts x along {@code axis} into consecutive parts of {@code sizes}, which must add up to the
   * (static) axis: one Slice node per part.
   */
  public static List<Node> split(GraphBuilder b, Node x, int axis, int... sizes) {
    int a = x.shape().normalizeAxis(axis);
    if (a < 0) {
      throw new ShapeError("split: axis " + axis + " is out of range for shape " + x.shape());
    }
    Dim d = x.shape().dim(a);
    long total = 0;
    for (int s : sizes) {
      if (s <= 0) {
        throw new ShapeError("split: part sizes must be positive, got " + Arrays.toString(sizes));
      }
      total += s;
    }
    if (!d.isStatic() || total != d.size()) {
      throw new ShapeError("split: parts " + Arrays.toString(sizes) + " do not add up to axis "
          + axis + " of shape " + x.shape());
    }
    List<Node> parts = new ArrayList<>();
    int offset = 0;
    for (int s : sizes) {
      int[] begin = new int[x.shape().rank()];
      int[] size = new int[x.shape().rank()];
      Arrays.fill(size, -1);
      begin[a] = offset;
      size[a] = s;
      parts.add(slice(b, x, begin, size));
      offset += s;
    }
    return parts;
  }

  /** Cuts x along {@code axis} into {@code n} equal parts. */
  public static List<Node> splitEvenly(GraphBuilder b, Node x, int n, int axis) {
    int a = x.shape().normalizeAxis(axis);
    if (a < 0) {
      throw new ShapeError("split: axis " + axis + " is out of range for shape " + x.shape());
    }
    Dim d = x.shape().dim(a);
    if (n <= 0 || !d.isStatic() || d.size() % n != 0) {
      throw new ShapeError("split: cannot cut axis " + axis + " of shape " + x.shape() + " into "
          + n + " equal parts");
    }
    int[] sizes = new int[n];
    Arrays.fill(sizes, (int) (d.size() / n));
    return split(b, x, axis, sizes);
  }

  /** x with a new size-1 axis at {@code axis} (of the result; negative counts from its end). */
  public static Node expandDims(GraphBuilder b, Node x, int axis) {
    int rank = x.shape().rank();
    int a = axis < 0 ? axis + rank + 1 : axis;
    if (a < 0 || a > rank) {
      throw new ShapeError("expandDims: axis " + axis + " is out of range for shape " + x.shape());
    }
    List<Dim> dims = new ArrayList<>(x.shape().dims());
    dims.add(a, Dim.of(1));
    return reshape(b, x, new Shape(dims));
  }

  /** x without the size-1 axes {@code axes} (every size-1 axis when none are given). */
  public static Node squeeze(GraphBuilder b, Node x, int... axes) {
    Shape s = x.shape();
    boolean[] drop = new boolean[s.rank()];
    if (axes.length == 0) {
      for (int d = 0; d < s.rank(); d++) {
        drop[d] = s.dim(d).equals(Dim.of(1));
      }
    }
    for (int axis : axes) {
      int a = s.normalizeAxis(axis);
      if (a < 0) {
        throw new ShapeError("squeeze: axis " + axis + " is out of range for shape " + s);
      }
      if (!s.dim(a).equals(Dim.of(1))) {
        throw new ShapeError("squeeze: axis " + axis + " of shape " + s + " has size " + s.dim(a)
            + ", not 1");
      }
      drop[a] = true;
    }
    List<Dim> dims = new ArrayList<>();
    for (int d = 0; d < s.rank(); d++) {
      if (!drop[d]) {
        dims.add(s.dim(d));
      }
    }
    return reshape(b, x, new Shape(dims));
  }

  /** Joins equally shaped {@code xs} along a new axis {@code axis}. */
  public static Node stack(GraphBuilder b, int axis, List<Node> xs) {
    if (xs.isEmpty()) {
      throw new ShapeError("stack: expects at least one tensor");
    }
    Shape first = xs.get(0).shape();
    int a = axis < 0 ? axis + first.rank() + 1 : axis;
    if (a < 0 || a > first.rank()) {
      throw new ShapeError("stack: axis " + axis + " is out of range for shape " + first);
    }
    List<Node> expanded = new ArrayList<>();
    for (Node x : xs) {
      if (!x.shape().equals(first)) {
        throw new ShapeError("stack: cannot stack shapes " + first + " and " + x.shape()
            + "; every tensor must have the same shape");
      }
      expanded.add(expandDims(b, x, a));
    }
    return expanded.size() == 1 ? expanded.get(0) : concat(b, a, expanded);
  }

  /** Rows of {@code params} picked by integer {@code indices}: [indices..., params[1:]...]. */
  public static Node gather(GraphBuilder b, Node params, Node indices) {
    return b.apply(GATHER, Attrs.NONE, params, indices);
  }

  /** Zeros like {@code like} with the rows of {@code updates} added at {@code indices}. */
  public static Node scatterAdd(GraphBuilder b, Node updates, Node indices, Node like) {
    return b.apply(SCATTER_ADD, Attrs.NONE, updates, indices, like);
  }

  /**
   * F32 one-hot rows of {@code depth} for integer indices: {@code [indices..., depth]}, 1 where
   * the index equals the position; an index outside [0, depth) gives a row of zeros.
   */
  public static Node oneHot(GraphBuilder b, Node indices, int depth) {
    DType t = indices.type().dtype();
    if (t != DType.I32 && t != DType.I64) {
      throw new ShapeError("oneHot: expects i32 or i64 indices, got " + indices.type());
    }
    if (depth <= 0) {
      throw new ShapeError("oneHot: depth must be positive, got " + depth);
    }
    double[] positions = new double[depth];
    Arrays.setAll(positions, i -> i);
    Node range = constant(b, t, Shape.of(depth), positions);
    return cast(b, equal(b, expandDims(b, indices, -1), range), DType.F32);
  }

  /** x's run-time shape as an I64 vector. */
  public static Node shape(GraphBuilder b, Node x) {
    return b.apply(SHAPE, Attrs.NONE, x);
  }

  // ---- more reductions ----------------------------------------------------------------------

  public static Node reduceProd(GraphBuilder b, Node x, boolean keepDims, int... axes) {
    return b.apply(REDUCE_PROD, Attrs.of("axes", axes, "keepDims", keepDims), x);
  }

  public static Node reduceMin(GraphBuilder b, Node x, boolean keepDims, int... axes) {
    return b.apply(REDUCE_MIN, Attrs.of("axes", axes, "keepDims", keepDims), x);
  }

  /** Index of the minimum along {@code axis} (first on ties), as I64. */
  public static Node argmin(GraphBuilder b, Node x, int axis) {
    return b.apply(ARGMIN, Attrs.of("axis", axis), x);
  }

  // ---- sparse (COO) matrices: indices [nnz, 2], values [nnz], shape witness [rows, cols, 0] ----

  /**
   * The three placeholders of a sparse input {@code name}: {@code name/indices} i64
   * {@code [name/nnz, 2]}, {@code name/values} {@code [name/nnz]} and the shape witness
   * {@code name/shape} i64 {@code [rows, cols, 0]}; each carries the attribute {@code sparse} =
   * name, so that a backend's facade takes them as one sparse argument.
   */
  public static List<Node> sparsePlaceholder(GraphBuilder b, String name, DType dtype, Dim rows, Dim cols) {
    Dim nnz = Dim.symbol(name + "/nnz");
    return List.of(
        b.apply(PLACEHOLDER, Attrs.of("name", name + "/indices", "dtype", DType.I64,
            "shape", Shape.of(nnz, Dim.of(2)), "sparse", name)),
        b.apply(PLACEHOLDER, Attrs.of("name", name + "/values", "dtype", dtype,
            "shape", Shape.of(nnz), "sparse", name)),
        b.apply(PLACEHOLDER, Attrs.of("name", name + "/shape", "dtype", DType.I64,
            "shape", Shape.of(rows, cols, Dim.of(0)), "sparse", name)));
  }

  /** {@code op(A) × dense} for the sparse A; op transposes A when {@code adjointA}. */
  public static Node sparseMatmul(
      GraphBuilder b, Node indices, Node values, Node shape, Node dense, boolean adjointA) {
    return b.apply(SPARSE_MATMUL, Attrs.of("adjointA", adjointA), indices, values, shape, dense);
  }

  /** The gradient of {@link #sparseMatmul} with respect to its values, given {@code g}. */
  public static Node sparseMatmulValuesGrad(
      GraphBuilder b, Node indices, Node shape, Node g, Node dense, boolean adjointA) {
    return b.apply(SPARSE_MATMUL_VALUES_GRAD, Attrs.of("adjointA", adjointA), indices, shape, g, dense);
  }

  /** The sparse matrix as a dense one; repeated coordinates add up. */
  public static Node sparseToDense(GraphBuilder b, Node indices, Node values, Node shape) {
    return b.apply(SPARSE_TO_DENSE, Attrs.NONE, indices, values, shape);
  }

  /** {@code dense[i, j]} for each nonzero coordinate (i, j). */
  public static Node sparseGather(GraphBuilder b, Node indices, Node shape, Node dense) {
    return b.apply(SPARSE_GATHER, Attrs.NONE, indices, shape, dense);
  }
}
