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
    CONSTANTS.put("BATCH", new DimValue("batch"));

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
          dims.add(c.raw(i) instanceof DimValue d ? Dim.symbol(d.symbol()) : Dim.of(positive(c, i)));
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
      return tensor(emit.emit(c.b, c.tensor(0), false, c.ints(1)));
    });
  }

  private static long positive(Call c, int i) {
    int v = c.intArg(i);
    if (v <= 0) {
      throw c.errorAt(i, c.written + ": a size must be positive, got " + v);
    }
    return v;
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
      dims.add(c.raw(i) instanceof DimValue d ? Dim.symbol(d.symbol()) : Dim.of(positive(c, i)));
    }
    return tensor(Emit.placeholder(c.b, c.fieldName, dtype, new Shape(dims)));
  }

  private static Value variable(Call c) {
    if (c.fieldRole != FieldRole.PARAM) {
      throw c.error("variable(...) may only initialize a @Param field; declare the parameter as"
          + " a field '@Param Tensor w = variable(...)' and use the field");
    }
    c.arity(1, Integer.MAX_VALUE);
    InitValue init = c.init(0);
    long[] sizes = new long[c.count() - 1];
    for (int i = 1; i < c.count(); i++) {
      if (c.raw(i) instanceof DimValue d) {
        throw c.errorAt(i, c.written + ": a variable's shape must be static, got the symbolic dimension " + d.symbol());
      }
      sizes[i - 1] = positive(c, i);
    }
    return tensor(Emit.variable(c.b, c.fieldName, DType.F32, Shape.of(sizes), init.kind(), init.args()));
  }
}
