package dev.kiln.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.ModelSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The op-coverage issue's DSL methods build the expected nodes; arrays of tensors index at compile time. */
class MoreOpsDslTest {
  private static ModelSpec spec(JavaFileObject f) {
    SpecCapture capture = new SpecCapture();
    Compilation c = javac().withProcessors(capture).compile(f);
    assertThat(c).succeeded();
    return capture.specs.getFirst();
  }

  private static Map<String, String> fetchTypes(ModelSpec s) {
    return s.fetches().stream().collect(Collectors.toMap(ModelSpec.Named::name,
        n -> n.node().op().name() + " " + n.node().type()));
  }

  @Test
  void splitPartsIndexAndRejoin() {
    ModelSpec s = spec(Models.model("Parts",
        "  @Fetch Tensor halves() {",
        "    Tensor[] parts = split(x, 2, 1);",
        "    return concat(1, parts[1], parts[parts.length - 2]);",
        "  }",
        "  @Fetch Tensor joined() { return concat(-1, x.split(4, 1)); }",
        "  @Fetch Tensor sized() { return splitSizes(x, 1, 1, 3)[1]; }",
        "  @Fetch Tensor stacked() { return stack(0, x, x, x); }",
        "  @Fetch Tensor sliced() { return slice(x, new int[] {0, 1}, new int[] {-1, 2}); }"));
    Map<String, String> t = fetchTypes(s);
    assertThat(t.get("halves")).isEqualTo("Concat f32[batch, 4]");
    assertThat(t.get("joined")).isEqualTo("Concat f32[batch, 4]");
    assertThat(t.get("sized")).isEqualTo("Slice f32[batch, 3]");
    assertThat(t.get("stacked")).isEqualTo("Concat f32[3, batch, 4]");
    assertThat(t.get("sliced")).isEqualTo("Slice f32[batch, 2]");
  }

  @Test
  void overloadsAreChosenByArgumentKind() {
    ModelSpec s = spec(Models.model("Overloads",
        "  @Fetch Tensor kept() { return reduceSum(x, true, 1); }",
        "  @Fetch Tensor dropped() { return reduceSum(x, 1); }",
        "  @Fetch Tensor fluentKept() { return x.max(true, -1); }",
        "  @Fetch Tensor prodAll() { return x.prod(); }",
        "  @Fetch Tensor minKept() { return reduceMin(y, true); }",
        "  @Fetch Tensor squared() { return x.pow(2.0); }",
        "  @Fetch Tensor powT() { return pow(x, x); }",
        "  @Fetch Tensor leaky() { return leakyRelu(x); }",
        "  @Fetch Tensor leaky1() { return x.leakyRelu(0.1); }",
        "  @Fetch Tensor picked() { return where(x.greaterEqual(x.neg()), x, 0.0); }",
        "  @Fetch Tensor mask() { return logicalNot(logicalAnd(x.lessEqual(x), x.greater(x))); }"));
    Map<String, String> t = fetchTypes(s);
    assertThat(t.get("kept")).isEqualTo("ReduceSum f32[batch, 1]");
    assertThat(t.get("dropped")).isEqualTo("ReduceSum f32[batch]");
    assertThat(t.get("fluentKept")).isEqualTo("ReduceMax f32[batch, 1]");
    assertThat(t.get("prodAll")).isEqualTo("ReduceProd f32[]");
    assertThat(t.get("minKept")).isEqualTo("ReduceMin f32[1, 1]");
    assertThat(t.get("squared")).isEqualTo("Pow f32[batch, 4]");
    assertThat(t.get("powT")).isEqualTo("Pow f32[batch, 4]");
    assertThat(t.get("leaky")).isEqualTo("LeakyRelu f32[batch, 4]");
    Node leaky = s.fetches().stream().filter(n -> n.name().equals("leaky")).findFirst().orElseThrow().node();
    assertThat(leaky.attrs().getDouble("alpha")).isEqualTo(0.2);
    assertThat(t.get("picked")).isEqualTo("Select f32[batch, 4]");
    assertThat(t.get("mask")).isEqualTo("LogicalNot bool[batch, 4]");
  }

  @Test
  void embeddingsMatricesAndShapes() {
    ModelSpec s = spec(Models.model("Emb",
        "  @Input Tensor tokens = placeholder(I64, BATCH, Dim.named(\"time\"));",
        "  @Param Tensor table = variable(zeros(), 10, 4);",
        "  @Fetch Tensor emb() { return gather(table, tokens); }",
        "  @Fetch Tensor hot() { return oneHot(tokens, 10); }",
        "  @Fetch Tensor dims() { return shape(emb()); }",
        "  @Fetch Tensor att() { return matmul(emb(), emb(), false, true); }",
        "  @Fetch Tensor perm() { return permute(emb(), 2, 0, 1); }",
        "  @Fetch Tensor inv() { return matrixInverse(matmul(transpose(w), w)); }",
        "  @Fetch Tensor sq() { return squeeze(expandDims(x, 0)); }",
        "  @Fetch Tensor low() { return argmin(x, 1); }"));
    Map<String, String> t = fetchTypes(s);
    assertThat(t.get("emb")).isEqualTo("Gather f32[batch, time, 4]");
    assertThat(t.get("hot")).isEqualTo("Cast f32[batch, time, 10]");
    assertThat(t.get("dims")).isEqualTo("Shape i64[3]");
    assertThat(t.get("att")).isEqualTo("BatchMatMul f32[batch, time, time]");
    assertThat(t.get("perm")).isEqualTo("Transpose f32[4, batch, time]");
    assertThat(t.get("inv")).isEqualTo("MatrixInverse f32[3, 3]");
    assertThat(t.get("sq")).isEqualTo("Reshape f32[batch, 4]");
    assertThat(t.get("low")).isEqualTo("ArgMin i64[batch]");
    assertThat(List.copyOf(t.keySet())).hasSize(8);
  }
}
