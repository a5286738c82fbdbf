package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.OpDef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every op Kiln defines, once. Backends keep one kernel per entry of {@link #all()}. */
public final class StandardOps {
  private StandardOps() {}

  public static final OpDef PLACEHOLDER = new Placeholder();
  public static final OpDef VARIABLE = new Variable();
  public static final OpDef CONSTANT = new Constant();

  public static final OpDef ADD = new Add();
  public static final OpDef SUB = new Sub();
  public static final OpDef MUL = new Mul();
  public static final OpDef DIV = new Div();
  public static final OpDef MAXIMUM = new Maximum();
  public static final OpDef MINIMUM = new Minimum();
  public static final OpDef EQUAL = new Equal();
  public static final OpDef NOT_EQUAL = new NotEqual();
  public static final OpDef LESS = new Less();
  public static final OpDef GREATER = new Greater();

  public static final OpDef NEG = new Neg();
  public static final OpDef EXP = new Exp();
  public static final OpDef LOG = new Log();
  public static final OpDef SQRT = new Sqrt();
  public static final OpDef SQUARE = new Square();
  public static final OpDef ABS = new Abs();
  public static final OpDef TANH = new Tanh();
  public static final OpDef SIGMOID = new Sigmoid();
  public static final OpDef RELU = new Relu();

  public static final OpDef CAST = new Cast();
  public static final OpDef MATMUL = new MatMul();
  public static final OpDef RESHAPE = new Reshape();
  public static final OpDef REDUCE_SUM = new ReduceSum();
  public static final OpDef REDUCE_MEAN = new ReduceMean();
  public static final OpDef REDUCE_MAX = new ReduceMax();
  public static final OpDef ARGMAX = new ArgMax();
  public static final OpDef SOFTMAX = new Softmax();
  public static final OpDef LOG_SOFTMAX = new LogSoftmax();
  public static final OpDef BROADCAST_LIKE = new BroadcastLike();
  public static final OpDef SUM_TO_SHAPE = new SumToShape();
  public static final OpDef ELEMENT_COUNT = new ElementCount();
  public static final OpDef CONTROL_DEPENDENCY = new ControlDependency();

  // Run-time control flow (see ControlFlow): regions' params, multi-result reads, cond, while,
  // and row access by a run-time index (loop tapes, sequences).
  public static final OpDef ARG = new Arg();
  public static final OpDef OUTPUT = new Output();
  public static final OpDef IF = new If();
  public static final OpDef WHILE = new While();
  public static final OpDef AT = new At();
  public static final OpDef SCATTER_AT = new ScatterAt();

  // Elementwise, matrix, shape and reduction ops of the op-coverage issue.
  public static final OpDef POW = new Pow();
  public static final OpDef RSQRT = new Rsqrt();
  public static final OpDef LEAKY_RELU = new LeakyRelu();
  public static final OpDef SOFTPLUS = new Softplus();
  public static final OpDef LOGICAL_AND = new LogicalAnd();
  public static final OpDef LOGICAL_OR = new LogicalOr();
  public static final OpDef LOGICAL_NOT = new LogicalNot();
  public static final OpDef SELECT = new Select();
  public static final OpDef LESS_EQUAL = new LessEqual();
  public static final OpDef GREATER_EQUAL = new GreaterEqual();
  public static final OpDef BATCH_MATMUL = new BatchMatMul();
  public static final OpDef TRANSPOSE = new Transpose();
  public static final OpDef MATRIX_INVERSE = new MatrixInverse();
  public static final OpDef CONCAT = new Concat();
  public static final OpDef SLICE = new Slice();
  public static final OpDef UNSLICE = new Unslice();
  public static final OpDef GATHER = new Gather();
  public static final OpDef SCATTER_ADD = new ScatterAdd();
  public static final OpDef SHAPE = new ShapeOf();
  public static final OpDef REDUCE_PROD = new ReduceProd();
  public static final OpDef REDUCE_MIN = new ReduceMin();
  public static final OpDef ARGMIN = new ArgMin();

  // State: writes into variables (impure; see AssignOp).
  public static final OpDef ASSIGN = new Assign();
  public static final OpDef ASSIGN_ADD = new AssignAdd();
  public static final OpDef ASSIGN_SUB = new AssignSub();

  // Neural, random and value ops (conv2d, pools, fused losses, dropout, random tensors).
  public static final OpDef SOFTMAX_CROSS_ENTROPY = new SoftmaxCrossEntropyWithLogits();
  public static final OpDef SIGMOID_CROSS_ENTROPY = new SigmoidCrossEntropyWithLogits();
  public static final OpDef CONV2D = new Conv2D();
  public static final OpDef CONV2D_BACKPROP_INPUT = new Conv2DBackpropInput();
  public static final OpDef CONV2D_BACKPROP_FILTER = new Conv2DBackpropFilter();
  public static final OpDef MAX_POOL = new MaxPool();
  public static final OpDef MAX_POOL_GRAD = new MaxPoolGrad();
  public static final OpDef AVG_POOL = new AvgPool();
  public static final OpDef AVG_POOL_GRAD = new AvgPoolGrad();
  public static final OpDef DROPOUT_MASK = new DropoutMask();
  public static final OpDef RANDOM_NORMAL = new RandomTensor.Normal();
  public static final OpDef RANDOM_UNIFORM = new RandomTensor.Uniform();
  public static final OpDef TRUNCATED_NORMAL = new RandomTensor.Truncated();
  public static final OpDef RANDOM_SHUFFLE = new RandomShuffle();

  // Sparse (COO) matrices: indices, values and a shape witness (see SparseSupport).
  public static final OpDef SPARSE_MATMUL = new SparseMatMul();
  public static final OpDef SPARSE_MATMUL_VALUES_GRAD = new SparseMatMulValuesGrad();
  public static final OpDef SPARSE_TO_DENSE = new SparseToDense();
  public static final OpDef SPARSE_GATHER = new SparseGather();

  private static final Map<String, OpDef> BY_NAME = new LinkedHashMap<>();

  static {
    for (OpDef op : List.of(PLACEHOLDER, VARIABLE, CONSTANT, ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM,
        EQUAL, NOT_EQUAL, LESS, GREATER, NEG, EXP, LOG, SQRT, SQUARE, ABS, TANH, SIGMOID, RELU,
        CAST, MATMUL, RESHAPE, REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX, ARGMAX, SOFTMAX, LOG_SOFTMAX,
        BROADCAST_LIKE, SUM_TO_SHAPE, ELEMENT_COUNT, CONTROL_DEPENDENCY)) {
      if (BY_NAME.put(op.name(), op) != null) {
        throw new AssertionError("two ops named " + op.name());
      }
    }
  }

  static {
    for (OpDef op : List.of(POW, RSQRT, LEAKY_RELU, SOFTPLUS, LOGICAL_AND, LOGICAL_OR, LOGICAL_NOT,
        SELECT, LESS_EQUAL, GREATER_EQUAL, BATCH_MATMUL, TRANSPOSE, MATRIX_INVERSE, CONCAT, SLICE,
        UNSLICE, GATHER, SCATTER_ADD, SHAPE, REDUCE_PROD, REDUCE_MIN, ARGMIN)) {
      if (BY_NAME.put(op.name(), op) != null) {
        throw new AssertionError("two ops named " + op.name());
      }
    }
  }

  static {
    for (OpDef op : List.of(ASSIGN, ASSIGN_ADD, ASSIGN_SUB)) {
      if (BY_NAME.put(op.name(), op) != null) {
        throw new AssertionError("two ops named " + op.name());
      }
    }
  }

  static {
    for (OpDef op : List.of(SOFTMAX_CROSS_ENTROPY, SIGMOID_CROSS_ENTROPY, CONV2D,
        CONV2D_BACKPROP_INPUT, CONV2D_BACKPROP_FILTER, MAX_POOL, MAX_POOL_GRAD, AVG_POOL,
        AVG_POOL_GRAD, DROPOUT_MASK, RANDOM_NORMAL, RANDOM_UNIFORM, TRUNCATED_NORMAL, RANDOM_SHUFFLE)) {
      if (BY_NAME.put(op.name(), op) != null) {
        throw new AssertionError("two ops named " + op.name());
      }
    }
  }

  static {
    for (OpDef op : List.of(ARG, OUTPUT, IF, WHILE, AT, SCATTER_AT)) {
      if (BY_NAME.put(op.name(), op) != null) {
        throw new AssertionError("two ops named " + op.name());
      }
    }
  }

  static {
    for (OpDef op : List.of(SPARSE_MATMUL, SPARSE_MATMUL_VALUES_GRAD, SPARSE_TO_DENSE, SPARSE_GATHER)) {
      if (BY_NAME.put(op.name(), op) != null) {
        throw new AssertionError("two ops named " + op.name());
      }
    }
  }

  public static List<OpDef> all() {
    return List.copyOf(BY_NAME.values());
  }

  public static OpDef byName(String name) {
    OpDef op = BY_NAME.get(name);
    if (op == null) {
      throw new IllegalArgumentException("no op named " + name);
    }
    return op;
  }
}
