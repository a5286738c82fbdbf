package dev.kiln.dsl;

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

  /** The batch dimension: fixed by whatever is fed. */
  public static final Dim BATCH = Dim.named("batch");

  // ---- graph leaves -------------------------------------------------------------------------

  /** A placeholder of static shape. */
  public static Tensor placeholder(DType dtype, int... shape) { throw new NotCompiled(); }

  /** A placeholder whose leading dimension is symbolic, e.g. {@code placeholder(F32, BATCH, 784)}. */
  public static Tensor placeholder(DType dtype, Dim first, int... rest) { throw new NotCompiled(); }

  /** A placeholder whose two leading dimensions are symbolic (batch, time). */
  public static Tensor placeholder(DType dtype, Dim first, Dim second, int... rest) {
    throw new NotCompiled();
  }

  /** A trainable f32 variable of static shape drawn from {@code init} when a model is created. */
  public static Tensor variable(Initializer init, int... shape) { throw new NotCompiled(); }

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
}
