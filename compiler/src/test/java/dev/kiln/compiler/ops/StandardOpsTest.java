package dev.kiln.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.compiler.ir.OpDef;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class StandardOpsTest {
  /**
   * Every op with the test class that covers it: keep in sync with {@link StandardOps}. A new op
   * fails {@link #everyOpHasTests()} until its tests exist and it is listed here.
   */
  static final List<String> TESTED = List.of(
      "Placeholder", "Variable", "Const",                           // SourceOpsTest
      "Assign", "AssignAdd", "AssignSub",                           // StateOpsTest
      "Add", "Sub", "Mul", "Div", "Maximum", "Minimum",              // ElementwiseOpsTest
      "Equal", "NotEqual", "Less", "Greater",
      "Neg", "Exp", "Log", "Sqrt", "Square", "Abs", "Tanh", "Sigmoid", "Relu", "Cast",
      "ReduceSum", "ReduceMean", "ReduceMax", "ArgMax", "ElementCount", // ReductionOpsTest
      "MatMul", "Reshape", "BroadcastLike", "SumToShape",           // ShapeOpsTest
      "Softmax", "LogSoftmax",                                      // NeuralOpsTest
      "SoftmaxCrossEntropyWithLogits", "SigmoidCrossEntropyWithLogits", // NeuralOps2Test
      "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "MaxPool", "MaxPoolGrad",
      "AvgPool", "AvgPoolGrad", "DropoutMask", "RandomNormal", "RandomUniform",
      "TruncatedNormal", "RandomShuffle",
      "Pow", "Rsqrt", "LeakyRelu", "Softplus", "LogicalAnd",        // ElementwiseOps2Test
      "LogicalOr", "LogicalNot", "Select", "LessEqual", "GreaterEqual",
      "BatchMatMul", "Transpose", "MatrixInverse",                  // MatrixOpsTest
      "Concat", "Slice", "Unslice", "Gather", "ScatterAdd", "Shape", // ShapeOps2Test
      "ReduceProd", "ReduceMin", "ArgMin",                          // ReductionOps2Test
      "Arg", "Output", "If", "While", "At", "ScatterAt",            // ControlFlowOpsTest
      "ControlDependency",                                          // ControlDependencyTest
      "SparseMatMul", "SparseMatMulValuesGrad", "SparseToDense", "SparseGather"); // SparseOpsTest

  @Test
  void namesAreUnique() {
    Set<String> names = new HashSet<>();
    for (OpDef op : StandardOps.all()) {
      assertEquals(true, names.add(op.name()), "duplicate op name " + op.name());
      assertSame(op, StandardOps.byName(op.name()));
    }
    assertThrows(IllegalArgumentException.class, () -> StandardOps.byName("NoSuchOp"));
  }

  @Test
  void everyOpHasTests() {
    Set<String> defined = new TreeSet<>();
    StandardOps.all().forEach(op -> defined.add(op.name()));
    assertEquals(defined, new TreeSet<>(TESTED));
    assertEquals(TESTED.size(), new HashSet<>(TESTED).size(), "TESTED lists an op twice");
  }
}
