package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import dev.kiln.codegen.kernel.Buffer;
import dev.kiln.codegen.kernel.KernelProgram;
import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.dsl.DType;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * The facade's LLVM path: for a model the LLVM backend covers whole, each entry point gets a
 * private method that checks the feeds as the Java path does, allocates the results (the output,
 * then the gradients) and calls the native entry point of the model's {@code <Model>.ll} through
 * {@code dev.kiln.runtime.NativeCode}, so generated code never links {@code kiln-runtime-llvm}.
 * The variables live in the instance's {@code NativeState}; a trainer with a built-in optimizer
 * passes its {@code NativeOptimizer}, so the update runs inside the native step too, and any other
 * optimizer gets the gradients back and updates in Java.
 */
final class NativeCallWriter {
  static final ClassName NATIVE_CODE = ClassName.get(JavaBackend.RUNTIME, "NativeCode");
  static final ClassName BACKEND = ClassName.get(JavaBackend.RUNTIME, "Backend");
  static final ClassName NATIVE_STATE = ClassName.get(JavaBackend.RUNTIME, "NativeState");
  static final ClassName NATIVE_OPTIMIZER = ClassName.get(JavaBackend.RUNTIME, "NativeOptimizer");

  private NativeCallWriter() {}

  /**
   * Why {@code model} cannot run on the LLVM backend, in a clause ("it has no LLVM kernel for the
   * ops X, Y"), or null when it can.
   */
  static String unsupported(CompiledModel model) {
    Set<String> missing = LlvmBackend.missingOps(model);
    if (!missing.isEmpty()) {
      return "the LLVM backend has no kernel for its op" + (missing.size() == 1 ? " " : "s ")
          + String.join(", ", missing);
    }
    return null;
  }

  /** The private method running {@code ep} natively; see {@link #methodName}. */
  static MethodSpec method(JavaBackend.ClassContext cls, EntryPoint ep, List<ParameterSpec> inputs) {
    KernelProgram program = LlvmBackend.lower(cls.model, ep);
    String symbol = LlvmBackend.symbol(cls.model, ep);
    MethodSpec.Builder m = MethodSpec.methodBuilder(methodName(ep))
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("Runs {@code $L} ($L) through the native entry point {@code $L} of $L.ll:\n"
            + "returns the output$L.\n", ep.name(), ep.kind().name().toLowerCase(Locale.ROOT), symbol,
            cls.model.simpleName(), ep.gradients().isEmpty() ? "" : ", then the gradients (null with an optimizer)")
        .addParameters(inputs)
        .returns(com.palantir.javapoet.ArrayTypeName.of(JavaBackend.NDARRAY));
    boolean train = ep.kind() == EntryPoint.Kind.TRAIN;
    if (train) {
      // With an optimizer the native step updates the variables and hands no gradient back.
      m.addParameter(ParameterSpec.builder(NATIVE_OPTIMIZER, "optimizer").addJavadoc(
          "the native update to apply, or null to get the gradients instead\n").build());
    }
    m.addStatement("$T check = new $T($S)", EntryWriter.SHAPE_CHECK, EntryWriter.SHAPE_CHECK, ep.name());
    unpackSparse(m, ep);
    Set<String> bound = new HashSet<>();
    for (Node in : ep.inputs()) {
      CodeBlock.Builder c = CodeBlock.builder().add("check.check($S, $L, $T.$L", in.attrs().<String>get("name"),
          EntryWriter.inputName(in), DType.class, in.type().dtype().name());
      for (Dim d : in.shape().dims()) {
        c.add(d.isStatic() ? ", $L" : ", $S", d.isStatic() ? d.size() : d.symbol());
      }
      m.addStatement(c.add(")").build());
    }
    for (String s : program.symbols()) {
      if (!s.equals(KernelProgram.SEED)) {
        m.addStatement("int $L = check.symbol($S)", cls.symbols.ident(s), s);
        bound.add(s);
      }
    }
    CodeBlock.Builder ins = CodeBlock.builder();
    CodeBlock.Builder results = CodeBlock.builder();
    for (Buffer b : program.slots()) {
      switch (b.kind()) {
        case INPUT -> ins.add(ins.isEmpty() ? "$L" : ", $L", EntryWriter.inputName(b.node()));
        case PARAM -> { } // resident in nativeState
        default -> {
          CodeBlock.Builder r = CodeBlock.builder().add("$T.zeros($T.$L", JavaBackend.NDARRAY, DType.class,
              b.dtype().name());
          for (Dim d : b.dims()) {
            if (!d.isStatic() && !bound.contains(d.symbol())) {
              throw new IllegalStateException("entry point " + ep.name() + ": result " + b.node().name()
                  + " has the dimension " + d.symbol() + ", which none of its inputs binds");
            }
            r.add(", $L", d.isStatic() ? Long.toString(d.size()) : cls.symbols.ident(d.symbol()));
          }
          boolean gradient = !results.isEmpty();
          results.add(results.isEmpty() ? "\n$L)" : gradient && train ? ",\noptimizer != null ? null : $L)" : ",\n$L)",
              r.build());
        }
      }
    }
    m.addStatement("$T[] results = {$L}", JavaBackend.NDARRAY, results.build());
    CodeBlock.Builder sizes = CodeBlock.builder();
    for (String s : program.symbols()) {
      // The native generator's seed: one draw of the instance's generator per call.
      sizes.add(", $L", s.equals(KernelProgram.SEED) ? cls.generator() + ".nextLong()" : cls.symbols.ident(s));
    }
    // The variables stay resident in nativeState: only the feeds and the results are copied.
    m.addStatement("nativeState.call($S, new $T[] {$L}, results, $L$L)", symbol,
        JavaBackend.NDARRAY, ins.build(), train ? "optimizer" : "null", sizes.build());
    return m.addStatement("return results").build();
  }

  /**
   * A sparse input arrives as one {@code SparseNDArray}, checked and unpacked as on the Java path:
   * its indices, values and shape witness are then three ordinary feeds of the native entry (the
   * witness holds no elements; its dims bind the dense shape), and its nonzero count is a symbol.
   */
  private static void unpackSparse(MethodSpec.Builder m, EntryPoint ep) {
    Set<String> checked = new HashSet<>();
    for (Node in : ep.inputs()) {
      String group = EntryWriter.sparseName(in);
      if (group == null) {
        continue;
      }
      if (checked.add(group)) {
        m.addStatement("$T.check($S, $L)", JavaBackend.SPARSE_NDARRAY, in.attrs().<String>get("sparse"), group);
      }
      String name = in.attrs().get("name");
      String part = name.substring(name.lastIndexOf('/') + 1);
      m.addStatement("$T $L = $L.$L()", JavaBackend.NDARRAY, EntryWriter.inputName(in), group,
          part.equals("shape") ? "shapeWitness" : part);
    }
  }

  /** {@code estimatesFetchNative}, {@code lossTrainNative}: a loss is both a fetch and a train step. */
  static String methodName(EntryPoint ep) {
    String kind = ep.kind().name().toLowerCase(Locale.ROOT);
    return ep.name() + Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + "Native";
  }

  /** {@code r[0].floats()[0]}: the scalar value of a rank-0 native result. */
  static CodeBlock scalar(String array, DType t) {
    String e = array + "." + JavaTypes.accessor(t) + "()[0]";
    return CodeBlock.of("$L", t == DType.U8 || t == DType.F16 || t == DType.BF16 ? JavaTypes.load(t, e) : e);
  }
}
