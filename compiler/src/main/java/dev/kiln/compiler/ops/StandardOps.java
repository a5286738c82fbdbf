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

  private static final Map<String, OpDef> BY_NAME = new LinkedHashMap<>();

  static {
    for (OpDef op : List.of(PLACEHOLDER, VARIABLE, CONSTANT, ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM,
        EQUAL, NOT_EQUAL, LESS, GREATER, NEG, EXP, LOG, SQRT, SQUARE, ABS, TANH, SIGMOID, RELU,
        CAST, MATMUL, RESHAPE, REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX, ARGMAX, SOFTMAX, LOG_SOFTMAX,
        BROADCAST_LIKE, SUM_TO_SHAPE, ELEMENT_COUNT)) {
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
