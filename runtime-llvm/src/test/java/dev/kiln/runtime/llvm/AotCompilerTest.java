package dev.kiln.runtime.llvm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.codegen.llvm.LlvmBackend;
import dev.kiln.codegen.llvm.Models;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.GraphBuilder;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.ModelSpec;
import dev.kiln.compiler.ops.Emit;
import dev.kiln.compiler.passes.KilnCompiler;
import dev.kiln.dsl.DType;
import dev.kiln.runtime.AotCompiler;
import dev.kiln.runtime.NDArray;
import dev.kiln.runtime.nativecode.AotLibrary;
import dev.kiln.runtime.nativecode.AotTarget;
import dev.kiln.runtime.nativecode.HostCpu;
import dev.kiln.runtime.nativecode.NativeCodeException;
import dev.kiln.runtime.nativecode.ParallelFor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ahead-of-time libraries: a model's IR compiled for each x86-64 level, linked into a shared
 * library, loaded with FFM alone (kiln-runtime's {@link AotLibrary}) and compared with the reference
 * interpreter; and the {@code kiln_parallel_for} every library defines for itself.
 */
class AotCompilerTest {
  private static final AotCompiler COMPILER = new LlvmAotCompiler();

  @TempDir Path dir;

  @Test
  void theProcessorFindsTheCompilerAsAService() {
    AotCompiler found = ServiceLoader.load(AotCompiler.class).findFirst().orElseThrow();
    assertEquals(LlvmAotCompiler.class, found.getClass());
    assertEquals(List.of("x86-64-v3", "x86-64-v4"), found.targets());
  }

  @Test
  void avx2LibraryMatchesTheInterpreter() throws IOException {
    checkModels(AotTarget.X86_64_V3);
  }

  @Test
  void avx512LibraryMatchesTheInterpreter() throws IOException {
    checkModels(AotTarget.X86_64_V4);
  }

  /** Each library gets its level's vector width: 512-bit zmm registers in v4 only, 256-bit ymm in both. */
  @Test
  void eachTargetGetsItsOwnVectorWidth() {
    String ir = LlvmBackend.generate(Models.mlp()).getFirst().content();
    String v3 = LlvmAotCompiler.assembly("mlp", ir, AotTarget.X86_64_V3);
    String v4 = LlvmAotCompiler.assembly("mlp", ir, AotTarget.X86_64_V4);
    System.out.println("AOT assembly of the MLP: x86-64-v3 " + count(v3, "%ymm") + " ymm / " + count(v3, "%zmm")
        + " zmm register uses, x86-64-v4 " + count(v4, "%ymm") + " ymm / " + count(v4, "%zmm") + " zmm");
    assertEquals(0, count(v3, "%zmm"), "x86-64-v3 code must not use AVX-512 registers");
    assertTrue(count(v3, "%ymm") > 0, "x86-64-v3 code has no AVX2 vectors");
    assertTrue(count(v4, "%zmm") > 0, "x86-64-v4 code has no AVX-512 vectors");
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void libcAndLibmBindFromTheJvmProcess() throws IOException {
    AotLibrary lib = load("softmax", TestKernels.SOFTMAX, AotTarget.X86_64_V3);
    float[] x = {1f, 2f, 3f, -1f, 0.5f};
    NDArray out = NDArray.zeros(DType.F32, 5);
    lib.entry("softmax").call(new NDArray[] {NDArray.of(x, 5)}, new NDArray[0], new NDArray[] {out}, 5);
    double sum = 0;
    for (float v : x) {
      sum += Math.exp(v);
    }
    for (int i = 0; i < x.length; i++) {
      assertEquals(Math.exp(x[i]) / sum, out.floats()[i], 1e-6, "element " + i);
    }
  }

  @Test
  void parallelLoopsGoThroughThePointerTheLoaderSets() throws Throwable {
    CompiledModel model = parallelTanh();
    AotLibrary lib = load("par_tanh", LlvmBackend.generate(model).get(0).content(), AotTarget.X86_64_V3);
    MemorySegment impl = lib.address(AotLibrary.PARALLEL_FOR_IMPL).reinterpret(8);
    ParallelFor pool = ParallelFor.defaultPool();
    assertEquals(0, impl.get(ADDRESS, 0).address(), "the module runs its loops on its own pool");
    assertEquals(pool.threads(), lib.address(ParallelFor.NATIVE_THREADS).reinterpret(4).get(JAVA_INT, 0),
        "the loader sizes the module's own pool as the default pool");

    float[] x = new float[400 * 300]; // past the emitter's threshold for splitting a map
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.01) * 4;
    }
    String symbol = LlvmBackend.symbol(model, model.entryPoints().get(0));
    // A counting stand-in for the pool proves each loop is handed over, exactly once.
    AtomicInteger calls = new AtomicInteger();
    MethodHandle counting = MethodHandles.lookup().findStatic(AotCompilerTest.class, "forward",
        MethodType.methodType(void.class, AtomicInteger.class, ParallelFor.class, MemorySegment.class,
            MemorySegment.class, long.class)).bindTo(calls).bindTo(ParallelFor.shared(2));
    MemorySegment stub = Linker.nativeLinker().upcallStub(counting, ParallelFor.SIGNATURE, Arena.ofAuto());
    impl.set(ADDRESS, 0, stub);
    float[] pooled = tanh(lib, symbol, x);
    assertEquals(1, calls.get());

    impl.set(ADDRESS, 0, MemorySegment.NULL); // the library's own pool again
    float[] own = tanh(lib, symbol, x);
    assertEquals(1, calls.get());
    assertArrayEquals(pooled, own);
    MemorySegment threads = lib.address(ParallelFor.NATIVE_THREADS).reinterpret(4);
    threads.set(JAVA_INT, 0, 1); // no pool: the library runs the loop inline
    float[] serial = tanh(lib, symbol, x);
    assertArrayEquals(pooled, serial);
    threads.set(JAVA_INT, 0, 3); // three threads: two native workers
    assertArrayEquals(pooled, tanh(lib, symbol, x));
    for (int i = 0; i < x.length; i += 97) {
      assertEquals(Math.tanh(x[i]) * 3 + x[i], serial[i], 1e-5, "element " + i);
    }
    pool.install(lib);
  }

  /** tanh(x) * 3 + x over f32[batch, 300]: one fused map, split over the pool when large. */
  private static CompiledModel parallelTanh() {
    GraphBuilder b = new dev.kiln.compiler.ir.GraphBuilder();
    Node x = Emit.placeholder(b, "x", DType.F32, Shape.of(
        Dim.symbol("batch"), Dim.of(300)));
    Node y = Emit.add(b, Emit.mul(b,
        Emit.tanh(b, x), Emit.scalar(b, DType.F32, 3)), x);
    return KilnCompiler.compile(new dev.kiln.compiler.model.ModelSpec("test.aot",
        "ParTanh", b.graph(), List.of(x), List.of(),
        List.of(new ModelSpec.Named("y", y)), List.of()));
  }

  @Test
  void aModelThatNeverCallsParallelForStillLinks() throws IOException {
    AotLibrary lib = load("saxpy", TestKernels.SAXPY, AotTarget.X86_64_V3);
    NDArray out = NDArray.zeros(DType.F32, 3);
    lib.entry("saxpy").call(new NDArray[] {NDArray.of(new float[] {1, 2, 3}, 3), NDArray.of(new float[] {10, 20, 30}, 3)},
        new NDArray[] {NDArray.scalar(2f)}, new NDArray[] {out}, 3);
    assertArrayEquals(new float[] {12, 24, 36}, out.floats());
  }

  @Test
  void errorsAreOneSentenceNamingTheThing() throws IOException {
    IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
        () -> COMPILER.compile("m", TestKernels.SAXPY, "x86-64-v9"));
    assertEquals("unknown ahead-of-time target 'x86-64-v9'; the known targets are x86-64-v3, x86-64-v4",
        target.getMessage());
    LlvmException parse = assertThrows(LlvmException.class,
        () -> COMPILER.compile("Bad", "define void @f() {\n  ret i32 0\n}\n", "x86-64-v3"));
    assertTrue(parse.getMessage().startsWith("LLVM IR module 'Bad' does not parse at line 2"), parse.getMessage());

    AotLibrary lib = load("saxpy", TestKernels.SAXPY, AotTarget.X86_64_V3);
    NativeCodeException missing = assertThrows(NativeCodeException.class, () -> lib.entry("nope"));
    assertEquals("the ahead-of-time library 'saxpy' does not define 'nope'.", missing.getMessage());
    assertEquals(NativeCodeException.class, missing.getClass(), "running a library is kiln-runtime's, not LLVM's");
    Path absent = dir.resolve("absent.so");
    NativeCodeException notThere = assertThrows(NativeCodeException.class,
        () -> AotLibrary.open("absent", absent, ParallelFor.defaultPool()));
    assertTrue(notThere.getMessage().startsWith("loading the ahead-of-time library 'absent' from " + absent + " failed: "),
        notThere.getMessage());
  }

  /** The pool's {@code run}, counted: what a counting upcall stub forwards to. */
  @SuppressWarnings("unused")
  private static void forward(AtomicInteger calls, ParallelFor pool, MemorySegment fn, MemorySegment ctx, long n) {
    calls.incrementAndGet();
    try {
      pool.run(fn, ctx, n);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  private static float[] tanh(AotLibrary lib, String symbol, float[] x) {
    NDArray out = NDArray.zeros(DType.F32, x.length / 300, 300);
    lib.entry(symbol).call(new NDArray[] {NDArray.of(x, x.length / 300, 300)}, new NDArray[0], new NDArray[] {out},
        x.length / 300);
    return out.floats();
  }

  private AotLibrary load(String name, String ir, AotTarget target) throws IOException {
    byte[] so = COMPILER.compile(name, ir, target.id());
    Path file = Files.write(dir.resolve(name + "." + target.id() + ".so"), so);
    return AotLibrary.open(name, file, ParallelFor.defaultPool());
  }

  private void checkModels(AotTarget target) throws IOException {
    assumeTrue(HostCpu.targets().contains(target), "this CPU cannot run " + target.id() + " code");
    for (CompiledModel model : new CompiledModel[] {Models.softmaxRegression(), Models.mlp()}) {
      String ir = LlvmBackend.generate(model).getFirst().content();
      AotLibrary lib = load(model.simpleName(), ir, target);
      for (int batch : new int[] {3, 67}) {
        SplittableRandom rng = new SplittableRandom(batch);
        Map<String, Value> feeds = new HashMap<>();
        Map<String, Value> variables = new HashMap<>();
        for (Node in : model.inputs()) {
          feeds.put(in.attrs().get("name"), random(in, batch, rng, in.attrs().<String>get("name").equals("labels")));
        }
        for (Node p : model.params()) {
          variables.put(p.attrs().get("name"), random(p, batch, rng, false));
        }
        JitVsInterpreter.compare(lib::entry, model, batch, feeds, variables,
            (w, scale) -> 1e-4 * Math.max(1, Math.abs(w)));
      }
    }
  }

  private static Value random(Node n, int batch, SplittableRandom rng, boolean oneHot) {
    int[] shape = JitVsInterpreter.shape(n, batch);
    double[] data = new double[Value.sizeOf(shape)];
    if (oneHot) {
      int classes = shape[shape.length - 1];
      for (int r = 0; r < data.length / classes; r++) {
        data[r * classes + rng.nextInt(classes)] = 1;
      }
    } else {
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) rng.nextGaussian();
      }
    }
    return new Value(n.type().dtype(), shape, data);
  }
}
