package dev.kiln.codegen.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.kernel.Describe;
import dev.kiln.codegen.kernel.Kernel;
import dev.kiln.codegen.kernel.KernelProgram;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.compiler.model.GeneratedFile;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Structural checks of the emitted IR: signatures, one kernel per step, node comments. */
class LlvmBackendTest {
  @Test
  void oneResourcePerModelInItsPackage() {
    CompiledModel model = Models.softmaxRegression();
    List<GeneratedFile> files = LlvmBackend.generate(model);
    assertEquals(1, files.size());
    GeneratedFile f = files.getFirst();
    assertEquals(GeneratedFile.Kind.RESOURCE, f.kind());
    assertEquals("test.mnist", f.packageName());
    assertEquals("MnistLike.ll", f.name());
  }

  @Test
  void everyEntryPointIsOneExportedFunctionOfTheConvention() {
    CompiledModel model = Models.softmaxRegression();
    String ir = LlvmBackend.generate(model).getFirst().content();
    for (String symbol : List.of("kiln_MnistLike_estimates_fetch", "kiln_MnistLike_accuracy_fetch",
        "kiln_MnistLike_loss_fetch", "kiln_MnistLike_loss_train")) {
      assertTrue(ir.contains("define void @" + symbol + "(ptr noalias %buffers, ptr noalias %sizes) {"),
          symbol + " missing:\n" + ir);
      assertTrue(ir.contains("define void @" + symbol + ".run(ptr noalias %buffers, ptr noalias %sizes,"
          + " ptr %workspace, ptr %optimizer) {"), symbol + ".run missing");
      assertTrue(ir.contains("define i64 @" + symbol + ".workspace(ptr noalias %sizes) {"),
          symbol + ".workspace missing");
    }
    // Each entry point: the wrapper allocating a workspace, and the workspace-taking .run.
    assertTrue(ir.contains("define void @kiln_direct_call(ptr %run, ptr %buffers, ptr %sizes, ptr %workspace,"
        + " ptr %optimizer, ptr %slots, i64 %count, ptr %a0,"), "the zero-copy trampoline is missing");
    assertTrue(ir.contains("define void @kiln_pool_stop() {"), "the module's pool cannot be stopped");
    assertEquals(10, count(ir, Pattern.compile("(?m)^define void @")),
        "4 entries × 2, kiln_direct_call and kiln_pool_stop");
  }

  @Test
  void oneKernelPerStepCommentedWithItsNodes() {
    CompiledModel model = Models.softmaxRegression();
    String ir = LlvmBackend.generate(model).getFirst().content();
    int kernels = 0;
    for (EntryPoint ep : model.entryPoints()) {
      KernelProgram p = LlvmBackend.lower(model, ep);
      String prefix = "@" + LlvmBackend.symbol(model, ep) + ".k";
      for (Kernel k : p.steps()) {
        for (Node n : k.nodes()) {
          assertTrue(ir.contains("; " + Describe.node(n)), "no comment names " + n);
        }
        if (!(k instanceof Kernel.Alias)) {
          kernels++;
        }
      }
      assertEquals(p.steps().stream().filter(k -> !(k instanceof Kernel.Alias)).count(),
          count(ir, Pattern.compile("(?m)^define internal void " + Pattern.quote(prefix))));
    }
    assertEquals(kernels, count(ir, Pattern.compile("(?m)^define internal void @kiln_\\w+\\.k\\d+\\.")));
  }

  @Test
  void elementwiseChainsFuseIntoOneKernel() {
    CompiledModel model = Models.softmaxRegression();
    EntryPoint loss = model.entryPoints().stream()
        .filter(e -> e.name().equals("accuracy")).findFirst().orElseThrow();
    KernelProgram p = LlvmBackend.lower(model, loss);
    // cast(equal(argmax, argmax)): one loop, the bool never stored.
    Kernel.Map fused = p.steps().stream().filter(k -> k instanceof Kernel.Map m && m.nodes().size() > 1)
        .map(k -> (Kernel.Map) k).findFirst().orElseThrow();
    assertEquals(List.of("Equal", "Cast"), fused.nodes().stream().map(n -> n.op().name()).toList());
    String ir = LlvmBackend.generate(model).getFirst().content();
    assertTrue(ir.contains("define internal void @kiln_MnistLike_accuracy_fetch.k"), ir);
    assertTrue(ir.contains(".fused(ptr noalias %out, ptr noalias readonly %in0, ptr noalias readonly %in1, i64 %dim.batch)"), ir);
    assertTrue(ir.contains("icmp eq i64 "), ir);
    assertTrue(ir.contains("uitofp i1 "), ir);
  }

  @Test
  void sizesFollowFirstAppearanceInTheInputsAndBuffersTheConvention() {
    CompiledModel model = Models.softmaxRegression();
    EntryPoint train = model.entryPoints().stream()
        .filter(e -> e.kind() == EntryPoint.Kind.TRAIN).findFirst().orElseThrow();
    KernelProgram p = LlvmBackend.lower(model, train);
    assertEquals(List.of("batch"), p.symbols());
    List<String> slots = p.slots().stream().map(b -> b.kind() + " " + b.node().name()).toList();
    assertEquals("INPUT examples", slots.get(0));
    assertEquals("INPUT labels", slots.get(1));
    assertEquals("PARAM weights", slots.get(2));
    assertEquals("PARAM bias", slots.get(3));
    assertEquals(4 + 1 + 2, slots.size());
    assertTrue(slots.subList(4, 7).stream().allMatch(s -> s.startsWith("RESULT")), slots.toString());
  }

  @Test
  void theMlpSampleOpsLowerToo() {
    CompiledModel model = Models.mlp();
    String ir = LlvmBackend.generate(model).getFirst().content();
    assertTrue(ir.contains(".softmaxCrossEntropy("), ir);
    assertTrue(ir.contains(".matMul("), ir);
    assertTrue(ir.contains("define void @kiln_MlpLike_loss_train("), ir);
  }

  private static int count(String s, Pattern p) {
    Matcher m = p.matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
