package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.MultiOutputOp;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Region;
import dev.kiln.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Java templates of the control-flow ops. {@code cond} and {@code whileLoop} become a plain
 * {@code if}/{@code else} and {@code while} in the entry point, their regions' nodes written
 * inline (each still a commented kernel call); their results travel in an {@code Object[]} that
 * {@code Output} nodes cast back. A recording loop (built for back-propagation through time)
 * keeps every iteration's loop variables in a list, then stacks them into one tape array per
 * variable, sized by the trip count, and binds the tape's {@code steps} symbol to that count.
 */
final class ControlFlowKernels {
  private ControlFlowKernels() {}

  /** Symbols that recording loops of {@code schedule} bind when they finish. */
  static Set<String> loopBoundSymbols(List<Node> schedule) {
    Set<String> out = new LinkedHashSet<>();
    for (Node n : schedule) {
      if (n.op().name().equals("While") && n.attrs().has("record") && n.attrs().getBool("record")) {
        out.add(n.attrs().get("steps"));
      }
    }
    return out;
  }

  static void ifElse(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    CodeBlock.Builder c = ctx.code();
    List<String> caps = inputs.subList(1, inputs.size());
    c.add("\n// $L\n", EntryWriter.describe(node));
    c.addStatement("$T[] $L", Object.class, out);
    c.beginControlFlow("if ($L[0])", inputs.getFirst());
    c.addStatement("$L = new $T[] {$L}", out, Object.class,
        String.join(", ", ctx.inlineRegion(node.attrs().get("then"), caps, "then")));
    c.nextControlFlow("else");
    c.addStatement("$L = new $T[] {$L}", out, Object.class,
        String.join(", ", ctx.inlineRegion(node.attrs().get("else"), caps, "else")));
    c.endControlFlow();
  }

  static void whileLoop(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    int n = node.attrs().getInt("loopVars");
    boolean record = node.attrs().has("record") && node.attrs().getBool("record");
    List<TensorType> types = ((MultiOutputOp) node.op()).outputTypes(node);
    CodeBlock.Builder c = ctx.code();
    String base = EntryWriter.ident(node);
    c.add("\n// $L\n", EntryWriter.describe(node));
    List<String> vars = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      String v = ctx.newLocal(base + "_var" + k);
      c.addStatement("$T $L = $L", type(types.get(k)), v, inputs.get(k));
      vars.add(v);
    }
    List<String> args = new ArrayList<>(vars);
    args.addAll(inputs.subList(n, inputs.size()));
    String tape = record ? ctx.newLocal(base + "_iterations") : null;
    if (record) {
      c.add("// Back-propagation through time needs every iteration's loop variables.\n");
      c.addStatement("$T<$T[]> $L = new $T<>()", ArrayList.class, Object.class, tape, ArrayList.class);
    }
    c.beginControlFlow("while (true)");
    c.add("// condition\n");
    String more = ctx.inlineRegion(node.attrs().get("cond"), args, "cond").getFirst();
    c.beginControlFlow("if (!$L[0])", more).addStatement("break").endControlFlow();
    if (record) {
      c.addStatement("$L.add(new $T[] {$L})", tape, Object.class, String.join(", ", vars));
    }
    c.add("// body\n");
    List<String> next = ctx.inlineRegion(node.attrs().get("body"), args, "body");
    List<String> temps = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      String t = ctx.newLocal(base + "_next" + k);
      c.addStatement("$T $L = $L", type(types.get(k)), t, next.get(k));
      temps.add(t);
    }
    for (int k = 0; k < n; k++) {
      c.addStatement("$L = $L", vars.get(k), temps.get(k));
    }
    c.endControlFlow();
    List<String> results = new ArrayList<>(vars);
    if (record) {
      String steps = ctx.newLocal(base + "_steps");
      c.addStatement("int $L = $L.size()", steps, tape);
      c.addStatement("int $L = $L", ctx.kernel().dim(Dim.symbol(node.attrs().get("steps"))), steps);
      results.add("new int[] {" + steps + "}");
      for (int k = 0; k < n; k++) {
        TypeName t = type(types.get(k));
        String stacked = ctx.newLocal(base + "_tape" + k);
        String s = ctx.newLocal("s");
        c.addStatement("$T $L = new $T[$L * $L.length]", t, stacked,
            JavaTypes.element(types.get(k).dtype()), steps, vars.get(k));
        c.beginControlFlow("for (int $L = 0; $L < $L; $L++)", s, s, steps, s);
        c.addStatement("$T.arraycopy(($T) $L.get($L)[$L], 0, $L, $L * $L.length, $L.length)", System.class,
            t, tape, s, k, stacked, s, vars.get(k), vars.get(k));
        c.endControlFlow();
        results.add(stacked);
      }
    }
    c.addStatement("$T[] $L = {$L}", Object.class, out, String.join(", ", results));
  }

  static void output(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    TypeName t = type(node.type());
    ctx.statement(CodeBlock.of("$T $L = ($T) $L[$L]; // $L\n", t, out, t, inputs.getFirst(),
        node.attrs().getInt("index"), EntryWriter.describe(node)));
  }

  static void at(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    Node xn = node.input(0);
    String x = k.input(xn, inputs.get(0));
    String t = k.input(node.input(1), inputs.get(1));
    String row = KernelMethod.paren(k.size(node.shape()));
    String rows = k.dim(xn.shape().dim(0));
    String et = JavaTypes.element(node.type().dtype()).toString();
    CodeBlock.Builder c = k.code;
    c.beginControlFlow("if ($L[0] < 0 || $L[0] >= $L)", t, t, rows);
    c.addStatement("throw new $T($S + $L[0] + $S + $L + $S)", IllegalArgumentException.class,
        "at: index ", t, " is out of range for ", rows, " rows");
    c.endControlFlow();
    c.addStatement("$L[] out = new $L[$L]", et, et, row);
    c.addStatement("$T.arraycopy($L, $L[0] * $L, out, 0, $L)", System.class, x, t, row, row);
    c.addStatement("return out");
    ctx.call(k, "at", node, out, "Row of %s %s at a run-time index -> %s".formatted(
        xn.name(), xn.type(), node.type()));
  }

  static void scatterAt(KernelTable.EmitContext ctx, Node node, List<String> inputs, String out) {
    KernelMethod k = ctx.kernel();
    String v = k.input(node.input(0), inputs.get(0));
    String t = k.input(node.input(2), inputs.get(2));
    String row = KernelMethod.paren(k.size(node.input(0).shape()));
    String et = JavaTypes.element(node.type().dtype()).toString();
    CodeBlock.Builder c = k.code;
    c.add("// zeros, but for row t\n");
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(node.shape()));
    c.addStatement("$T.arraycopy($L, 0, out, $L[0] * $L, $L)", System.class, v, t, row, row);
    c.addStatement("return out");
    ctx.call(k, "scatterAt", node, out, "%s placed as a row of zeros %s".formatted(
        node.input(0).name(), node.type()));
  }

  /** The nodes of {@code g} and of every region nested in them. */
  static List<Node> allNodes(dev.kiln.compiler.ir.Graph g) {
    return allNodes(g.nodes());
  }

  /** {@code nodes} and the nodes of every region nested in them. */
  static List<Node> allNodes(List<Node> nodes) {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      out.add(n);
      for (Region r : regions(n)) {
        out.addAll(allNodes(r.graph()));
      }
    }
    return out;
  }

  private static TypeName type(TensorType t) {
    return JavaTypes.array(t.dtype());
  }

  /** Every region of a control-flow node (none for other nodes). */
  static List<Region> regions(Node n) {
    List<Region> out = new ArrayList<>();
    for (Object v : n.attrs().asMap().values()) {
      if (v instanceof Region r) {
        out.add(r);
      }
    }
    return out;
  }
}
