package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.GeneratedFile;
import dev.kiln.dsl.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * The Java backend: turns a compiled model into one readable Java class, {@code <Model>Compiled},
 * holding the model's variables and one typed method per entry point. Every scheduled node
 * becomes a call of a small private static kernel (chains of elementwise nodes fuse into one
 * loop), commented with the graph node it computes, so a user can step through it in a debugger.
 */
public final class JavaBackend {
  static final String RUNTIME = "dev.kiln.runtime";
  static final ClassName NDARRAY = ClassName.get(RUNTIME, "NDArray");
  static final ClassName SUMMARIES = ClassName.get(RUNTIME, "Summaries");
  static final ClassName SPARSE_NDARRAY = ClassName.get(RUNTIME, "SparseNDArray");
  static final ClassName MODEL_STATE = ClassName.get(RUNTIME, "ModelState");
  static final ClassName INITIALIZERS = ClassName.get(RUNTIME, "Initializers");
  static final ClassName OPTIMIZER = ClassName.get(RUNTIME, "Optimizer");
  static final ClassName OPTIMIZER_STATE = ClassName.get(RUNTIME, "OptimizerState");

  private JavaBackend() {}

  /** The generated facade source for {@code model}. */
  public static List<GeneratedFile> generate(CompiledModel model) {
    ClassContext cls = new ClassContext(model);
    TypeSpec type = cls.build();
    JavaFile file = JavaFile.builder(model.packageName(), type)
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
    return List.of(new GeneratedFile(GeneratedFile.Kind.JAVA_SOURCE, model.packageName(),
        type.name(), file.toString()));
  }

  /** Class-wide state: names, kernels and constants shared by the entry points. */
  static final class ClassContext {
    final CompiledModel model;
    final String className;
    final KernelMethod.Symbols symbols;
    /** Why the LLVM backend cannot run this model (a clause), or null when it covers every op. */
    final String nativeUnsupported;
    private final Map<Node, String> paramFields = new LinkedHashMap<>();
    /** By node (identity): nodes of control-flow regions have ids of their own graphs. */
    private final Map<Node, String> constantFields = new LinkedHashMap<>();
    private final Map<String, MethodSpec> kernels = new LinkedHashMap<>();
    private final List<FieldSpec> constants = new ArrayList<>();
    private final CodeBlock.Builder staticInit = CodeBlock.builder();
    private final NameAllocator staticNames = new NameAllocator();
    private final Set<String> inputNames = new HashSet<>();

    ClassContext(CompiledModel model) {
      this.model = model;
      this.className = model.simpleName() + "Compiled";
      this.nativeUnsupported = NativeCallWriter.unsupported(model);
      for (Node in : model.inputs()) {
        inputNames.add(EntryWriter.inputName(in));
      }
      for (EntryPoint ep : model.entryPoints()) {
        for (Node in : ep.inputs()) {
          inputNames.add(EntryWriter.inputName(in));
          if (EntryWriter.sparseName(in) != null) {
            inputNames.add(EntryWriter.sparseName(in));
          }
        }
      }
      Set<String> reserved = new HashSet<>(inputNames);
      reserved.add("state");
      reserved.add("optimizerState");
      NameAllocator fields = new NameAllocator();
      fields.newName("state", "state");
      fields.newName("optimizerState", "optimizerState");
      for (String r : List.of("rng", "seed", "optimizer", "file", "check", "nativeCode", "nativeState", "backend")) {
        fields.newName(r, r);
      }
      for (String r : TrainerWriter.FIELDS) {
        if (!r.equals("optimizer") && !r.equals("optimizerState")) {
          fields.newName(r, r); // the trainer's fields would shadow model variables of these names
        }
      }
      for (Node p : model.params()) {
        String f = fields.newName(NameAllocator.toJavaIdentifier(p.attrs().<String>get("name")));
        paramFields.put(p, f);
        reserved.add(f);
        staticNames.newName(f, "field:" + f);
      }
      symbols = new KernelMethod.Symbols(reserved);
      // Name every symbol up front (control-flow regions' too), so that kernels and entry points
      // avoid them all.
      for (Node n : ControlFlowKernels.allNodes(model.graph())) {
        for (Dim d : n.shape().dims()) {
          if (!d.isStatic()) {
            symbols.ident(d.symbol());
          }
        }
      }
    }

    /** Names a local may not take: parameters, fields, static fields. */
    private Set<String> reservedLocals() {
      Set<String> r = new HashSet<>(inputNames);
      r.addAll(paramFields.values());
      r.add("state");
      r.add("optimizerState");
      r.add("check");
      r.add("nativeCode");
      r.add("nativeState");
      r.addAll(constantFields.values());
      return r;
    }

    String paramField(Node variable) {
      String f = paramFields.get(variable);
      if (f == null) {
        for (var e : paramFields.entrySet()) {
          if (e.getKey().id() == variable.id()) {
            return e.getValue();
          }
        }
        throw new IllegalStateException("variable " + variable.name() + " is not among the model's params");
      }
      return f;
    }

    /** A static final field holding a constant's elements (created on first use). */
    String constantField(Node c) {
      String existing = constantFields.get(c);
      if (existing != null) {
        return existing;
      }
      String name = staticNames.newName(
          EntryWriter.ident(c).toUpperCase(java.util.Locale.ROOT), c);
      DType t = c.type().dtype();
      Shape shape = c.shape();
      int n = (int) shape.numElements();
      double[] values = c.attrs().getDoubles("values");
      FieldSpec.Builder f = FieldSpec.builder(JavaTypes.array(t), name,
          Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
          .addJavadoc("$L\n", EntryWriter.describe(c));
      if (values.length == 1 && n != 1) {
        f.initializer("new $T[$L]", JavaTypes.element(t), n);
        staticInit.addStatement("$T.fill($L, $L)", java.util.Arrays.class, name,
            JavaTypes.storageLiteral(t, values[0]));
      } else if (values.length > INLINE_LIMIT) {
        f.initializer("$L($L, $L)", decoder(t), values.length, base64Chunks(t, values));
      } else {
        CodeBlock.Builder init = CodeBlock.builder().add("{");
        for (int i = 0; i < values.length; i++) {
          init.add(i == 0 ? "$L" : ", $L", JavaTypes.storageLiteral(t, values[i]));
        }
        f.initializer(init.add("}").build());
      }
      constants.add(f.build());
      constantFields.put(c, name);
      return name;
    }

    /** Large constants travel as Base64 text: literals would overflow the class file's limits. */
    static final int INLINE_LIMIT = 256;

    private static final int CHUNK = 60_000;

    private String decoder(DType t) {
      String name = "decode" + upperFirst(JavaTypes.accessor(t));
      if (!kernels.containsKey(name)) {
        TypeName et = JavaTypes.element(t);
        MethodSpec.Builder m = MethodSpec.methodBuilder(name)
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .addJavadoc("Decodes $L $L values from Base64 of their big-endian bytes.\n", "n", t.label())
            .returns(JavaTypes.array(t))
            .addParameter(TypeName.INT, "n")
            .addParameter(String[].class, "chunks")
            .varargs(true)
            .addStatement("$T bytes = $T.wrap($T.getDecoder().decode(String.join(\"\", chunks)))",
                java.nio.ByteBuffer.class, java.nio.ByteBuffer.class, java.util.Base64.class)
            .addStatement("$T[] out = new $T[n]", et, et);
        switch (t) {
          case F32 -> m.addStatement("bytes.asFloatBuffer().get(out)");
          case F64 -> m.addStatement("bytes.asDoubleBuffer().get(out)");
          case I32 -> m.addStatement("bytes.asIntBuffer().get(out)");
          case I64 -> m.addStatement("bytes.asLongBuffer().get(out)");
          case I16, F16, BF16 -> m.addStatement("bytes.asShortBuffer().get(out)");
          case I8, U8 -> m.addStatement("bytes.get(out)");
          default -> m.beginControlFlow("for (int i = 0; i < n; i++)")
              .addStatement("out[i] = bytes.get(i) != 0").endControlFlow();
        }
        kernels.put(name, m.addStatement("return out").build());
      }
      return name;
    }

    private static CodeBlock base64Chunks(DType t, double[] values) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(values.length * t.byteSize());
      for (double v : values) {
        switch (t) {
          case F32 -> buf.putFloat((float) v);
          case F64 -> buf.putDouble(v);
          case I32 -> buf.putInt((int) v);
          case I64 -> buf.putLong((long) v);
          case I16 -> buf.putShort((short) Value.round(t, v));
          case I8, U8 -> buf.put((byte) Value.round(t, v));
          case F16 -> buf.putShort(Float.floatToFloat16((float) v));
          case BF16 -> buf.putShort(Value.floatToBf16((float) v));
          default -> buf.put((byte) (v != 0 ? 1 : 0));
        }
      }
      String text = java.util.Base64.getEncoder().encodeToString(buf.array());
      CodeBlock.Builder c = CodeBlock.builder();
      for (int i = 0; i < text.length(); i += CHUNK) {
        c.add(i == 0 ? "$S" : ",\n$S", text.substring(i, Math.min(text.length(), i + CHUNK)));
      }
      return c.build();
    }

    /** Adds a kernel, reusing an identical one of the same name; returns its final name. */
    String addKernel(String baseName, Function<String, MethodSpec> build) {
      String name = baseName;
      for (int k = 2; ; k++) {
        MethodSpec spec = build.apply(name);
        MethodSpec existing = kernels.get(name);
        if (existing == null) {
          kernels.put(name, spec);
          return name;
        }
        if (existing.toString().equals(spec.toString())) {
          return name;
        }
        name = baseName + "_" + k;
      }
    }

    TypeSpec build() {
      ClassName self = ClassName.get(model.packageName(), className);
      TypeSpec.Builder t = TypeSpec.classBuilder(className)
          .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
          .addJavadoc("Generated by Kiln from {@code $L}: the model's variables and its compiled entry"
              + " points.\nDo not edit: this file is rewritten on every build.\n",
              model.packageName().isEmpty() ? model.simpleName()
                  : model.packageName() + "." + model.simpleName());
      t.addField(FieldSpec.builder(MODEL_STATE, "state", Modifier.PRIVATE, Modifier.FINAL).build());
      t.addField(FieldSpec.builder(NativeCallWriter.NATIVE_CODE.nestedClass("Module"), "nativeCode",
              Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc(nativeUnsupported == null
              ? "The native code of the LLVM backend ($L.ll), or null on the Java backend.\n"
              : "Always null: $L, so this model runs on the Java backend.\n",
              nativeUnsupported == null ? model.simpleName() : nativeUnsupported)
          .build());
      if (nativeUnsupported == null) {
        t.addField(FieldSpec.builder(NativeCallWriter.NATIVE_STATE, "nativeState", Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The variables' native copies and the workspace on the LLVM backend, else null.\n"
                + "Native calls make the native copies current: sync before Java reads the variables,\n"
                + "and mark them written after Java writes them.\n")
            .build());
      }
      if (usesGenerator()) {
        t.addField(FieldSpec.builder(SplittableRandom.class, "rng", Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The generator random ops draw from (dropout masks, random tensors); not"
                + " thread-safe.\n").build());
      }
      for (Node p : model.params()) {
        t.addField(FieldSpec.builder(NDARRAY, paramFields.get(p), Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("$L\n", EntryWriter.describe(p)).build());
      }
      t.addMethod(constructor());
      t.addMethod(MethodSpec.methodBuilder("create")
          .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
          .addJavadoc("A new instance of the model on the Java backend, its variables initialized from"
              + " {@code seed}.\n")
          .addParameter(TypeName.LONG, "seed")
          .returns(self)
          .addStatement("return create(seed, $T.JAVA)", NativeCallWriter.BACKEND)
          .build());
      t.addMethod(create(self));

      List<EntryPoint> trains = model.entryPoints().stream()
          .filter(e -> e.kind() == EntryPoint.Kind.TRAIN).toList();
      Set<String> taken = new HashSet<>(List.of("create", "save", "restore", "variables"));
      if (model.summaries() != null) {
        taken.add(dev.kiln.compiler.passes.KilnCompiler.SUMMARIES);
      }
      if (trains.size() == 1) {
        taken.add("trainer");
      }
      for (EntryPoint ep : trains) {
        taken.add(ep.name() + "Trainer");
      }
      for (EntryPoint ep : model.entryPoints()) {
        if (ep.kind() == EntryPoint.Kind.FETCH && taken.contains(ep.name())) {
          throw new IllegalArgumentException("the entry point " + ep.name() + " of "
              + model.simpleName() + " clashes with the generated method " + ep.name() + " of "
              + className + "; rename it");
        }
      }
      for (EntryPoint ep : model.entryPoints()) {
        if (ep.kind() == EntryPoint.Kind.FETCH) {
          t.addMethod(fetch(ep));
        }
      }
      if (model.summaries() != null) {
        t.addMethod(summaries(model.summaries()));
      }
      if (nativeUnsupported == null) {
        for (EntryPoint ep : model.entryPoints()) {
          t.addMethod(NativeCallWriter.method(this, ep, inputParams(ep)));
        }
      }
      for (EntryPoint ep : trains) {
        ClassName trainer = self.nestedClass(upperFirst(ep.name()) + "Trainer");
        t.addMethod(MethodSpec.methodBuilder(ep.name() + "Trainer")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("A trainer of {@code $L}: each step runs forward, backward and $L's update."
                + "\nThe optimizer's state lives in the trainer.\n", ep.name(), "the optimizer")
            .addParameter(OPTIMIZER, "optimizer")
            .returns(trainer)
            .addStatement("return new $T(optimizer)", trainer)
            .build());
        t.addType(trainer(ep, trainer));
      }
      if (trains.size() == 1) {
        EntryPoint ep = trains.getFirst();
        ClassName trainer = self.nestedClass(upperFirst(ep.name()) + "Trainer");
        t.addMethod(MethodSpec.methodBuilder("trainer")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("A trainer of the model's one loss, {@code $L}.\n", ep.name())
            .addParameter(OPTIMIZER, "optimizer")
            .returns(trainer)
            .addStatement("return new $T(optimizer)", trainer)
            .build());
      }
      t.addMethod(MethodSpec.methodBuilder("save").addModifiers(Modifier.PUBLIC)
          .addJavadoc("Writes every variable to {@code file} (see {@link $T#save}).\n", MODEL_STATE)
          .addParameter(Path.class, "file").addCode(pullNative()).addStatement("state.save(file)").build());
      t.addMethod(MethodSpec.methodBuilder("restore").addModifiers(Modifier.PUBLIC)
          .addJavadoc("Reads every variable from {@code file} (see {@link $T#restore}).\n", MODEL_STATE)
          .addParameter(Path.class, "file").addStatement("state.restore(file)")
          .addCode(nativeUnsupported != null ? CodeBlock.of("")
              : CodeBlock.builder().beginControlFlow("if (nativeState != null)")
                  .addStatement("nativeState.javaWritten()").endControlFlow().build())
          .build());
      t.addMethod(MethodSpec.methodBuilder("variables").addModifiers(Modifier.PUBLIC)
          .addJavadoc("The model's variables by name, in declaration order (live, not copies)."
              + (nativeUnsupported != null ? "\n" : "\nOn the LLVM backend they hold the values as of this"
                  + " call, and writes to them reach the\nnative code at its next call: call this again"
                  + " to see later steps.\n"))
          .returns(ParameterizedTypeName.get(ClassName.get(SequencedMap.class),
              ClassName.get(String.class), NDARRAY))
          .addCode(nativeUnsupported != null ? CodeBlock.of("")
              : CodeBlock.builder().beginControlFlow("if (nativeState != null)")
                  .addStatement("nativeState.pull()")
                  .add("// the caller may write through them: the next native call copies them in\n")
                  .addStatement("nativeState.javaWritten()")
                  .endControlFlow().build())
          .addStatement("return state.variables()").build());

      // Kernels and constants are discovered while writing the entry points above.
      t.addFields(constants);
      if (!staticInit.isEmpty()) {
        t.addStaticBlock(staticInit.build());
      }
      t.addMethods(kernels.values());
      return t.build();
    }

    /** Before Java code reads the variables on the LLVM backend: their native values, if newer. */
    CodeBlock pullNative() {
      return nativeUnsupported != null ? CodeBlock.of("") : CodeBlock.builder()
          .beginControlFlow("if (nativeState != null)")
          .addStatement("nativeState.pull()")
          .endControlFlow().build();
    }

    /** Whether some op of the model draws random numbers: the instance then holds a generator. */
    boolean usesGenerator() {
      return model.graph().nodes().stream().anyMatch(n -> KernelTable.RANDOM.contains(n.op().name()));
    }

    /** The instance's generator, as kernels' callers name it (from fetches and trainers alike). */
    String generator() {
      if (!usesGenerator()) {
        throw new IllegalStateException("op outside KernelTable.RANDOM asked for the generator");
      }
      return className + ".this.rng";
    }

    private MethodSpec constructor() {
      MethodSpec.Builder m = MethodSpec.constructorBuilder()
          .addModifiers(Modifier.PRIVATE)
          .addParameter(MODEL_STATE, "state")
          .addStatement("this.state = state");
      if (usesGenerator()) {
        m.addParameter(SplittableRandom.class, "rng").addStatement("this.rng = rng");
      }
      m.addParameter(NativeCallWriter.NATIVE_CODE.nestedClass("Module"), "nativeCode")
          .addStatement("this.nativeCode = nativeCode");
      CodeBlock.Builder vars = CodeBlock.builder();
      for (Node p : model.params()) {
        m.addStatement("this.$L = state.get($S)", paramFields.get(p), p.attrs().<String>get("name"));
        vars.add(", $L", paramFields.get(p));
      }
      if (nativeUnsupported == null) {
        m.addStatement("this.nativeState = nativeCode == null ? null : new $T(nativeCode$L)",
            NativeCallWriter.NATIVE_STATE, vars.build());
      }
      return m.build();
    }

    private MethodSpec create(ClassName self) {
      MethodSpec.Builder m = MethodSpec.methodBuilder("create")
          .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
          .addJavadoc("A new instance of the model, its variables initialized from {@code seed}, running on"
              + " {@code backend}\n(resolved once: {@code AUTO} takes LLVM when {@code kiln-runtime-llvm}"
              + " loads$L).\n\n@throws IllegalStateException if {@code LLVM} was asked for and cannot run"
              + " this model\n", nativeUnsupported == null ? "" : "; this model always runs on Java")
          .addParameter(TypeName.LONG, "seed")
          .addParameter(NativeCallWriter.BACKEND, "backend")
          .returns(self)
          .addStatement("$T state = new $T($S)", MODEL_STATE, MODEL_STATE, model.simpleName())
          .addStatement("$T rng = new $T(seed)", SplittableRandom.class, SplittableRandom.class);
      for (Node p : model.params()) {
        String local = paramFields.get(p);
        CodeBlock.Builder add = CodeBlock.builder().add("$T $L = state.add($S, $T.$L", NDARRAY, local,
            p.attrs().<String>get("name"), DType.class, p.type().dtype().name());
        for (Dim d : p.shape().dims()) {
          if (!d.isStatic()) {
            throw new IllegalStateException("variable " + p.name() + " has a symbolic shape " + p.shape());
          }
          add.add(", $L", d.size());
        }
        m.addStatement(add.add(")").build());
        double[] args = p.attrs().has("initArgs") ? p.attrs().getDoubles("initArgs") : new double[0];
        CodeBlock.Builder argList = CodeBlock.builder().add("new double[] {");
        for (int i = 0; i < args.length; i++) {
          argList.add(i == 0 ? "$L" : ", $L", JavaTypes.literal(DType.F64, args[i]));
        }
        m.addStatement("$T.fill($L, $S, $L}, rng)", INITIALIZERS, local,
            p.attrs().has("init") ? p.attrs().<String>get("init") : "zeros", argList.build());
      }
      m.addCode(nativeCodeOf(self));
      if (usesGenerator()) {
        m.addComment("Random ops (dropout, random tensors) draw from a stream of their own, split from")
            .addComment("the seed's: reproducible, and independent of the initializers' draws.")
            .addStatement("return new $T(state, new $T(seed).split(), nativeCode)", self, SplittableRandom.class);
        return m.build();
      }
      return m.addStatement("return new $T(state, nativeCode)", self).build();
    }

    /** Declares {@code nativeCode}: the loaded LLVM module when the backend resolves to LLVM, else null. */
    private CodeBlock nativeCodeOf(ClassName self) {
      ClassName module = NativeCallWriter.NATIVE_CODE.nestedClass("Module");
      ClassName backend = NativeCallWriter.BACKEND;
      CodeBlock.Builder c = CodeBlock.builder();
      if (nativeUnsupported != null) {
        return c.add("// $L: LLVM cannot run it, and AUTO keeps it on Java.\n", upperFirst(nativeUnsupported))
            .beginControlFlow("if (backend == $T.LLVM)", backend)
            .addStatement("throw new $T($S)", IllegalStateException.class, "the LLVM backend cannot run "
                + model.simpleName() + ": " + nativeUnsupported + "; create it with Backend.JAVA or AUTO")
            .endControlFlow()
            .addStatement("$T nativeCode = null", module)
            .build();
      }
      // resolve(class, resource): a packaged ahead-of-time library for the host counts as LLVM.
      return c.addStatement("$T nativeCode = backend.resolve($T.class, $S) == $T.LLVM\n? $T.load($T.class, $S)\n: null",
          module, self, model.simpleName() + ".ll", backend, NativeCallWriter.NATIVE_CODE, self,
          model.simpleName() + ".ll").build();
    }

    private List<ParameterSpec> inputParams(EntryPoint ep) {
      List<ParameterSpec> ps = new ArrayList<>();
      Set<String> sparse = new HashSet<>();
      for (Node in : ep.inputs()) {
        String group = EntryWriter.sparseName(in);
        if (group == null) {
          ps.add(ParameterSpec.builder(NDARRAY, EntryWriter.inputName(in)).build());
        } else if (sparse.add(group)) {
          ps.add(ParameterSpec.builder(SPARSE_NDARRAY, group).build()); // its placeholders, as one argument
        }
      }
      return ps;
    }

    private MethodSpec fetch(EntryPoint ep) {
      EntryWriter w = new EntryWriter(this, ep, reservedLocals());
      CodeBlock body = w.write(ep.name());
      Node out = ep.output();
      MethodSpec.Builder m = MethodSpec.methodBuilder(ep.name())
          .addModifiers(Modifier.PUBLIC)
          .addJavadoc("Computes {@code $L}: $L.\n", ep.name(), out.type())
          .addParameters(inputParams(ep));
      if (nativeUnsupported == null) {
        CodeBlock.Builder args = CodeBlock.builder();
        List<ParameterSpec> ps = inputParams(ep);
        for (int i = 0; i < ps.size(); i++) {
          args.add(i == 0 ? "$L" : ", $L", ps.get(i).name());
        }
        m.beginControlFlow("if (nativeCode != null)")
            .addStatement(out.shape().rank() == 0 ? "return $L" : "return $L[0]", out.shape().rank() == 0
                ? NativeCallWriter.scalar(NativeCallWriter.methodName(ep) + "(" + args.build() + ")[0]",
                    out.type().dtype())
                : CodeBlock.of("$L($L)", NativeCallWriter.methodName(ep), args.build()))
            .endControlFlow();
      }
      m.addCode(body)
          .addCode("\n");
      if (out.shape().rank() == 0) {
        m.returns(JavaTypes.scalar(out.type().dtype())).addStatement("return $L", w.scalar(out));
      } else {
        m.returns(NDARRAY).addStatement("return $L", w.ndarray(out));
      }
      return m.build();
    }

    /**
     * The merged summaries fetch: one schedule over every summary's closure (always on the Java
     * kernels, whatever the backend: the summaries are an occasional, cheap fetch), returning each
     * tag with its kind and value.
     */
    private MethodSpec summaries(CompiledModel.SummaryFetch fetch) {
      EntryPoint ep = fetch.entry();
      List<Node> nodes = fetch.summaries().stream().map(dev.kiln.compiler.ir.Summary::node).toList();
      EntryWriter w = new EntryWriter(this, ep, reservedLocals()).alsoResults(nodes);
      CodeBlock body = w.write(ep.name());
      MethodSpec.Builder m = MethodSpec.methodBuilder(ep.name())
          .addModifiers(Modifier.PUBLIC)
          .addJavadoc("Computes every summary of the model in one pass: $L.\n",
              String.join(", ", fetch.summaries().stream().map(dev.kiln.compiler.ir.Summary::tag).toList()))
          .addParameters(inputParams(ep))
          .returns(SUMMARIES)
          .addCode(pullNative())
          .addCode(body)
          .addCode("\n")
          .addStatement("$T result = new $T()", SUMMARIES, SUMMARIES);
      for (dev.kiln.compiler.ir.Summary s : fetch.summaries()) {
        m.addStatement("result.put($S, $T.Kind.$L, $L)", s.tag(), SUMMARIES, s.kind().name(), w.ndarray(s.node()));
      }
      return m.addStatement("return result").build();
    }

    private TypeSpec trainer(EntryPoint ep, ClassName trainer) {
      EntryWriter w = new EntryWriter(this, ep, reservedLocals());
      CodeBlock body = w.write(trainer.simpleName() + ".step");
      return new TrainerWriter(this, ep, trainer, w, body, inputParams(ep)).build();
    }
  }

  static String upperFirst(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
