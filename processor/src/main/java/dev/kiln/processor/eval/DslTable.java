package dev.kiln.processor.eval;

import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import dev.kiln.processor.eval.Call.FieldRole;
import dev.kiln.processor.eval.Value.DimValue;
import dev.kiln.processor.eval.Value.InitValue;
import dev.kiln.processor.eval.Value.NumberValue;
import dev.kiln.processor.eval.Value.ScalarValue;
import dev.kiln.processor.eval.Value.TensorValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one table from the DSL ({@code dev.kiln.dsl.Ops} statics and constants, {@code Tensor}
 * fluent methods) to graph nodes. A fluent call {@code x.m(args)} is the {@code Ops} op of
 * {@link #FLUENT}'s name for {@code m} with {@code x} as argument 0.
 */
public final class DslTable {
  private DslTable() {}

  @FunctionalInterface
  interface Op {
    Value apply(Call c);
  }

  @FunctionalInterface
  private interface Binary {
    Node emit(GraphBuilder b, Node x, Node y);
  }

  @FunctionalInterface
  private interface Unary {
    Node emit(GraphBuilder b, Node x);
  }

  @FunctionalInterface
  private interface Reduce {
    Node emit(GraphBuilder b, Node x, boolean keepDims, int... axes);
  }

  private static final Map<String, Op> OPS = new LinkedHashMap<>();
  private static final Map<String, String> FLUENT = new LinkedHashMap<>();
  private static final Map<String, Value> CONSTANTS = new LinkedHashMap<>();

  static {
    CONSTANTS.put("F32", new Value.DTypeValue(DType.F32));
    CONSTANTS.put("F64", new Value.DTypeValue(DType.F64));
    CONSTANTS.put("I32", new Value.DTypeValue(DType.I32));
    CONSTANTS.put("I64", new Value.DTypeValue(DType.I64));
    CONSTANTS.put("BOOL", new Value.DTypeValue(DType.BOOL));
    for (DType t : List.of(DType.I16, DType.I8, DType.U8, DType.F16, DType.BF16)) {
      CONSTANTS.put(t.name(), new Value.DTypeValue(t));
    }
    CONSTANTS.put("BATCH", new DimValue("batch"));
    CONSTANTS.put("SAME", new Value.EnumValue(NeuralCalls.PADDING, "SAME"));
    CONSTANTS.put("VALID", new Value.EnumValue(NeuralCalls.PADDING, "VALID"));

    // graph leaves
    OPS.put("placeholder", DslTable::placeholder);
    OPS.put("variable", DslTable::variable);
    OPS.put("scalar", c -> {
      c.arity(1, 1);
      return new ScalarValue(c.number(0));
    });
    // initializers
    initializer("constant", 1);
    initializer("zeros", 0);
    initializer("ones", 0);
    initializer("truncatedNormal", 2);
    initializer("randomNormal", 2);
    initializer("randomUniform", 2);
    initializer("glorotUniform", 0);
    // elementwise
    binary("add", Emit::add);
    binary("sub", Emit::sub);
    binary("mul", Emit::mul);
    binary("div", Emit::div);
    binary("maximum", Emit::maximum);
    binary("minimum", Emit::minimum);
    binary("equal", Emit::equal);
    binary("notEqual", Emit::notEqual);
    binary("less", Emit::less);
    binary("greater", Emit::greater);
    unary("neg", Emit::neg);
    unary("exp", Emit::exp);
    unary("log", Emit::log);
    unary("sqrt", Emit::sqrt);
    unary("square", Emit::square);
    unary("abs", Emit::abs);
    unary("tanh", Emit::tanh);
    unary("sigmoid", Emit::sigmoid);
    unary("relu", Emit::relu);
    OPS.put("cast", c -> {
      c.arity(2, 2);
      return tensor(Emit.cast(c.b, c.tensor(0), c.dtype(1)));
    });
    // matrices and shapes
    OPS.put("matmul", c -> {
      c.arity(2, 4);
      if (c.count() == 3) {
        throw c.error(c.written + ": expects 2 arguments, or 4 with both transpose flags, got 3");
      }
      boolean ta = c.count() == 4 && c.bool(2);
      boolean tb = c.count() == 4 && c.bool(3);
      return tensor(Emit.matmul(c.b, c.tensor(0), c.tensor(1), ta, tb));
    });
    OPS.put("reshape", c -> {
      c.arity(1, Integer.MAX_VALUE);
      Node x = c.tensor(0);
      if (c.count() > 1 && c.args.subList(1, c.count()).stream().anyMatch(DimValue.class::isInstance)) {
        List<Dim> dims = new ArrayList<>();
        for (int i = 1; i < c.count(); i++) {
          dims.add(c.dim(i));
        }
        return tensor(Emit.reshape(c.b, x, new Shape(dims)));
      }
      long[] sizes = new long[c.count() - 1];
      for (int i = 1; i < c.count(); i++) {
        sizes[i - 1] = c.intArg(i);
      }
      return tensor(Emit.reshape(c.b, x, sizes));
    });
    // reductions (keepDims=false; no axes = all axes)
    reduction("reduceSum", Emit::reduceSum);
    reduction("reduceMean", Emit::reduceMean);
    reduction("reduceMax", Emit::reduceMax);
    OPS.put("argmax", c -> {
      c.arity(2, 2);
      return tensor(Emit.argmax(c.b, c.tensor(0), c.intArg(1)));
    });
    // neural (over the last axis)
    unary("softmax", Emit::softmax);
    unary("logSoftmax", Emit::logSoftmax);
    // state writes (into @State or @Param fields)
    OPS.put("assign", c -> StateCalls.write(c, Emit::assign));
    OPS.put("assignAdd", c -> StateCalls.write(c, Emit::assignAdd));
    OPS.put("assignSub", c -> StateCalls.write(c, Emit::assignSub));
    OPS.put("scalarSummary", c -> SummaryCalls.summary(c, dev.kiln.compiler.ir.Summary.Kind.SCALAR));
    OPS.put("histogramSummary", c -> SummaryCalls.summary(c, dev.kiln.compiler.ir.Summary.Kind.HISTOGRAM));
    OPS.put("imageSummary", c -> SummaryCalls.summary(c, dev.kiln.compiler.ir.Summary.Kind.IMAGE));
    OPS.put("withDependencies", c -> {
      c.arity(2, Integer.MAX_VALUE);
      return tensor(Emit.withDependencies(c.b, c.tensor(0), c.tensors(1)));
    });

    // Tensor's fluent methods: each the Ops op of the same meaning with the receiver first.
    for (String same : List.of("maximum", "minimum", "neg", "exp", "log", "sqrt", "square", "abs",
        "tanh", "sigmoid", "relu", "equal", "notEqual", "less", "greater", "cast", "matmul",
        "reshape", "argmax", "div")) {
      FLUENT.put(same, same);
    }
    FLUENT.put("plus", "add");
    FLUENT.put("minus", "sub");
    FLUENT.put("times", "mul");
    FLUENT.put("sum", "reduceSum");
    FLUENT.put("mean", "reduceMean");
    FLUENT.put("max", "reduceMax");
  }

  // Ops of the op-coverage issue (NumPy/TensorFlow semantics).
  static {
    binary("pow", Emit::pow);
    binary("lessEqual", Emit::lessEqual);
    binary("greaterEqual", Emit::greaterEqual);
    binary("logicalAnd", Emit::logicalAnd);
    binary("logicalOr", Emit::logicalOr);
    unary("logicalNot", Emit::logicalNot);
    unary("rsqrt", Emit::rsqrt);
    unary("softplus", Emit::softplus);
    OPS.put("leakyRelu", c -> {
      c.arity(1, 2);
      return tensor(Emit.leakyRelu(c.b, c.tensor(0), c.count() == 2 ? c.number(1) : 0.2));
    });
    OPS.put("where", c -> {
      c.arity(3, 3);
      DType like = c.raw(1) instanceof TensorValue t ? t.node().type().dtype()
          : c.raw(2) instanceof TensorValue t ? t.node().type().dtype() : DType.F32;
      return tensor(Emit.where(c.b, c.tensor(0), c.tensorLike(1, like), c.tensorLike(2, like)));
    });
    unary("transpose", Emit::transpose);
    OPS.put("permute", c -> {
      c.arity(2, Integer.MAX_VALUE);
      return tensor(Emit.permute(c.b, c.tensor(0), c.ints(1)));
    });
    unary("matrixInverse", Emit::matrixInverse);
    OPS.put("expandDims", c -> {
      c.arity(2, 2);
      return tensor(Emit.expandDims(c.b, c.tensor(0), c.intArg(1)));
    });
    OPS.put("squeeze", c -> {
      c.arity(1, Integer.MAX_VALUE);
      return tensor(Emit.squeeze(c.b, c.tensor(0), c.ints(1)));
    });
    OPS.put("concat", c -> {
      c.arity(2, Integer.MAX_VALUE);
      return tensor(Emit.concat(c.b, c.intArg(0), c.tensors(1)));
    });
    OPS.put("stack", c -> {
      c.arity(2, Integer.MAX_VALUE);
      return tensor(Emit.stack(c.b, c.intArg(0), c.tensors(1)));
    });
    OPS.put("split", c -> {
      c.arity(3, 3);
      return tensors(Emit.splitEvenly(c.b, c.tensor(0), c.intArg(1), c.intArg(2)));
    });
    OPS.put("splitSizes", c -> {
      c.arity(3, Integer.MAX_VALUE);
      return tensors(Emit.split(c.b, c.tensor(0), c.intArg(1), c.ints(2)));
    });
    OPS.put("slice", c -> {
      c.arity(3, 3);
      return tensor(Emit.slice(c.b, c.tensor(0), c.intArray(1), c.intArray(2)));
    });
    OPS.put("gather", c -> {
      c.arity(2, 2);
      return tensor(Emit.gather(c.b, c.tensor(0), c.tensor(1)));
    });
    OPS.put("oneHot", c -> {
      c.arity(2, 2);
      return tensor(Emit.oneHot(c.b, c.tensor(0), c.intArg(1)));
    });
    unary("shape", Emit::shape);
    reduction("reduceProd", Emit::reduceProd);
    reduction("reduceMin", Emit::reduceMin);
    OPS.put("argmin", c -> {
      c.arity(2, 2);
      return tensor(Emit.argmin(c.b, c.tensor(0), c.intArg(1)));
    });
    for (String same : List.of("pow", "rsqrt", "softplus", "leakyRelu", "lessEqual",
        "greaterEqual", "logicalAnd", "logicalOr", "logicalNot", "transpose", "permute",
        "matrixInverse", "expandDims", "squeeze", "split", "slice", "gather", "argmin")) {
      FLUENT.put(same, same);
    }
    FLUENT.put("prod", "reduceProd");
    FLUENT.put("min", "reduceMin");
  }

  private static Value tensors(List<Node> parts) {
    return new Value.ArrayValue(parts.stream().<Value>map(TensorValue::new).toList());
  }

  // Neural, random and value ops (see NeuralCalls); zeros, ones and the random draws keep their
  // initializer forms, told apart by their arguments.
  static {
    OPS.put("softmaxCrossEntropyWithLogits", c -> {
      c.arity(2, 2);
      return tensor(Emit.softmaxCrossEntropyWithLogits(c.b, c.tensor(0), c.tensor(1)));
    });
    OPS.put("sigmoidCrossEntropyWithLogits", c -> {
      c.arity(2, 2);
      return tensor(Emit.sigmoidCrossEntropyWithLogits(c.b, c.tensor(0), c.tensor(1)));
    });
    OPS.put("conv2d", NeuralCalls::conv2d);
    OPS.put("maxPool", c -> NeuralCalls.pool(c, Emit::maxPool));
    OPS.put("avgPool", c -> NeuralCalls.pool(c, Emit::avgPool));
    OPS.put("dropout", NeuralCalls::dropout);
    Op zeros = OPS.get("zeros");
    Op ones = OPS.get("ones");
    OPS.put("zeros", c -> NeuralCalls.filled(c, zeros, 0));
    OPS.put("ones", c -> NeuralCalls.filled(c, ones, 1));
    OPS.put("fill", NeuralCalls::fill);
    OPS.put("range", NeuralCalls::range);
    Op normal = OPS.get("randomNormal");
    Op uniform = OPS.get("randomUniform");
    Op truncated = OPS.get("truncatedNormal");
    OPS.put("randomNormal", c -> NeuralCalls.random(c, normal, Emit::randomNormal));
    OPS.put("randomUniform", c -> NeuralCalls.random(c, uniform, Emit::randomUniform));
    OPS.put("truncatedNormal", c -> NeuralCalls.random(c, truncated, Emit::truncatedNormal));
    unary("randomShuffle", Emit::randomShuffle);
    FLUENT.put("dropout", "dropout");
  }

  // Sparse (COO) matrices (see SparseCalls): an @Input SparseTensor is three placeholders.
  static {
    OPS.put("sparsePlaceholder", SparseCalls::placeholder);
    OPS.put("sparseMatmul", SparseCalls::matmul);
    OPS.put("sparseToDense", SparseCalls::toDense);
  }

  // Run-time control flow (see ControlFlowCalls): the evaluator passes lambdas as FunctionValues.
  static {
    OPS.put("cond", ControlFlowCalls::cond);
    OPS.put("scope", ControlFlowCalls::scope);
    OPS.put("whileLoop", ControlFlowCalls::whileLoop);
    OPS.put("scan", ControlFlowCalls::scan);
    OPS.put("scanStates", ControlFlowCalls::scanStates);
    OPS.put("at", c -> {
      c.arity(2, 2);
      return tensor(dev.kiln.compiler.ops.ControlFlow.at(c.b, c.tensor(0), c.tensor(1)));
    });
    unary("length", dev.kiln.compiler.ops.ControlFlow::length);
  }

  /** The op a static {@code Ops} method of this name builds. */
  static Optional<Op> op(String opsName) {
    return Optional.ofNullable(OPS.get(opsName));
  }

  /** The {@code Ops} name of a {@code Tensor} fluent method. */
  static Optional<String> fluent(String tensorMethod) {
    return Optional.ofNullable(FLUENT.get(tensorMethod));
  }

  /** The value of an {@code Ops} constant (a dtype or {@code BATCH}). */
  static Optional<Value> constant(String name) {
    return Optional.ofNullable(CONSTANTS.get(name));
  }

  /** Every Ops method, Tensor method and Ops constant the table understands (for tests). */
  public static List<String> opsMethods() {
    return List.copyOf(OPS.keySet());
  }

  public static List<String> tensorMethods() {
    return List.copyOf(FLUENT.keySet());
  }

  public static List<String> opsConstants() {
    return List.copyOf(CONSTANTS.keySet());
  }

  private static Value tensor(Node n) {
    return new TensorValue(n);
  }

  private static void initializer(String kind, int arity) {
    OPS.put(kind, c -> {
      c.arity(arity, arity);
      double[] args = new double[arity];
      for (int i = 0; i < arity; i++) {
        args[i] = c.number(i);
      }
      return new InitValue(kind, args);
    });
  }

  private static void binary(String name, Binary emit) {
    OPS.put(name, c -> {
      c.arity(2, 2);
      DType like = DType.F32;
      if (c.raw(0) instanceof TensorValue t) {
        like = t.node().type().dtype();
      } else if (c.raw(1) instanceof TensorValue t) {
        like = t.node().type().dtype();
      }
      Node x = c.tensorLike(0, like);
      Node y = c.tensorLike(1, like);
      return tensor(emit.emit(c.b, x, y));
    });
  }

  private static void unary(String name, Unary emit) {
    OPS.put(name, c -> {
      c.arity(1, 1);
      return tensor(emit.emit(c.b, c.tensor(0)));
    });
  }

  private static void reduction(String name, Reduce emit) {
    OPS.put(name, c -> {
      c.arity(1, Integer.MAX_VALUE);
      // reduceSum(x, axes...) or reduceSum(x, keepDims, axes...): told apart by argument 1's kind.
      boolean flag = c.count() > 1 && c.raw(1) instanceof Value.BoolValue;
      return tensor(emit.emit(c.b, c.tensor(0), flag && c.bool(1), c.ints(flag ? 2 : 1)));
    });
  }

  private static Value placeholder(Call c) {
    if (c.fieldRole != FieldRole.INPUT) {
      throw c.error("placeholder(...) may only initialize an @Input field; declare the input as"
          + " a field '@Input Tensor x = placeholder(...)' and use the field");
    }
    c.arity(1, Integer.MAX_VALUE);
    DType dtype = c.dtype(0);
    List<Dim> dims = new ArrayList<>();
    for (int i = 1; i < c.count(); i++) {
      dims.add(c.dim(i));
    }
    return tensor(Emit.placeholder(c.b, c.fieldName, dtype, new Shape(dims)));
  }

  private static Value variable(Call c) {
    if (c.fieldRole != FieldRole.PARAM && c.fieldRole != FieldRole.STATE) {
      throw c.error("variable(...) may only initialize a @Param or @State field; declare the parameter as"
          + " a field '@Param Tensor w = variable(...)' and use the field");
    }
    c.arity(1, Integer.MAX_VALUE);
    // variable(init, shape...) is f32; variable(dtype, init, shape...) names the dtype.
    int first = c.raw(0) instanceof Value.DTypeValue ? 1 : 0;
    DType dtype = first == 1 ? c.dtype(0) : DType.F32;
    if (!dtype.isFloating()) {
      throw c.errorAt(0, c.written + ": a variable holds f32, f64, f16 or bf16 values, got "
          + dtype.label());
    }
    c.arity(first + 1, Integer.MAX_VALUE);
    InitValue init = c.init(first);
    long[] sizes = new long[c.count() - first - 1];
    for (int i = first + 1; i < c.count(); i++) {
      if (c.raw(i) instanceof DimValue d) {
        throw c.errorAt(i, c.written + ": a variable's shape must be static, got the symbolic dimension " + d.symbol());
      }
      sizes[i - first - 1] = c.positiveSize(i);
    }
    return tensor(c.fieldRole == FieldRole.STATE
        ? Emit.stateVariable(c.b, c.fieldName, dtype, Shape.of(sizes), init.kind(), init.args())
        : Emit.variable(c.b, c.fieldName, dtype, Shape.of(sizes), init.kind(), init.args()));
  }
}
