package dev.kiln.codegen.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.GeneratedFile;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.NDArray;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleUnaryOperator;

/**
 * Builds a tiny graph, compiles it with the Java backend (one FETCH entry point per fetched node),
 * and checks the generated code against the reference interpreter on random inputs.
 */
final class Harness {
  /** Every op some generated test kernel computed: checked for completeness at the end. */
  static final Set<String> EXERCISED = ConcurrentHashMap.newKeySet();

  final GraphBuilder b = new GraphBuilder();
  final List<Node> inputs = new ArrayList<>();
  final List<Node> params = new ArrayList<>();
  final Map<String, Node> fetches = new LinkedHashMap<>();
  /** How each input's random values are drawn (default: standard normal / small ints / coin). */
  final Map<String, DoubleUnaryOperator> shaping = new HashMap<>();
  /** Inputs fed these exact values (cycled to fill the shape) instead of random draws. */
  final Map<String, double[]> fixed = new HashMap<>();
  /** Floats must match bit for bit (NaN equals NaN, -0.0 differs from 0.0), not within 1e-5. */
  boolean exact;
  /**
   * The generator the interpreter draws from, mirroring the instance's (random ops): for
   * {@code create(42)}, {@code new SplittableRandom(42).split()}; null for a seed-0 interpreter.
   */
  java.util.random.RandomGenerator generator;
  private final String name;
  String source;
  Object instance;
  Class<?> type;

  Harness(String name) {
    this.name = name;
  }

  /** A placeholder; dims are Integer (static) or String (symbol). */
  Node input(String n, DType t, Object... dims) {
    Node p = Emit.placeholder(b, n, t, shape(dims));
    inputs.add(p);
    return p;
  }

  Node param(String n, DType t, long... dims) {
    Node p = Emit.variable(b, n, t, Shape.of(dims), "randomNormal", 0, 1);
    params.add(p);
    return p;
  }

  static Shape shape(Object... dims) {
    List<Dim> ds = new ArrayList<>();
    for (Object d : dims) {
      ds.add(d instanceof String s ? Dim.symbol(s) : Dim.of(((Number) d).longValue()));
    }
    return new Shape(ds);
  }

  Harness fetch(String n, Node node) {
    fetches.put(n, node);
    return this;
  }

  CompiledModel model() {
    List<EntryPoint> eps = new ArrayList<>();
    for (var e : fetches.entrySet()) {
      List<Node> schedule = Interpreter.closure(List.of(e.getValue()));
      List<Node> in = inputs.stream().filter(schedule::contains).toList();
      eps.add(new EntryPoint(e.getKey(), EntryPoint.Kind.FETCH, in, e.getValue(), Map.of(), schedule));
      for (Node n : ControlFlowKernels.allNodes(schedule)) {
        if (n.op().kind() != OpKind.SOURCE) {
          EXERCISED.add(n.op().name());
        }
      }
    }
    return new CompiledModel("test.gen", name, b.graph(), inputs, params, eps);
  }

  Harness compile() {
    CompiledModel model = model();
    List<GeneratedFile> files = JavaBackend.generate(model);
    source = files.getFirst().content();
    type = InMemoryJavac.compileAndLoad(files, "test.gen." + name + "Compiled");
    try {
      instance = type.getMethod("create", long.class).invoke(null, 42L);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    return this;
  }

  /** Runs every fetch on random inputs with every symbol bound to each size; compares. */
  void check(int... sizes) {
    if (instance == null) {
      compile();
    }
    SplittableRandom rng = new SplittableRandom(7);
    for (int size : sizes) {
      Map<String, Integer> bind = new HashMap<>();
      Map<String, Value> feeds = new HashMap<>();
      Map<String, NDArray> arrays = new HashMap<>();
      for (Node in : inputs) {
        int[] shape = in.shape().dims().stream()
            .mapToInt(d -> d.isStatic() ? (int) d.size() : bind.computeIfAbsent(d.symbol(), s -> size))
            .toArray();
        String n = in.attrs().get("name");
        Value v = fixed.containsKey(n) ? cycled(in.type().dtype(), shape, fixed.get(n))
            : random(in.type().dtype(), shape, rng, shaping.get(n));
        feeds.put(n, v);
        arrays.put(n, toNDArray(v));
      }
      Map<String, Value> vars = new HashMap<>();
      for (var e : variables().entrySet()) {
        vars.put(e.getKey(), toValue(e.getValue()));
      }
      Interpreter interp = generator != null ? new Interpreter(feeds, vars, generator)
          : new Interpreter(feeds, vars);
      for (var e : fetches.entrySet()) {
        Value expected = interp.run(e.getValue());
        Object actual = call(e.getKey(), e.getValue(), arrays);
        compare(e.getKey() + " (size " + size + ")", expected, actual, exact);
      }
    }
  }

  @SuppressWarnings("unchecked")
  Map<String, NDArray> variables() {
    try {
      return (Map<String, NDArray>) type.getMethod("variables").invoke(instance);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  Object call(String method, Node output, Map<String, NDArray> arrays) {
    List<Node> closure = Interpreter.closure(List.of(output));
    List<Object> args = new ArrayList<>();
    for (Node in : inputs) {
      if (closure.contains(in)) {
        args.add(arrays.get(in.attrs().<String>get("name")));
      }
    }
    return invoke(instance, method, args.toArray());
  }

  static Object invoke(Object target, String method, Object... args) {
    for (Method m : target.getClass().getMethods()) {
      if (m.getName().equals(method) && m.getParameterCount() == args.length) {
        try {
          return m.invoke(target, args);
        } catch (InvocationTargetException e) {
          throw new AssertionError("generated " + method + " threw", e.getCause());
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    throw new AssertionError("no method " + method + "/" + args.length + " on " + target.getClass());
  }

  static Value random(DType t, int[] shape, SplittableRandom rng, DoubleUnaryOperator f) {
    double[] data = new double[Value.sizeOf(shape)];
    for (int i = 0; i < data.length; i++) {
      double v = switch (t) {
        case BOOL -> rng.nextBoolean() ? 1 : 0;
        case I32, I64 -> rng.nextInt(-5, 6);
        // the whole range of the narrow integers, so sums and products wrap
        case I16 -> rng.nextInt(Short.MIN_VALUE, Short.MAX_VALUE + 1);
        case I8 -> rng.nextInt(Byte.MIN_VALUE, Byte.MAX_VALUE + 1);
        case U8 -> rng.nextInt(0, 256);
        default -> rng.nextGaussian();
      };
      data[i] = f == null ? v : f.applyAsDouble(v);
    }
    return new Value(t, shape, data);
  }

  static NDArray toNDArray(Value v) {
    NDArray a = NDArray.zeros(v.dtype(), v.shape());
    double[] d = v.data();
    for (int i = 0; i < d.length; i++) {
      switch (v.dtype()) {
        case F32 -> a.floats()[i] = (float) d[i];
        case F64 -> a.doubles()[i] = d[i];
        case I32 -> a.ints()[i] = (int) d[i];
        case I64 -> a.longs()[i] = (long) d[i];
        case BOOL -> a.bools()[i] = d[i] != 0;
        case I16 -> a.shorts()[i] = (short) d[i];
        case I8, U8 -> a.bytes()[i] = (byte) (int) d[i];
        case F16 -> a.shorts()[i] = Float.floatToFloat16((float) d[i]);
        case BF16 -> a.shorts()[i] = Value.floatToBf16((float) d[i]);
      }
    }
    return a;
  }

  static Value toValue(NDArray a) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.elementAsDouble(i);
    }
    return new Value(a.dtype(), a.shape(), d);
  }

  /** {@code values} repeated to fill {@code shape}. */
  static Value cycled(DType t, int[] shape, double[] values) {
    double[] data = new double[Value.sizeOf(shape)];
    for (int i = 0; i < data.length; i++) {
      data[i] = values[i % values.length];
    }
    return new Value(t, shape, data);
  }

  static void compare(String what, Value expected, Object actual) {
    compare(what, expected, actual, false);
  }

  static void compare(String what, Value expected, Object actual, boolean exact) {
    double[] got;
    int[] shape;
    DType dtype;
    switch (actual) {
      case NDArray a -> {
        got = toValue(a).data();
        shape = a.shape();
        dtype = a.dtype();
      }
      case Float f -> { got = new double[] {f}; shape = new int[0]; dtype = DType.F32; }
      case Double f -> { got = new double[] {f}; shape = new int[0]; dtype = DType.F64; }
      case Integer f -> { got = new double[] {f}; shape = new int[0]; dtype = DType.I32; }
      case Long f -> { got = new double[] {f}; shape = new int[0]; dtype = DType.I64; }
      case Boolean f -> { got = new double[] {f ? 1 : 0}; shape = new int[0]; dtype = DType.BOOL; }
      case Short f -> { got = new double[] {f}; shape = new int[0]; dtype = DType.I16; }
      case Byte f -> { got = new double[] {f}; shape = new int[0]; dtype = DType.I8; }
      default -> throw new AssertionError(what + ": unexpected result " + actual);
    }
    if (actual instanceof Number && dtype != expected.dtype() && (expected.dtype() == DType.U8
        || expected.dtype() == DType.F16 || expected.dtype() == DType.BF16)) {
      dtype = expected.dtype(); // u8 scalars come back as int, f16/bf16 ones as float
    }
    assertEquals(expected.dtype(), dtype, what + ": dtype");
    assertArrayEquals(expected.shape(), shape, what + ": shape");
    double[] want = expected.data();
    for (int i = 0; i < want.length; i++) {
      boolean ok;
      if (exact) {
        ok = Double.compare(want[i], got[i]) == 0;
      } else if (dtype.isFloating()) {
        double tol = (dtype == DType.F64 ? 1e-12 : 1e-5) * Math.max(1, Math.abs(want[i]));
        ok = (Double.isNaN(want[i]) && Double.isNaN(got[i])) || want[i] == got[i]
            || Math.abs(want[i] - got[i]) <= tol;
      } else {
        ok = want[i] == got[i];
      }
      if (!ok) {
        fail(what + ": element " + i + " is " + got[i] + ", the interpreter says " + want[i]);
      }
    }
  }
}
