package dev.kiln.codegen.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.ir.OpDef;
import dev.kiln.compiler.ops.StandardOps;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Which standard ops the LLVM backend covers: the covered set must be exactly what this test
 * lists (so adding a template means updating it), and the ops still missing are reported.
 */
class LlvmCoverageTest {
  static final Set<String> COVERED = Set.of(
      "Placeholder", "Variable", "Const",
      "Add", "Sub", "Mul", "Div", "Maximum", "Minimum", "Pow",
      "Equal", "NotEqual", "Less", "Greater", "LessEqual", "GreaterEqual",
      "LogicalAnd", "LogicalOr", "LogicalNot", "Select",
      "Neg", "Exp", "Log", "Sqrt", "Rsqrt", "Tanh", "Square", "Abs", "Relu", "Sigmoid", "Softplus",
      "LeakyRelu", "Cast", "SigmoidCrossEntropyWithLogits",
      "Reshape", "ControlDependency", "MatMul", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
      "ReduceProd", "SumToShape", "ArgMax", "ArgMin", "Softmax", "LogSoftmax",
      "SoftmaxCrossEntropyWithLogits", "BroadcastLike", "Transpose", "ElementCount",
      "Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "MaxPool", "MaxPoolGrad", "AvgPool",
      "AvgPoolGrad", "Slice", "Unslice", "Concat", "Gather",
      "ScatterAdd", "BatchMatMul", "Shape",
      "MatrixInverse",
      "RandomUniform", "RandomNormal", "TruncatedNormal", "RandomShuffle", "DropoutMask",
      "Assign", "AssignAdd", "AssignSub", "At", "ScatterAt",
      "SparseMatMul", "SparseMatMulValuesGrad", "SparseToDense", "SparseGather",
      "If", "While", "Arg", "Output");

  /** The standard ops still without an LLVM kernel: none. */
  static final Set<String> MISSING = Set.of();

  @Test
  void coveredOpsAreExactlyTheTable() {
    Set<String> all = new TreeSet<>();
    for (OpDef op : StandardOps.all()) {
      all.add(op.name());
    }
    Set<String> covered = LlvmBackend.coveredOps();
    assertEquals(new TreeSet<>(COVERED), covered);
    Set<String> unknown = new TreeSet<>(covered);
    unknown.removeAll(all);
    assertEquals(Set.of(), unknown, "templates of ops that do not exist");
    Set<String> missing = new TreeSet<>(all);
    missing.removeAll(covered);
    assertEquals(new TreeSet<>(MISSING), missing, "standard ops without an LLVM kernel");
  }
}
