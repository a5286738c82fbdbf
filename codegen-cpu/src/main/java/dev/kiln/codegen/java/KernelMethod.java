package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * One kernel under construction: a private static method of the generated class taking input
 * arrays (named after the graph nodes they hold) and one int per symbolic dimension it uses
 * (named after the symbol), returning a new output array. Static dimensions are inlined as
 * literals, so a kernel reads like the shapes in the graph.
 */
final class KernelMethod {
  /** Names kernels use internally; symbol locals never take these. */
  static final Set<String> INTERNAL_NAMES = Set.of("i", "j", "p", "r", "o", "q", "out", "acc",
      "n", "m", "k", "i0", "k0", "j0", "iEnd", "kEnd", "jEnd", "a", "av", "sum", "max", "lse",
      "best", "bestValue", "v", "base", "row", "rows", "inner", "outer", "count", "in", "check",
      "state", "rng", "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11",
      "c12", "c13", "c14", "c15", "e", "exps",
      // window kernels (conv2d, pools): image, output and input positions, channels, bases
      "img", "oh", "ow", "kh", "kw", "ih", "iw", "ch", "f", "oBase", "xBase", "wBase", "g", "wT",
      "scale", "perm", "swap", "z",
      // convolutions as products (im2col)
      "cols", "cBase", "from");

  private final Symbols symbols;
  private final NameAllocator names = new NameAllocator();
  private final List<ParameterSpec> arrayParams = new ArrayList<>();
  private final List<String> arrayArgs = new ArrayList<>();
  private final Map<String, String> paramByArg = new LinkedHashMap<>();
  private final Set<String> usedSymbols = new LinkedHashSet<>();
  /** Whether the kernel draws from the model's generator (parameter {@code rng}). */
  private String generatorArg;
  final CodeBlock.Builder code = CodeBlock.builder();

  KernelMethod(Symbols symbols) {
    this.symbols = symbols;
    for (String internal : INTERNAL_NAMES) {
      names.newName(internal, "internal:" + internal);
    }
    for (String ident : symbols.all()) {
      names.newName(ident, "symbol:" + ident);
    }
  }

  /**
   * Declares an array parameter holding {@code node}'s elements, passed {@code callArg} at the
   * call site; one parameter per distinct argument.
   */
  String input(Node node, String callArg) {
    String existing = paramByArg.get(callArg);
    if (existing != null) {
      return existing;
    }
    String name = names.newName(NameAllocator.toJavaIdentifier(node.name().replace('/', '_')));
    arrayParams.add(ParameterSpec.builder(JavaTypes.array(node.type().dtype()), name).build());
    arrayArgs.add(callArg);
    paramByArg.put(callArg, name);
    return name;
  }

  /**
   * Declares the parameter {@code rng}, the model's seeded generator, passed {@code callArg} at
   * the call site; returns its name.
   */
  String generator(String callArg) {
    generatorArg = callArg;
    return "rng";
  }

  /** A new local name inside the kernel, close to {@code suggestion}. */
  String local(String suggestion) {
    return names.newName(NameAllocator.toJavaIdentifier(suggestion.replace('/', '_')));
  }

  /** A dimension as an int expression: a literal, or the symbol's parameter. */
  String dim(Dim d) {
    if (d.isStatic()) {
      return Long.toString(d.size());
    }
    String ident = symbols.ident(d.symbol());
    usedSymbols.add(ident);
    return ident;
  }

  /** The element count of {@code dims} as an int expression, static factors folded. */
  String size(List<Dim> dims) {
    long constant = 1;
    List<String> factors = new ArrayList<>();
    for (Dim d : dims) {
      if (d.isStatic()) {
        constant *= d.size();
      } else {
        factors.add(dim(d));
      }
    }
    if (constant != 1 || factors.isEmpty()) {
      factors.add(Long.toString(constant));
    }
    return String.join(" * ", factors);
  }

  String size(Shape s) {
    return size(s.dims());
  }

  /** {@code e} parenthesized unless it is a single token. */
  static String paren(String e) {
    return e.contains(" ") ? "(" + e + ")" : e;
  }

  /**
   * The flat index into an operand broadcast to {@code out}, at flat output index {@code i}.
   * {@code operand} is aligned to {@code out}'s rank: each of its dims is 1 or equals out's.
   */
  String broadcastIndex(String i, List<Dim> out, List<Dim> operand) {
    int rank = out.size();
    boolean same = true;
    boolean allOne = true;
    for (int d = 0; d < rank; d++) {
      same &= operand.get(d).equals(out.get(d));
      allOne &= isOne(operand.get(d));
    }
    if (same) {
      return i;
    }
    if (allOne) {
      return "0";
    }
    // A trailing block: ones, then exactly out's trailing dims.
    int start = 0;
    while (start < rank && isOne(operand.get(start))) {
      start++;
    }
    boolean suffix = true;
    for (int d = start; d < rank; d++) {
      suffix &= operand.get(d).equals(out.get(d));
    }
    if (suffix) {
      return i + " % " + paren(size(out.subList(start, rank)));
    }
    // General case: rebuild each coordinate the operand varies along.
    List<String> terms = new ArrayList<>();
    for (int d = 0; d < rank; d++) {
      if (isOne(operand.get(d))) {
        continue;
      }
      List<Dim> outInner = out.subList(d + 1, rank);
      String coord = outInner.isEmpty() ? i : i + " / " + paren(size(outInner));
      if (d > 0) {
        coord = "(" + paren(coord) + " % " + paren(dim(out.get(d))) + ")";
      } else if (!outInner.isEmpty()) {
        coord = "(" + coord + ")";
      }
      List<Dim> operandInner = new ArrayList<>();
      for (Dim od : operand.subList(d + 1, rank)) {
        if (!isOne(od)) {
          operandInner.add(od);
        }
      }
      String stride = operandInner.isEmpty() ? "1" : size(operandInner);
      terms.add(stride.equals("1") ? coord : coord + " * " + paren(stride));
    }
    return String.join(" + ", terms);
  }

  static boolean isOne(Dim d) {
    return d.isStatic() && d.size() == 1;
  }

  /** Builds the method under {@code name}. */
  MethodSpec build(String name, TypeName returns, String javadoc) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(returns)
        .addJavadoc("$L", javadoc);
    m.addParameters(arrayParams);
    if (generatorArg != null) {
      m.addParameter(java.util.random.RandomGenerator.class, "rng");
    }
    for (String s : usedSymbols) {
      m.addParameter(TypeName.INT, s);
    }
    return m.addCode(code.build()).build();
  }

  /** The call-site arguments, in parameter order. */
  List<String> callArgs() {
    List<String> args = new ArrayList<>(arrayArgs);
    if (generatorArg != null) {
      args.add(generatorArg);
    }
    args.addAll(usedSymbols);
    return args;
  }

  /** Class-wide Java names of the model's symbolic dimensions. */
  static final class Symbols {
    private final NameAllocator names = new NameAllocator();
    private final Map<String, String> bySymbol = new LinkedHashMap<>();

    Symbols(Set<String> reserved) {
      for (String r : INTERNAL_NAMES) {
        names.newName(r, "internal:" + r);
      }
      for (String r : reserved) {
        names.newName(r, "reserved:" + r);
      }
    }

    String ident(String symbol) {
      return bySymbol.computeIfAbsent(symbol,
          s -> names.newName(NameAllocator.toJavaIdentifier(s), "symbol:" + s));
    }

    Set<String> all() {
      return new LinkedHashSet<>(bySymbol.values());
    }
  }
}
