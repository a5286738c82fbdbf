package dev.kiln.dsl;

import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The model language's static vocabulary: dtypes, symbolic dimensions, placeholders, variables,
 * initializers and ops. Import it statically in a {@link Model} class. Nothing here runs: the
 * processor reads calls to these methods and builds graph nodes from them.
 */
public final class Ops {
  private Ops() {}

  public static final DType F32 = DType.F32;
  public static final DType F64 = DType.F64;
  public static final DType I32 = DType.I32;
  public static final DType I64 = DType.I64;
  public static final DType BOOL = DType.BOOL;
  /** 16-, 8-bit signed and 8-bit unsigned integers: arithmetic wraps on overflow. */
  public static final DType I16 = DType.I16;
  public static final DType I8 = DType.I8;
  public static final DType U8 = DType.U8;
  /**
   * Half precision and bfloat16: storage types. Only data movement (cast, reshape, transpose,
   * concat, slice, gather, where, assign) takes them; cast to F32 to compute, and back to store.
   */
  public static final DType F16 = DType.F16;
  public static final DType BF16 = DType.BF16;

  /** The batch dimension: fixed by whatever is fed. */
  public static final Dim BATCH = Dim.named("batch");

  /** Padding of conv2d and the pools: output size ceil(in / stride), zeros (ignored) at the border. */
  public static final Padding SAME = Padding.SAME;
  /** Padding of conv2d and the pools: only windows entirely inside the input. */
  public static final Padding VALID = Padding.VALID;

  // ---- graph leaves -------------------------------------------------------------------------

  /** A placeholder of static shape. */
  public static Tensor placeholder(DType dtype, int... shape) { throw new NotCompiled(); }

  /** A placeholder whose leading dimension is symbolic, e.g. {@code placeholder(F32, BATCH, 784)}. */
  public static Tensor placeholder(DType dtype, Dim first, int... rest) { throw new NotCompiled(); }

  /** A placeholder whose two leading dimensions are symbolic (batch, time). */
  public static Tensor placeholder(DType dtype, Dim first, Dim second, int... rest) {
    throw new NotCompiled();
  }

  /**
   * An f32 variable of static shape drawn from {@code init} when a model is created: trainable in a
   * {@code @Param} field, untrained state in a {@code @State} field.
   */
  public static Tensor variable(Initializer init, int... shape) { throw new NotCompiled(); }

  /**
   * A variable of {@code dtype} (f32, f64, f16 or bf16; f16/bf16 store their initializer's draws
   * rounded), e.g. {@code variable(F16, zeros(), 4, 4)}.
   */
  public static Tensor variable(DType dtype, Initializer init, int... shape) { throw new NotCompiled(); }

  /** A scalar constant (f32 unless combined with a tensor of another floating type). */
  public static Tensor scalar(double value) { throw new NotCompiled(); }

  // ---- initializers -------------------------------------------------------------------------

  public static Initializer constant(double value) { throw new NotCompiled(); }
  public static Initializer zeros() { throw new NotCompiled(); }
  public static Initializer ones() { throw new NotCompiled(); }
  /** Normal, with draws beyond two standard deviations redrawn (TensorFlow's truncated_normal). */
  public static Initializer truncatedNormal(double mean, double stddev) { throw new NotCompiled(); }
  public static Initializer randomNormal(double mean, double stddev) { throw new NotCompiled(); }
  public static Initializer randomUniform(double min, double max) { throw new NotCompiled(); }
  /** Glorot/Xavier uniform over fan-in and fan-out of the variable's last two dimensions. */
  public static Initializer glorotUniform() { throw new NotCompiled(); }

  // ---- elementwise --------------------------------------------------------------------------

  public static Tensor add(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor sub(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor mul(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor div(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor maximum(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor minimum(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor neg(Tensor x) { throw new NotCompiled(); }
  public static Tensor exp(Tensor x) { throw new NotCompiled(); }
  public static Tensor log(Tensor x) { throw new NotCompiled(); }
  public static Tensor sqrt(Tensor x) { throw new NotCompiled(); }
  public static Tensor square(Tensor x) { throw new NotCompiled(); }
  public static Tensor abs(Tensor x) { throw new NotCompiled(); }
  public static Tensor tanh(Tensor x) { throw new NotCompiled(); }
  public static Tensor sigmoid(Tensor x) { throw new NotCompiled(); }
  public static Tensor relu(Tensor x) { throw new NotCompiled(); }

  public static Tensor equal(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor notEqual(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor less(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor greater(Tensor a, Tensor b) { throw new NotCompiled(); }

  public static Tensor cast(Tensor x, DType dtype) { throw new NotCompiled(); }

  // ---- matrices and shapes ------------------------------------------------------------------

  public static Tensor matmul(Tensor a, Tensor b) { throw new NotCompiled(); }
  /** {@code op(a) × op(b)} where op transposes the last two dimensions when its flag is set. */
  public static Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
    throw new NotCompiled();
  }
  /** Same elements in a new static shape; one entry may be -1 and is inferred. */
  public static Tensor reshape(Tensor x, int... shape) { throw new NotCompiled(); }

  // ---- reductions ---------------------------------------------------------------------------

  /** Sum over {@code axes} (all axes when none are given). */
  public static Tensor reduceSum(Tensor x, int... axes) { throw new NotCompiled(); }
  public static Tensor reduceMean(Tensor x, int... axes) { throw new NotCompiled(); }
  public static Tensor reduceMax(Tensor x, int... axes) { throw new NotCompiled(); }
  /** Index of the largest element along {@code axis}, as I64. */
  public static Tensor argmax(Tensor x, int axis) { throw new NotCompiled(); }

  // ---- neural -------------------------------------------------------------------------------

  /** Softmax over the last axis, computed stably. */
  public static Tensor softmax(Tensor logits) { throw new NotCompiled(); }
  /** log(softmax) over the last axis, computed stably. */
  public static Tensor logSoftmax(Tensor logits) { throw new NotCompiled(); }

  /**
   * Per example, the cross-entropy {@code -sum(labels * logSoftmax(logits))} over the last axis,
   * fused and stable; the result drops the last axis ([batch, classes] gives [batch]).
   */
  public static Tensor softmaxCrossEntropyWithLogits(Tensor labels, Tensor logits) {
    throw new NotCompiled();
  }
  /** Elementwise logistic loss of logits against 0/1 labels, stable for any logit. */
  public static Tensor sigmoidCrossEntropyWithLogits(Tensor labels, Tensor logits) {
    throw new NotCompiled();
  }
  /**
   * 2-D convolution of an NHWC input [batch, height, width, channels] with a filter
   * [filterHeight, filterWidth, channels, outChannels], the same stride along both axes.
   */
  public static Tensor conv2d(Tensor input, Tensor filter, int stride, Padding padding) {
    throw new NotCompiled();
  }
  public static Tensor conv2d(Tensor input, Tensor filter, int strideH, int strideW, Padding padding) {
    throw new NotCompiled();
  }
  /** The maximum of each window x window patch of an NHWC tensor, per channel. */
  public static Tensor maxPool(Tensor x, int window, int stride, Padding padding) { throw new NotCompiled(); }
  public static Tensor maxPool(Tensor x, int windowH, int windowW, int strideH, int strideW, Padding padding) {
    throw new NotCompiled();
  }
  /** The mean of each window x window patch of an NHWC tensor, per channel (padding not counted). */
  public static Tensor avgPool(Tensor x, int window, int stride, Padding padding) { throw new NotCompiled(); }
  public static Tensor avgPool(Tensor x, int windowH, int windowW, int strideH, int strideW, Padding padding) {
    throw new NotCompiled();
  }
  /**
   * While training, each element is zeroed with probability {@code rate} and the rest scaled by
   * 1 / (1 - rate) (a fresh mask per step from the model's seeded generator); fetches leave x as is.
   */
  public static Tensor dropout(Tensor x, double rate) { throw new NotCompiled(); }

  // ---- values -------------------------------------------------------------------------------

  /** An f32 constant of zeros, e.g. {@code zeros(2, 3)}; {@code zeros()} is the initializer. */
  public static Tensor zeros(int... shape) { throw new NotCompiled(); }
  /** An f32 constant of ones, e.g. {@code ones(2, 3)}; {@code ones()} is the initializer. */
  public static Tensor ones(int... shape) { throw new NotCompiled(); }
  /** An f32 constant with every element {@code value}, e.g. {@code fill(0.5, 2, 3)}. */
  public static Tensor fill(double value, int... shape) { throw new NotCompiled(); }
  /** {@code start, start + delta, ...} up to but excluding {@code limit}, as i32. */
  public static Tensor range(int start, int limit, int delta) { throw new NotCompiled(); }
  /** {@code start, start + delta, ...} up to but excluding {@code limit}, as f32. */
  public static Tensor range(double start, double limit, double delta) { throw new NotCompiled(); }
  /**
   * A fresh f32 tensor of normal draws on every run, e.g. {@code randomNormal(new int[] {2, 3}, 0, 1)},
   * from the model's seeded generator; {@code randomNormal(mean, stddev)} is the initializer.
   */
  public static Tensor randomNormal(int[] shape, double mean, double stddev) { throw new NotCompiled(); }
  /** As {@link #randomNormal(int[], double, double)}, draws beyond two deviations redrawn. */
  public static Tensor truncatedNormal(int[] shape, double mean, double stddev) { throw new NotCompiled(); }
  /** A fresh f32 tensor of uniform draws in [min, max) on every run. */
  public static Tensor randomUniform(int[] shape, double min, double max) { throw new NotCompiled(); }
  /** x's slices along axis 0 in a fresh random order on every run. */
  public static Tensor randomShuffle(Tensor x) { throw new NotCompiled(); }

  // ---- state --------------------------------------------------------------------------------

  /**
   * Writes {@code value} into {@code variable} (a {@code @State} or {@code @Param} field) when the
   * entry point runs, and is the new value. Reads of the field elsewhere in the same call see the
   * value from before the write; the write runs only if the entry point's result depends on this
   * tensor (so return it, or compute the result from it). {@code value} must have the variable's
   * shape and dtype; each entry point writes a variable at most once.
   */
  public static Tensor assign(Tensor variable, Tensor value) { throw new NotCompiled(); }
  public static Tensor assign(Tensor variable, double value) { throw new NotCompiled(); }
  /** {@code variable += value}, as {@link #assign}; the new value. */
  public static Tensor assignAdd(Tensor variable, Tensor value) { throw new NotCompiled(); }
  public static Tensor assignAdd(Tensor variable, double value) { throw new NotCompiled(); }
  /** {@code variable -= value}, as {@link #assign}; the new value. */
  public static Tensor assignSub(Tensor variable, Tensor value) { throw new NotCompiled(); }
  public static Tensor assignSub(Tensor variable, double value) { throw new NotCompiled(); }

  // ---- more elementwise ops (NumPy/TensorFlow semantics) ------------------------------------

  /** {@code x} to the power {@code y}, elementwise with broadcasting; a gradient flows to both. */
  public static Tensor pow(Tensor x, Tensor y) { throw new NotCompiled(); }
  public static Tensor pow(Tensor x, double y) { throw new NotCompiled(); }
  /** {@code 1 / sqrt(x)}. */
  public static Tensor rsqrt(Tensor x) { throw new NotCompiled(); }
  /** {@code log(1 + e^x)}, computed stably. */
  public static Tensor softplus(Tensor x) { throw new NotCompiled(); }
  /** {@code x > 0 ? x : alpha * x}, with alpha 0.2. */
  public static Tensor leakyRelu(Tensor x) { throw new NotCompiled(); }
  public static Tensor leakyRelu(Tensor x, double alpha) { throw new NotCompiled(); }
  public static Tensor lessEqual(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor greaterEqual(Tensor a, Tensor b) { throw new NotCompiled(); }
  /** Elementwise {@code &&} of two bool tensors, with broadcasting. */
  public static Tensor logicalAnd(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor logicalOr(Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor logicalNot(Tensor x) { throw new NotCompiled(); }
  /**
   * {@code cond ? a : b} elementwise, the three broadcast together (NumPy's where); cond is bool.
   * The gradient reaches a where cond holds and b elsewhere.
   */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) { throw new NotCompiled(); }
  public static Tensor where(Tensor cond, Tensor a, double b) { throw new NotCompiled(); }
  public static Tensor where(Tensor cond, double a, Tensor b) { throw new NotCompiled(); }

  // ---- more matrix and shape ops ------------------------------------------------------------

  /** The transpose of a matrix. */
  public static Tensor transpose(Tensor x) { throw new NotCompiled(); }
  /** x's axes permuted: output axis i is input axis {@code perm[i]}. */
  public static Tensor permute(Tensor x, int... perm) { throw new NotCompiled(); }
  /** The inverse of a square matrix (Gauss-Jordan with partial pivoting). */
  public static Tensor matrixInverse(Tensor x) { throw new NotCompiled(); }
  /** x with a new size-1 axis at {@code axis}. */
  public static Tensor expandDims(Tensor x, int axis) { throw new NotCompiled(); }
  /** x without the size-1 axes {@code axes} (all size-1 axes when none are given). */
  public static Tensor squeeze(Tensor x, int... axes) { throw new NotCompiled(); }
  /** Joins tensors along {@code axis}; every other dimension must agree. */
  public static Tensor concat(int axis, Tensor... xs) { throw new NotCompiled(); }
  /** Joins equally shaped tensors along a new axis {@code axis}. */
  public static Tensor stack(int axis, Tensor... xs) { throw new NotCompiled(); }
  /** x cut along {@code axis} into {@code parts} equal parts; index the result with ints. */
  public static Tensor[] split(Tensor x, int parts, int axis) { throw new NotCompiled(); }
  /** x cut along {@code axis} into consecutive parts of {@code sizes}. */
  public static Tensor[] splitSizes(Tensor x, int axis, int... sizes) { throw new NotCompiled(); }
  /**
   * The block of x at {@code begin} of {@code size} elements per axis (-1: the rest of the axis),
   * e.g. {@code slice(x, new int[] {0, 2}, new int[] {-1, 3})}.
   */
  public static Tensor slice(Tensor x, int[] begin, int[] size) { throw new NotCompiled(); }
  /** Rows of {@code params} [V, D...] at integer {@code indices}: [indices..., D...]. */
  public static Tensor gather(Tensor params, Tensor indices) { throw new NotCompiled(); }
  /** F32 one-hot rows [indices..., depth]; an index outside [0, depth) gives zeros. */
  public static Tensor oneHot(Tensor indices, int depth) { throw new NotCompiled(); }
  /** x's run-time shape as an I64 vector. */
  public static Tensor shape(Tensor x) { throw new NotCompiled(); }

  // ---- more reductions ----------------------------------------------------------------------

  public static Tensor reduceProd(Tensor x, int... axes) { throw new NotCompiled(); }
  public static Tensor reduceMin(Tensor x, int... axes) { throw new NotCompiled(); }
  /** Index of the smallest element along {@code axis}, as I64. */
  public static Tensor argmin(Tensor x, int axis) { throw new NotCompiled(); }
  /** The reductions with the reduced axes kept as size 1 when {@code keepDims}. */
  public static Tensor reduceSum(Tensor x, boolean keepDims, int... axes) { throw new NotCompiled(); }
  public static Tensor reduceMean(Tensor x, boolean keepDims, int... axes) { throw new NotCompiled(); }
  public static Tensor reduceMax(Tensor x, boolean keepDims, int... axes) { throw new NotCompiled(); }
  public static Tensor reduceMin(Tensor x, boolean keepDims, int... axes) { throw new NotCompiled(); }
  public static Tensor reduceProd(Tensor x, boolean keepDims, int... axes) { throw new NotCompiled(); }

  // ---- run-time control flow ----------------------------------------------------------------
  // A tensor's value is unknown at build time, so a branch or loop that depends on one is written
  // with lambdas: each lambda body is built once into a region of the graph and runs at run time.
  // Inside a lambda, model code reads the enclosing method's tensors and the model's fields as
  // usual; gradients flow through all three (back-propagation through time for loops).

  /**
   * {@code pred ? ifTrue() : ifFalse()} decided at run time: only the taken branch runs.
   * {@code pred} is a bool scalar tensor; both branches must give tensors of one shape and dtype,
   * e.g. {@code cond(greater(reduceSum(x), scalar(0)), () -> x.times(2), () -> x.neg())}.
   * For a compile-time boolean use Java's {@code if} or {@code ?:}.
   */
  public static Tensor cond(Tensor pred, Supplier<Tensor> ifTrue, Supplier<Tensor> ifFalse) {
    throw new NotCompiled();
  }

  /**
   * Loop variables starting at {@code init}, replaced by {@code body(vars)} while
   * {@code condition(vars)} (a bool scalar) holds; returns their final values, e.g. x to the
   * run-time power n: {@code whileLoop(v -> less(v[0], n), v -> new Tensor[] {v[0].plus(1),
   * v[1].times(x)}, scalar(0), ones)[1]}. The body must keep each variable's shape and dtype
   * (an i32 counter starts at {@code cast(scalar(0), I32)}).
   */
  public static Tensor[] whileLoop(Function<Tensor[], Tensor> condition, UnaryOperator<Tensor[]> body,
      Tensor... init) {
    throw new NotCompiled();
  }

  /**
   * A recurrence over the first (time) axis of {@code xs}: {@code h = step(h, xs[t])} for t from 0
   * to xs's run-time length, starting at {@code h0}; returns the final h. One compiled model runs
   * sequences of any length without padding, e.g. an RNN over {@code xs = placeholder(F32, TIME,
   * BATCH, 4)}: {@code scan(xs, h0, (h, x) -> tanh(matmul(h, u).plus(matmul(x, w))))}. The step
   * must keep h's shape and dtype.
   */
  public static Tensor scan(Tensor xs, Tensor h0, BinaryOperator<Tensor> step) { throw new NotCompiled(); }

  /**
   * As {@link #scan}, but every state: row t of the result [time, h's shape...] is h after step t,
   * e.g. an RNN's output at each position for a per-step loss.
   */
  public static Tensor scanStates(Tensor xs, Tensor h0, BinaryOperator<Tensor> step) { throw new NotCompiled(); }

  /** Row {@code t} (an i32 scalar tensor, e.g. a loop counter) of x's first axis. */
  public static Tensor at(Tensor x, Tensor t) { throw new NotCompiled(); }

  /** The run-time length of x's first axis (a symbolic one is fixed when x is fed), as an i32 scalar. */
  public static Tensor length(Tensor x) { throw new NotCompiled(); }

  // ---- sparse matrices (COO, TensorFlow's SparseTensor) --------------------------------------

  /**
   * A sparse {@code [rows, cols]} matrix input with a run-time number of nonzeros: fed as one
   * {@code SparseNDArray}. Only in an {@code @Input SparseTensor} field.
   */
  public static SparseTensor sparsePlaceholder(DType dtype, int rows, int cols) { throw new NotCompiled(); }

  /** A sparse input whose rows are symbolic, e.g. {@code sparsePlaceholder(F32, BATCH, 1000)}. */
  public static SparseTensor sparsePlaceholder(DType dtype, Dim rows, int cols) { throw new NotCompiled(); }

  /**
   * {@code a × b} for the sparse {@code a} [rows, cols] and the dense matrix {@code b} [cols, n]:
   * [rows, n] (TensorFlow's {@code sparse_tensor_dense_matmul}); repeated coordinates add up;
   * gradients flow to a's values and to b.
   */
  public static Tensor sparseMatmul(SparseTensor a, Tensor b) { throw new NotCompiled(); }

  /** {@code aᵀ × b} when {@code adjointA}: b is [rows, n], the result [cols, n]. */
  public static Tensor sparseMatmul(SparseTensor a, Tensor b, boolean adjointA) { throw new NotCompiled(); }

  /** The sparse matrix as a dense [rows, cols] one: zeros where no value, sums at repeats. */
  public static Tensor sparseToDense(SparseTensor a) { throw new NotCompiled(); }

  // ---- summaries ----------------------------------------------------------------------------

  /**
   * {@code x}, also recorded as a scalar summary under {@code tag} (prefixed with the current name
   * scope): a one-element tensor, shown as a curve over training steps. Every summary of a model
   * is computed by one merged fetch, the facade's {@code summaries(...)}.
   */
  public static Tensor scalarSummary(String tag, Tensor x) { throw new NotCompiled(); }

  /** {@code x}, also recorded as a histogram of all its elements under {@code tag}. */
  public static Tensor histogramSummary(String tag, Tensor x) { throw new NotCompiled(); }

  /**
   * {@code images}, also recorded as images under {@code tag}: {@code [h, w]}, {@code [h, w, c]}
   * or {@code [n, h, w, c]} with c 1, 3 or 4 and values in 0..1 (the first 3 images are written).
   */
  public static Tensor imageSummary(String tag, Tensor images) { throw new NotCompiled(); }

  // ---- ordering -----------------------------------------------------------------------------

  /**
   * {@code value}, returned only after every one of {@code deps} has run (TensorFlow's control
   * dependencies): {@code withDependencies(loss, assignAdd(step, 1))} counts training steps.
   */
  public static Tensor withDependencies(Tensor value, Tensor... deps) { throw new NotCompiled(); }

  /**
   * The tensor {@code body} computes, its nodes named under the name scope {@code name}
   * ({@code encoder/MatMul}), as a call of a model method is: for grouping in the graph view
   * without writing a method.
   */
  public static Tensor scope(String name, java.util.function.Supplier<Tensor> body) {
    throw new NotCompiled();
  }
}
