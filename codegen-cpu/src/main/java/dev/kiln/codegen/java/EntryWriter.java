package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.NameAllocator;
import dev.kiln.codegen.kernel.Fusion;
import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.OpKind;
import dev.kiln.compiler.ir.Region;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Writes the body of one entry point: shape checks of its inputs, symbol bindings, then every
 * scheduled node in order, each as a call of its kernel preceded by a comment naming the node.
 */
final class EntryWriter implements KernelTable.EmitContext {
  static final ClassName SHAPE_CHECK = ClassName.get("dev.kiln.runtime", "ShapeCheck");

  private final JavaBackend.ClassContext cls;
  private final EntryPoint ep;
  private final CodeBlock.Builder body;
  /** Locals of the method; shared with the writers of nested control-flow regions. */
  private final NameAllocator locals;
  private final Map<Node, String> arrays = new HashMap<>();
  /** Elementwise nodes computed inside the loop of the group rooted at the mapped node. */
  private final Map<Node, Node> groupOf = new HashMap<>();
  /** Variables this entry point writes: their reads are snapshots taken before any write. */
  private final Set<String> written;
  /** Nodes handed out besides the output (the merged summaries fetch): never fused away. */
  private final List<Node> extraResults = new ArrayList<>();

  EntryWriter(JavaBackend.ClassContext cls, EntryPoint ep, Set<String> reserved) {
    this.cls = cls;
    this.ep = ep;
    this.body = CodeBlock.builder();
    this.locals = new NameAllocator();
    this.written = StateKernels.writtenVariables(ep.schedule());
    for (String r : reserved) {
      locals.newName(r, "reserved:" + r);
    }
    for (String s : cls.symbols.all()) {
      locals.newName(s, "symbol:" + s);
    }
  }

  /**
   * A writer of a control-flow region inlined into {@code parent}'s method: same body and locals,
   * the region's params already held by the locals in {@code bound}.
   */
  private EntryWriter(EntryWriter parent, EntryPoint region, Map<Node, String> bound) {
    this.cls = parent.cls;
    this.ep = region;
    this.body = parent.body;
    this.locals = parent.locals;
    this.written = parent.written;
    this.arrays.putAll(bound);
  }

  /** The parameter name of a placeholder: its {@code name} attribute. */
  static String inputName(Node placeholder) {
    return NameAllocator.toJavaIdentifier(placeholder.attrs().<String>get("name"));
  }

  /**
   * The parameter name of the sparse input a placeholder is part of ({@code sparse} attribute:
   * indices, values and shape witness of one {@code SparseNDArray}), or null for a plain input.
   */
  static String sparseName(Node placeholder) {
    return placeholder.attrs().has("sparse")
        ? NameAllocator.toJavaIdentifier(placeholder.attrs().<String>get("sparse")) : null;
  }

  /** Also hands out {@code nodes}, so fusion keeps each in an array of its own. */
  EntryWriter alsoResults(List<Node> nodes) {
    extraResults.addAll(nodes);
    return this;
  }

  /** Writes checks, bindings and the schedule; returns the code. */
  CodeBlock write(String checkLabel) {
    prologue(checkLabel);
    planFusion();
    for (Node n : ep.schedule()) {
      emitNode(n);
    }
    return body.build();
  }

  CodeBlock.Builder body() {
    return body;
  }

  // ---- prologue -----------------------------------------------------------------------------

  private void prologue(String checkLabel) {
    body.addStatement("$T check = new $T($S)", SHAPE_CHECK, SHAPE_CHECK, checkLabel);
    // A sparse input arrives as one SparseNDArray: checked (coordinates inside its dense shape),
    // then unpacked into the arrays of its placeholders, which are checked like any input below.
    Set<String> sparse = new LinkedHashSet<>();
    for (Node in : ep.inputs()) {
      String group = sparseName(in);
      if (group != null && sparse.add(group)) {
        body.addStatement("$T.check($S, $L)", JavaBackend.SPARSE_NDARRAY, in.attrs().<String>get("sparse"), group);
      }
      if (group != null) {
        String name = in.attrs().get("name");
        String part = name.substring(name.lastIndexOf('/') + 1);
        body.addStatement("$T $L = $L.$L()", JavaBackend.NDARRAY, inputName(in), group,
            part.equals("shape") ? "shapeWitness" : part);
      }
    }
    Set<String> bound = new LinkedHashSet<>();
    for (Node in : ep.inputs()) {
      CodeBlock.Builder c = CodeBlock.builder();
      c.add("check.check($S, $L, $T.$L", in.attrs().<String>get("name"), inputName(in),
          DType.class, in.type().dtype().name());
      for (Dim d : in.shape().dims()) {
        if (d.isStatic()) {
          c.add(", $L", d.size());
        } else {
          c.add(", $S", d.symbol());
          bound.add(d.symbol());
        }
      }
      body.addStatement(c.add(")").build());
    }
    for (String s : bound) {
      body.addStatement("int $L = check.symbol($S)", cls.symbols.ident(s), s);
    }
    bound.addAll(ControlFlowKernels.loopBoundSymbols(ep.schedule()));
    for (Node n : ep.schedule()) {
      for (Dim d : n.shape().dims()) {
        if (!d.isStatic() && !bound.contains(d.symbol())) {
          throw new IllegalStateException("entry point " + ep.name() + ": node " + n
              + " has the dimension " + d.symbol() + ", which none of its inputs binds");
        }
      }
    }
    for (Node in : ep.inputs()) {
      String local = locals.newName(inputName(in) + "Data");
      body.addStatement("$T $L = $L.$L()", JavaTypes.array(in.type().dtype()), local,
          inputName(in), JavaTypes.accessor(in.type().dtype()));
      arrays.put(in, local);
    }
  }

  // ---- fusion -------------------------------------------------------------------------------

  /** Groups elementwise nodes into loops: the decision every backend shares (see {@link Fusion}). */
  private void planFusion() {
    groupOf.putAll(Fusion.plan(ep.schedule(), results()));
  }

  /** The nodes the entry point hands out: its output and its gradients. */
  List<Node> results() {
    List<Node> r = new ArrayList<>();
    r.add(ep.output());
    r.addAll(ep.gradients().values());
    r.addAll(extraResults);
    return r;
  }

  // ---- nodes --------------------------------------------------------------------------------

  private void emitNode(Node n) {
    switch (n.op().name()) {
      case "Placeholder" -> {
        if (!arrays.containsKey(n)) {
          throw new IllegalStateException("entry point " + ep.name() + " reads placeholder "
              + n.name() + " but does not list it among its inputs");
        }
        return;
      }
      case "Variable" -> {
        String field = cls.paramField(n);
        String local = locals.newName(field + "Data");
        if (written.contains(n.attrs().<String>get("name"))) {
          // Reads of a variable this entry point writes see its value from before the write.
          body.add("// $L is written below: reads see a copy of its value before the write\n", field);
          body.addStatement("$T $L = $L.$L().clone()",
              JavaTypes.array(n.type().dtype()), local, field, JavaTypes.accessor(n.type().dtype()));
        } else {
          body.addStatement("$T $L = $L.$L()", JavaTypes.array(n.type().dtype()), local, field,
              JavaTypes.accessor(n.type().dtype()));
        }
        arrays.put(n, local);
        return;
      }
      case "Const" -> {
        return; // read where used: inline literal or static field
      }
      case "Arg" -> {
        if (!arrays.containsKey(n)) {
          throw new IllegalStateException("region param " + n.name() + " is not bound in " + ep.name());
        }
        return; // a control-flow region's param: bound to a local of the enclosing code
      }
      default -> { }
    }
    if (n.op().kind() == OpKind.SOURCE) {
      throw new UnsupportedOperationException("the Java backend cannot read source op " + n.op().name());
    }
    if (n.op().kind() == OpKind.ELEMENTWISE) {
      if (groupOf.get(n) == n) {
        emitGroup(n);
      }
      return;
    }
    KernelTable.Template t = KernelTable.get(n.op().name());
    if (!(t instanceof KernelTable.Emitter e)) {
      throw new IllegalStateException("op " + n.op().name() + " is not elementwise but has an expression template");
    }
    List<String> inputs = new ArrayList<>();
    for (Node in : n.inputs()) {
      inputs.add(arrayOf(in));
    }
    if (StateKernels.isWrite(n)) {
      // A write goes to the variable's own array, not to the snapshot its reads use.
      Node v = n.input(0);
      inputs.set(0, cls.paramField(v) + "." + JavaTypes.accessor(v.type().dtype()) + "()");
    }
    body.add("\n");
    body.add("// $L\n", describe(n));
    String out = locals.newName(ident(n));
    e.emit(this, n, inputs, out);
    arrays.put(n, out);
  }

  /** The local (or static field) holding {@code n}'s elements. */
  String arrayOf(Node n) {
    String a = arrays.get(n);
    if (a == null && n.op().name().equals("Const")) {
      a = cls.constantField(n);
      arrays.put(n, a);
    }
    if (a == null) {
      throw new IllegalStateException("node " + n + " is used before it is computed in " + ep.name());
    }
    return a;
  }

  /** One loop computing every node of the group rooted at {@code root}, one element per pass. */
  private void emitGroup(Node root) {
    List<Node> members = new ArrayList<>();
    for (Node n : ep.schedule()) {
      if (groupOf.get(n) == root) {
        members.add(n);
      }
    }
    KernelMethod k = kernel();
    List<Dim> outDims = root.shape().dims();
    int rank = outDims.size();
    DType outType = root.type().dtype();
    String et = JavaTypes.element(outType).toString();
    Map<Node, String> element = new HashMap<>();
    CodeBlock.Builder c = k.code;
    c.addStatement("$L[] out = new $L[$L]", et, et, k.size(root.shape()));
    StringJoiner names = new StringJoiner(", ");
    members.forEach(m -> names.add(m.name()));
    c.add("// elementwise loop: $L\n", names);
    c.beginControlFlow("for (int i = 0; i < out.length; i++)");
    for (Node m : members) {
      List<String> args = new ArrayList<>();
      for (Node in : m.inputs()) {
        String e = element.get(in);
        if (e == null) {
          e = leafElement(k, in, outDims, rank);
        }
        args.add(e);
      }
      KernelTable.Template t = KernelTable.get(m.op().name());
      if (!(t instanceof KernelTable.Expr expr)) {
        throw new IllegalStateException("elementwise op " + m.op().name() + " has no expression template");
      }
      DType in = m.input(0).type().dtype();
      String value = expr.render(in, m.type().dtype(), m.attrs(), args);
      if (m == root) {
        c.addStatement("out[i] = $L", JavaTypes.store(outType, value));
      } else {
        // Intermediates live in the compute type, rounded to their dtype (i8 wraps, f16 rounds).
        String local = k.local(ident(m));
        c.addStatement("$T $L = $L", JavaTypes.compute(m.type().dtype()), local,
            JavaTypes.round(m.type().dtype(), value));
        element.put(m, local);
      }
    }
    c.endControlFlow();
    c.addStatement("return out");

    body.add("\n");
    if (members.size() == 1) {
      body.add("// $L\n", describe(root));
    } else {
      body.add("// Fused elementwise loop over $L nodes -> $L:\n", members.size(), root.type());
      for (Node m : members) {
        body.add("//   $L\n", describe(m));
      }
    }
    String out = locals.newName(ident(root));
    String base = members.size() == 1 ? lowerFirst(root.op().name()) : "fused";
    call(k, base, root, out, members.size() == 1
        ? describe(root)
        : "Fused: " + names + " -> " + root.type());
    arrays.put(root, out);
  }

  /** The element of a group input {@code n} at output index i. */
  private String leafElement(KernelMethod k, Node n, List<Dim> outDims, int rank) {
    if (n.op().name().equals("Const")) {
      double[] values = n.attrs().getDoubles("values");
      if (values.length == 1) {
        return JavaTypes.literal(n.type().dtype(), values[0]);
      }
    }
    String param = k.input(n, arrayOf(n));
    List<Dim> aligned = new ArrayList<>(n.shape().dims());
    while (aligned.size() < rank) {
      aligned.addFirst(Dim.of(1));
    }
    return JavaTypes.load(n.type().dtype(), param + "[" + k.broadcastIndex("i", outDims, aligned) + "]");
  }

  // ---- EmitContext --------------------------------------------------------------------------

  @Override
  public KernelMethod kernel() {
    return new KernelMethod(cls.symbols);
  }

  @Override
  public void call(KernelMethod kernel, String baseName, Node node, String out, String javadoc) {
    String name = cls.addKernel(baseName + "_" + ident(node),
        n -> kernel.build(n, JavaTypes.array(node.type().dtype()), javadoc + "\n"));
    body.addStatement("$T $L = $L($L)", JavaTypes.array(node.type().dtype()), out, name,
        String.join(", ", kernel.callArgs()));
  }

  @Override
  public void statement(CodeBlock code) {
    body.add(code);
  }

  @Override
  public CodeBlock.Builder code() {
    return body;
  }

  @Override
  public String newLocal(String suggestion) {
    return locals.newName(NameAllocator.toJavaIdentifier(suggestion));
  }

  @Override
  public List<String> inlineRegion(Region r, List<String> args, String label) {
    Map<Node, String> bound = new HashMap<>();
    for (int i = 0; i < r.params().size(); i++) {
      bound.put(r.params().get(i), args.get(i));
    }
    Map<Node, Node> others = new LinkedHashMap<>();
    for (Node res : r.results().subList(1, r.results().size())) {
      others.put(res, res);
    }
    EntryPoint region = new EntryPoint(ep.name() + "/" + label, EntryPoint.Kind.FETCH, List.of(),
        r.results().getFirst(), others, Interpreter.closure(r.results()));
    EntryWriter w = new EntryWriter(this, region, bound);
    w.planFusion();
    for (Node n : region.schedule()) {
      w.emitNode(n);
    }
    return r.results().stream().map(w::arrayOf).toList();
  }

  @Override
  public boolean training() {
    return ep.kind() == EntryPoint.Kind.TRAIN;
  }

  @Override
  public String generator() {
    return cls.generator();
  }

  // ---- results ------------------------------------------------------------------------------

  /** An expression of {@code n}'s value as an NDArray (copied when it aliases model state or inputs). */
  CodeBlock ndarray(Node n) {
    String data = arrayOf(n);
    if (aliasesSource(n)) {
      data = data + ".clone()";
    }
    DType t = n.type().dtype();
    // NDArray.of has no short[]/byte[] overloads: those arrays hold several dtypes, so wrap names it.
    CodeBlock.Builder c = JavaTypes.narrow(t)
        ? CodeBlock.builder().add("$T.wrap($T.$L, $L", JavaBackend.NDARRAY, DType.class, t.name(), data)
        : CodeBlock.builder().add("$T.of($L", JavaBackend.NDARRAY, data);
    KernelMethod dims = kernel();
    for (Dim d : n.shape().dims()) {
      c.add(", $L", dims.dim(d));
    }
    return c.add(")").build();
  }

  /** Whether {@code n}'s array is a placeholder's, variable's or constant's own (or a view of one). */
  private static boolean aliasesSource(Node n) {
    while (n.op().name().equals("Reshape") || n.op().name().equals("ControlDependency")) {
      n = n.input(0);
    }
    return n.op().kind() == OpKind.SOURCE || StateKernels.isWrite(n);
  }

  /** A scalar result as its Java primitive: see {@link JavaTypes#scalar}. */
  CodeBlock scalar(Node n) {
    DType t = n.type().dtype();
    String e = arrayOf(n) + "[0]";
    return CodeBlock.of("$L", t == DType.U8 || t == DType.F16 || t == DType.BF16 ? JavaTypes.load(t, e) : e);
  }

  // ---- names --------------------------------------------------------------------------------

  static String ident(Node n) {
    return NameAllocator.toJavaIdentifier(n.name().replace('/', '_'));
  }

  static String lowerFirst(String s) {
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  /**
   * {@code logits/MatMul: MatMul(examples, weights) -> f32[batch, 10]}, followed by the source
   * position the front end recorded, so a reader can go from a kernel back to the model's line.
   */
  static String describe(Node n) {
    return dev.kiln.codegen.kernel.Describe.node(n);
  }
}
