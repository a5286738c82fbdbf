package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.dsl.DType;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes the trainer of one loss: a nested class whose {@code step} runs the compiled forward and
 * backward pass and then the optimizer's update, compiled too. For each built-in optimizer
 * ({@code Optimizers.Sgd}, {@code Momentum}, {@code Adam}, {@code RmsProp}) the trainer has its
 * own update method, one loop per trainable variable over static sizes, with the optimizer's slot
 * arrays (momenta, Adam's moments) allocated by the trainer and gradient clipping by global norm
 * computed inside the step. Any other {@code Optimizer} runs through its runtime
 * {@code OptimizerState}, which is also the reference the compiled updates are tested against.
 */
final class TrainerWriter {
  static final ClassName OPTIMIZERS = ClassName.get(JavaBackend.RUNTIME, "Optimizers");

  /** Names of the trainer's own fields; model variables may not take them (see ClassContext). */
  static final List<String> FIELDS = List.of("optimizer", "optimizerState", "slots1", "slots2", "completedSteps",
      "nativeOptimizer");

  private final JavaBackend.ClassContext cls;
  private final EntryPoint ep;
  private final ClassName trainer;
  private final ClassName outer;
  private final EntryWriter w;
  private final CodeBlock body;
  private final List<ParameterSpec> inputs;
  private final List<Node> trainable = new ArrayList<>();
  private final List<Node> grads = new ArrayList<>();

  TrainerWriter(JavaBackend.ClassContext cls, EntryPoint ep, ClassName trainer, EntryWriter w,
      CodeBlock body, List<ParameterSpec> inputs) {
    this.cls = cls;
    this.ep = ep;
    this.trainer = trainer;
    this.outer = trainer.enclosingClassName();
    this.w = w;
    this.body = body;
    this.inputs = inputs;
    for (Node p : cls.model.params()) {
      for (var e : ep.gradients().entrySet()) {
        if (e.getKey().id() == p.id()) {
          trainable.add(p);
          grads.add(e.getValue());
        }
      }
    }
  }

  /** The built-in update rules: name, record class, number of slot arrays per variable. */
  private enum Rule {
    SGD("Sgd", 0), MOMENTUM("Momentum", 1), ADAM("Adam", 2), RMS_PROP("RmsProp", 1);

    final String record;
    final int slots;

    Rule(String record, int slots) {
      this.record = record;
      this.slots = slots;
    }

    ClassName type() {
      return OPTIMIZERS.nestedClass(record);
    }

    String method() {
      return "update" + record;
    }
  }

  TypeSpec build() {
    Node loss = ep.output();
    if (loss.shape().rank() != 0) {
      throw new IllegalStateException("loss " + ep.name() + " is not a scalar: " + loss.type());
    }
    // Compiled updates are for f32 variables, as the built-in optimizers are.
    boolean compiled = trainable.stream().allMatch(p -> p.type().dtype() == DType.F32);
    TypeSpec.Builder t = TypeSpec.classBuilder(trainer)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc("Trains {@code $L} with one optimizer; not thread-safe.\n", ep.name())
        .addField(FieldSpec.builder(JavaBackend.OPTIMIZER, "optimizer", Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The update rule and its hyper-parameters.\n").build())
        .addField(FieldSpec.builder(JavaBackend.OPTIMIZER_STATE, "optimizerState", Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("The runtime update of an optimizer this class has no compiled update for, else null.\n")
            .build());
    if (compiled) {
      t.addField(FieldSpec.builder(float[][].class, "slots1", Modifier.PRIVATE, Modifier.FINAL)
              .addJavadoc("Per trainable variable: momentum's velocity, Adam's first moment, RMSProp's"
                  + " mean square (null for SGD).\n").build())
          .addField(FieldSpec.builder(float[][].class, "slots2", Modifier.PRIVATE, Modifier.FINAL)
              .addJavadoc("Per trainable variable: Adam's second moment (null otherwise).\n").build())
          .addField(FieldSpec.builder(TypeName.LONG, "completedSteps", Modifier.PRIVATE)
              .addJavadoc("Steps taken, for Adam's bias correction.\n").build());
    }
    if (cls.nativeUnsupported == null) {
      t.addField(FieldSpec.builder(NativeCallWriter.NATIVE_OPTIMIZER, "nativeOptimizer", Modifier.PRIVATE,
              Modifier.FINAL)
          .addJavadoc("On the LLVM backend, a built-in optimizer's native update and slots (the step runs it\n"
              + "inside the native call); else null.\n").build());
    }
    t.addMethod(constructor(compiled));
    t.addMethod(step(compiled));
    if (compiled) {
      for (Rule r : Rule.values()) {
        t.addMethod(update(r));
      }
      t.addMethod(clipScale());
    }
    return t.build();
  }

  private CodeBlock paramList() {
    CodeBlock.Builder c = CodeBlock.builder();
    for (int i = 0; i < trainable.size(); i++) {
      c.add(i == 0 ? "$L" : ", $L", cls.paramField(trainable.get(i)));
    }
    return c.build();
  }

  private MethodSpec constructor(boolean compiled) {
    MethodSpec.Builder m = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addParameter(JavaBackend.OPTIMIZER, "optimizer")
        .addStatement("this.optimizer = optimizer");
    if (cls.nativeUnsupported == null) {
      if (compiled) {
        CodeBlock.Builder sizes = CodeBlock.builder();
        for (Node v : ep.gradients().keySet()) { // the native step's gradient order
          sizes.add(", $L", v.shape().numElements());
        }
        m.addStatement("this.nativeOptimizer = nativeState != null ? $T.of(optimizer$L) : null",
            NativeCallWriter.NATIVE_OPTIMIZER, sizes.build());
      } else {
        m.addStatement("this.nativeOptimizer = null // the native update is for f32 variables only");
      }
    }
    if (!compiled) {
      return m.addStatement("this.optimizerState = optimizer.init($T.of($L))", List.class, paramList()).build();
    }
    m.addStatement("boolean builtIn = optimizer instanceof $T.BuiltIn", OPTIMIZERS)
        .addStatement("this.optimizerState = builtIn ? null : optimizer.init($T.of($L))", List.class, paramList())
        .addStatement("int slots = optimizer instanceof $T ? 2 : optimizer instanceof $T || optimizer instanceof $T ? 1 : 0",
            Rule.ADAM.type(), Rule.MOMENTUM.type(), Rule.RMS_PROP.type())
        .addStatement("this.slots1 = slots >= 1$L ? $L : null", javaSlots(), slotArrays())
        .addStatement("this.slots2 = slots >= 2$L ? $L : null", javaSlots(), slotArrays());
    return m.build();
  }

  /** The Java update's slots are not needed when the native step holds its own. */
  private String javaSlots() {
    return cls.nativeUnsupported == null ? " && nativeOptimizer == null" : "";
  }

  /** {@code new float[][] {new float[7840], new float[10]}}: one zeroed slot per variable. */
  private CodeBlock slotArrays() {
    CodeBlock.Builder c = CodeBlock.builder().add("new float[][] {");
    for (int i = 0; i < trainable.size(); i++) {
      c.add(i == 0 ? "new float[$L]" : ", new float[$L]", trainable.get(i).shape().numElements());
    }
    return c.add("}").build();
  }

  private MethodSpec step(boolean compiled) {
    Node loss = ep.output();
    MethodSpec.Builder step = MethodSpec.methodBuilder("step")
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("One training step on a batch: computes the loss and its gradients, then"
            + " updates every\ntrainable variable. Returns the loss before the update.\n")
        .addParameters(inputs)
        .returns(JavaTypes.element(loss.type().dtype()));
    if (cls.nativeUnsupported == null) {
      // LLVM path: forward, backward and a built-in optimizer's update run in one native call on
      // the resident variables; any other optimizer updates in Java from the gradients handed
      // back (results: the loss, then one gradient per entry of gradients()).
      List<Node> order = new ArrayList<>(ep.gradients().values());
      CodeBlock.Builder args = CodeBlock.builder();
      for (int i = 0; i < inputs.size(); i++) {
        args.add(i == 0 ? "$L" : ", $L", inputs.get(i).name());
      }
      step.beginControlFlow("if (nativeCode != null)")
          .addStatement("$T[] nativeResults = $L($L$LnativeOptimizer)", JavaBackend.NDARRAY,
              NativeCallWriter.methodName(ep), args.build(), inputs.isEmpty() ? "" : ", ");
      CodeBlock.Builder arrays = CodeBlock.builder();
      CodeBlock.Builder ndarrays = CodeBlock.builder();
      for (int i = 0; i < grads.size(); i++) {
        int slot = 1 + order.indexOf(grads.get(i));
        arrays.add(i == 0 ? "nativeResults[$L].floats()" : ", nativeResults[$L].floats()", slot);
        ndarrays.add(i == 0 ? "nativeResults[$L]" : ", nativeResults[$L]", slot);
      }
      step.beginControlFlow("if (nativeOptimizer == null)")
          .addComment("the update below reads and writes the Java variables")
          .addStatement("nativeState.pull()");
      update(step, compiled, arrays.build(), ndarrays.build());
      step.addStatement("nativeState.javaWritten()")
          .endControlFlow();
      step.addStatement("return $L", NativeCallWriter.scalar("nativeResults[0]", loss.type().dtype()))
          .endControlFlow();
    }
    step.addCode(body)
        .addCode("\n// Update: every gradient is computed before any variable changes.\n");
    CodeBlock.Builder gradArrays = CodeBlock.builder();
    CodeBlock.Builder gradNDArrays = CodeBlock.builder();
    for (int i = 0; i < grads.size(); i++) {
      gradArrays.add(i == 0 ? "$L" : ", $L", w.arrayOf(grads.get(i)));
      gradNDArrays.add(i == 0 ? "$L" : ", $L", w.ndarray(grads.get(i)));
    }
    update(step, compiled, gradArrays.build(), gradNDArrays.build());
    return step.addStatement("return $L", w.scalar(loss)).build();
  }

  /** The optimizer's update of every trainable variable from the gradients given two ways. */
  private void update(MethodSpec.Builder step, boolean compiled, CodeBlock gradArrays, CodeBlock gradNDArrays) {
    if (compiled) {
      step.beginControlFlow("switch (optimizer)");
      for (Rule r : Rule.values()) {
        step.addStatement("case $T optimizerRule -> $L(optimizerRule, $L)", r.type(), r.method(), gradArrays);
      }
      step.addStatement("default -> optimizerState.step($T.of($L), $T.of($L))", List.class, paramList(),
          List.class, gradNDArrays);
      step.endControlFlow();
    } else {
      step.addStatement("optimizerState.step($T.of($L), $T.of($L))", List.class, paramList(),
          List.class, gradNDArrays);
    }
  }

  /** One compiled update rule: the same arithmetic as the runtime reference, variable by variable. */
  private MethodSpec update(Rule r) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(r.method())
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("The $L update (see {@link $T}), compiled for this model's variables.\n", r.record, r.type())
        .addParameter(r.type(), "o");
    CodeBlock.Builder gradArgs = CodeBlock.builder();
    for (int i = 0; i < trainable.size(); i++) {
      m.addParameter(ParameterSpec.builder(float[].class, "g" + i)
          .addJavadoc("the gradient of $L\n", trainable.get(i).name()).build());
      gradArgs.add(i == 0 ? "g$L" : ", g$L", i);
    }
    m.addStatement("float scale = clipScale(o.clipNorm(), $L)", gradArgs.build());
    if (r == Rule.ADAM) {
      m.addStatement("long t = completedSteps + 1")
          .addStatement("double c1 = 1 - Math.pow(o.beta1(), t)")
          .addStatement("double c2 = 1 - Math.pow(o.beta2(), t)");
    }
    m.addStatement("float lr = o.lr()");
    switch (r) {
      case MOMENTUM -> m.addStatement("float momentum = o.momentum()");
      case ADAM -> m.addStatement("float beta1 = o.beta1()").addStatement("float beta2 = o.beta2()")
          .addStatement("float eps = o.eps()");
      case RMS_PROP -> m.addStatement("float rho = o.rho()").addStatement("float eps = o.eps()");
      default -> { }
    }
    for (int i = 0; i < trainable.size(); i++) {
      Node p = trainable.get(i);
      m.addCode("\n// $L $L\n", p.name(), p.type());
      String pa = "p" + i;
      m.addStatement("float[] $L = $T.this.$L.floats()", pa, outer, cls.paramField(p));
      if (r.slots >= 1) {
        m.addStatement("float[] s$L = slots1[$L]", i, i);
      }
      if (r.slots >= 2) {
        m.addStatement("float[] v$L = slots2[$L]", i, i);
      }
      m.beginControlFlow("for (int i = 0; i < $L; i++)", p.shape().numElements());
      m.addStatement("float g = g$L[i] * scale", i);
      switch (r) {
        case SGD -> m.addStatement("$L[i] -= lr * g", pa);
        case MOMENTUM -> m.addStatement("s$L[i] = momentum * s$L[i] + g", i, i)
            .addStatement("$L[i] -= lr * s$L[i]", pa, i);
        case ADAM -> m.addStatement("s$L[i] = beta1 * s$L[i] + (1 - beta1) * g", i, i)
            .addStatement("v$L[i] = beta2 * v$L[i] + (1 - beta2) * g * g", i, i)
            .addStatement("double mHat = s$L[i] / c1", i)
            .addStatement("double vHat = v$L[i] / c2", i)
            .addStatement("$L[i] -= (float) (lr * mHat / (Math.sqrt(vHat) + eps))", pa);
        case RMS_PROP -> m.addStatement("s$L[i] = rho * s$L[i] + (1 - rho) * g * g", i, i)
            .addStatement("$L[i] -= (float) (lr * g / (Math.sqrt(s$L[i]) + eps))", pa, i);
      }
      m.endControlFlow();
    }
    return m.addStatement("completedSteps++").build();
  }

  /** Gradient clipping by global norm, computed as {@code Optimizers.globalNormScale} does. */
  private static MethodSpec clipScale() {
    return MethodSpec.methodBuilder("clipScale")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addJavadoc("The factor every gradient is scaled by: {@code clipNorm / norm} when the global norm of"
            + " the\ngradients exceeds {@code clipNorm}, else exactly 1.\n")
        .addParameter(TypeName.FLOAT, "clipNorm")
        .addParameter(float[][].class, "grads")
        .varargs(true)
        .returns(TypeName.FLOAT)
        .beginControlFlow("if (clipNorm == Float.POSITIVE_INFINITY)")
        .addStatement("return 1f")
        .endControlFlow()
        .addStatement("double sumSquares = 0")
        .beginControlFlow("for (float[] g : grads)")
        .beginControlFlow("for (float x : g)")
        .addStatement("sumSquares += (double) x * x")
        .endControlFlow()
        .endControlFlow()
        .addStatement("double norm = Math.sqrt(sumSquares)")
        .addStatement("return norm > clipNorm ? (float) (clipNorm / norm) : 1f")
        .build();
  }
}
