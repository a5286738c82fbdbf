package dev.kiln.codegen.llvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.codegen.kernel.Buffer;
import dev.kiln.codegen.kernel.KernelLowering;
import dev.kiln.codegen.kernel.KernelProgram;
import dev.kiln.compiler.interp.Interpreter;
import dev.kiln.compiler.interp.Value;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import dev.kiln.dsl.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the emitted IR with the machine's {@code lli} (when installed; LLVM 14 here, so opaque
 * pointers need its flag) on random inputs at two batch sizes, and compares every entry point's
 * output and gradients with the reference interpreter. A driver {@code main} appended to the
 * module holds the buffers as globals and prints each result element in hexadecimal.
 */
class LlvmBackendLliTest {
  @TempDir Path dir;

  @Test
  void softmaxRegressionMatchesTheInterpreter() throws Exception {
    check(Models.softmaxRegression(), 3);
    check(Models.softmaxRegression(), 70);
  }

  @Test
  void mlpMatchesTheInterpreter() throws Exception {
    check(Models.mlp(), 5);
    check(Models.mlp(), 67);
  }

  private void check(CompiledModel model, int batch) throws Exception {
    Assumptions.assumeTrue(onPath("lli"), "lli is not installed: the IR is not executed");
    SplittableRandom rng = new SplittableRandom(batch);
    Map<String, Value> feeds = new HashMap<>();
    Map<String, Value> variables = new HashMap<>();
    for (Node in : model.inputs()) {
      feeds.put(in.attrs().get("name"), random(in, batch, rng, in.name().equals("labels")));
    }
    for (Node p : model.params()) {
      variables.put(p.attrs().get("name"), random(p, batch, rng, false));
    }
    StringBuilder driver = new StringBuilder("\n; ---- test driver ----\n");
    StringBuilder main = new StringBuilder("define i32 @main() {\n");
    List<Value> expected = new ArrayList<>();
    List<DType> types = new ArrayList<>();
    int e = 0;
    for (EntryPoint ep : model.entryPoints()) {
      KernelProgram p = LlvmBackend.lower(model, ep);
      List<Node> results = KernelLowering.results(ep);
      Map<Node, Value> ref = new Interpreter(feeds, variables).run(results);
      List<String> slots = new ArrayList<>();
      for (Buffer b : p.slots()) {
        String g = "@d" + e + "." + b.slot();
        Value v = switch (b.kind()) {
          case INPUT -> feeds.get(b.node().attrs().<String>get("name"));
          case PARAM -> variables.get(b.node().attrs().<String>get("name"));
          default -> null;
        };
        int n = v != null ? v.size() : size(b.node(), batch);
        String st = LlvmTypes.storage(b.dtype());
        driver.append(g).append(" = global [").append(n).append(" x ").append(st).append("] ");
        if (v == null) {
          driver.append("zeroinitializer\n");
        } else {
          driver.append('[');
          for (int i = 0; i < n; i++) {
            driver.append(i == 0 ? "" : ", ").append(st).append(' ').append(LlvmTypes.literal(b.dtype(), v.get(i)));
          }
          driver.append("]\n");
        }
        slots.add("ptr " + g);
        if (b.kind() == Buffer.Kind.RESULT) {
          Value r = ref.get(results.get(b.slot() - ep.inputs().size() - model.params().size()));
          expected.add(r);
          types.add(b.dtype());
          main.append("  call void @print.").append(st).append("(ptr ").append(g).append(", i64 ").append(n).append(")\n");
        }
      }
      driver.append("@d").append(e).append(".buffers = global [").append(slots.size()).append(" x ptr] [")
          .append(String.join(", ", slots)).append("]\n");
      driver.append("@d").append(e).append(".sizes = global [1 x i64] [i64 ").append(batch).append("]\n");
      main.insert(main.indexOf("\n") + 1, "  call void @" + LlvmBackend.symbol(model, ep) + "(ptr @d" + e
          + ".buffers, ptr @d" + e + ".sizes)\n");
      e++;
    }
    main.append("  ret i32 0\n}\n");
    // lli has no runtime pool: stand in a serial kiln_parallel_for for the module's declaration.
    String ir = LlvmBackend.generate(model).getFirst().content()
        .replace("declare void @kiln_parallel_for(ptr, ptr, i64)\n", "") + driver + PRINTERS + SERIAL_PARALLEL_FOR + main;
    Path file = dir.resolve(model.simpleName() + batch + ".ll");
    Files.writeString(file, ir);
    Process proc = new ProcessBuilder("lli", "-opaque-pointers", file.toString()).redirectErrorStream(true).start();
    String out = new String(proc.getInputStream().readAllBytes());
    assertEquals(0, proc.waitFor(), out);
    String[] lines = out.strip().split("\n");
    int line = 0;
    for (int r = 0; r < expected.size(); r++) {
      Value v = expected.get(r);
      for (int i = 0; i < v.size(); i++) {
        String s = lines[line++].strip();
        double got = types.get(r).isFloating() ? Double.parseDouble(s.replace("0x", "0x").concat(s.contains("p") ? "" : "p0"))
            : Long.parseLong(s);
        double want = v.get(i);
        double tol = 1e-4 * Math.max(1, Math.abs(want));
        if (!(Math.abs(got - want) <= tol)) {
          throw new AssertionError(model.simpleName() + " batch " + batch + ": result " + r + " element "
              + i + " is " + got + ", the interpreter says " + want);
        }
      }
    }
    assertEquals(line, lines.length, "extra output lines");
  }

  /** kiln_parallel_for as one chunk on the calling thread. */
  private static final String SERIAL_PARALLEL_FOR = """
      define void @kiln_parallel_for(ptr %fn, ptr %ctx, i64 %n) {
      entry:
        call void %fn(ptr %ctx, i64 0, i64 %n)
        ret void
      }
      """;

  /** Prints float and i64 arrays one element a line (floats as %a: exact). */
  private static final String PRINTERS = """
      @fmt.f = private constant [4 x i8] c"%a\\0A\\00"
      @fmt.i = private constant [6 x i8] c"%lld\\0A\\00"
      declare i32 @printf(ptr, ...)
      define void @print.float(ptr %a, i64 %n) {
      entry:
        br label %head
      head:
        %i = phi i64 [ 0, %entry ], [ %next, %body ]
        %c = icmp slt i64 %i, %n
        br i1 %c, label %body, label %done
      body:
        %p = getelementptr float, ptr %a, i64 %i
        %v = load float, ptr %p
        %d = fpext float %v to double
        call i32 (ptr, ...) @printf(ptr @fmt.f, double %d)
        %next = add i64 %i, 1
        br label %head
      done:
        ret void
      }
      define void @print.i64(ptr %a, i64 %n) {
      entry:
        br label %head
      head:
        %i = phi i64 [ 0, %entry ], [ %next, %body ]
        %c = icmp slt i64 %i, %n
        br i1 %c, label %body, label %done
      body:
        %p = getelementptr i64, ptr %a, i64 %i
        %v = load i64, ptr %p
        call i32 (ptr, ...) @printf(ptr @fmt.i, i64 %v)
        %next = add i64 %i, 1
        br label %head
      done:
        ret void
      }
      """;

  private static int size(Node n, int batch) {
    int s = 1;
    for (Dim d : n.shape().dims()) {
      s *= d.isStatic() ? (int) d.size() : batch;
    }
    return s;
  }

  private static Value random(Node n, int batch, SplittableRandom rng, boolean oneHot) {
    int[] shape = n.shape().dims().stream().mapToInt(d -> d.isStatic() ? (int) d.size() : batch).toArray();
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

  private static boolean onPath(String tool) {
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
