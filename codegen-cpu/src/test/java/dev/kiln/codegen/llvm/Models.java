package dev.kiln.codegen.llvm;

import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import java.util.List;

/**
 * Tiny models of the two MNIST samples, compiled by the passes (forward and backward). Public
 * because runtime-llvm's tests use them too, through this module's test-jar.
 */
public final class Models {
  public static final int FEATURES = 20;
  public static final int HIDDEN = 24;
  public static final int CLASSES = 4;

  private Models() {}

  /** softmax(x·W + b), mean cross-entropy through log(softmax), argmax accuracy. */
  public static CompiledModel softmaxRegression() {
    GraphBuilder b = new GraphBuilder();
    Node examples = Emit.placeholder(b, "examples", DType.F32, Shape.of(Dim.symbol("batch"), Dim.of(FEATURES)));
    Node labels = Emit.placeholder(b, "labels", DType.F32, Shape.of(Dim.symbol("batch"), Dim.of(CLASSES)));
    Node weights = Emit.variable(b, "weights", DType.F32, Shape.of(FEATURES, CLASSES), "zeros");
    Node bias = Emit.variable(b, "bias", DType.F32, Shape.of(CLASSES), "zeros");
    b.pushScope("estimates");
    Node logits = Emit.add(b, Emit.matmul(b, examples, weights, false, false), bias);
    Node estimates = Emit.softmax(b, logits);
    b.popScope();
    b.pushScope("loss");
    Node crossEntropy = Emit.neg(b, Emit.reduceSum(b,
        Emit.mul(b, labels, Emit.log(b, estimates)), false, 1));
    Node loss = Emit.reduceMean(b, crossEntropy, false);
    b.popScope();
    b.pushScope("accuracy");
    Node hits = Emit.equal(b, Emit.argmax(b, estimates, 1), Emit.argmax(b, labels, 1));
    Node accuracy = Emit.reduceMean(b, Emit.cast(b, hits, DType.F32), false);
    b.popScope();
    return KilnCompiler.compile(new ModelSpec("test.mnist", "MnistLike", b.graph(),
        List.of(examples, labels), List.of(weights, bias),
        List.of(new ModelSpec.Named("estimates", estimates), new ModelSpec.Named("accuracy", accuracy)),
        List.of(new ModelSpec.Named("loss", loss))));
  }

  /** relu(x·W1 + b1)·W2 + b2 with the fused softmax cross-entropy loss (the MLP sample's ops). */
  public static CompiledModel mlp() {
    GraphBuilder b = new GraphBuilder();
    Node examples = Emit.placeholder(b, "examples", DType.F32, Shape.of(Dim.symbol("batch"), Dim.of(FEATURES)));
    Node labels = Emit.placeholder(b, "labels", DType.F32, Shape.of(Dim.symbol("batch"), Dim.of(CLASSES)));
    Node w1 = Emit.variable(b, "w1", DType.F32, Shape.of(FEATURES, HIDDEN), "randomNormal", 0, 0.3);
    Node b1 = Emit.variable(b, "b1", DType.F32, Shape.of(HIDDEN), "zeros");
    Node w2 = Emit.variable(b, "w2", DType.F32, Shape.of(HIDDEN, CLASSES), "randomNormal", 0, 0.3);
    Node b2 = Emit.variable(b, "b2", DType.F32, Shape.of(CLASSES), "zeros");
    b.pushScope("hidden");
    Node hidden = Emit.relu(b, Emit.add(b, Emit.matmul(b, examples, w1, false, false), b1));
    b.popScope();
    b.pushScope("logits");
    Node logits = Emit.add(b, Emit.matmul(b, hidden, w2, false, false), b2);
    b.popScope();
    b.pushScope("loss");
    Node loss = Emit.reduceMean(b, Emit.softmaxCrossEntropyWithLogits(b, labels, logits), false);
    b.popScope();
    b.pushScope("predictions");
    Node predictions = Emit.argmax(b, logits, 1);
    b.popScope();
    return KilnCompiler.compile(new ModelSpec("test.mnist", "MlpLike", b.graph(),
        List.of(examples, labels), List.of(w1, b1, w2, b2),
        List.of(new ModelSpec.Named("predictions", predictions)),
        List.of(new ModelSpec.Named("loss", loss))));
  }
}
