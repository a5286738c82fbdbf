package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Shape;
import dev.kiln.compiler.model.CompiledModel;
import dev.kiln.compiler.model.EntryPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Static costs of a compiled model for the build report: parameter counts, floating-point
 * operations per entry-point call and the peak memory of its plan. Symbolic dimensions (batch,
 * sequence length) take one assumed size, stated wherever the figures are shown.
 *
 * <p>FLOPs: a multiply-add counts 2, so matmul [m,k]x[k,n] is 2·m·n·k and a convolution 2·(output
 * elements)·kh·kw·cin (likewise its two gradients); every other computing op counts one per
 * element it writes, reductions one per element they read; sources, reshapes and result reads
 * count 0. Control-flow bodies run a number of times known only at run time and are not counted.
 */
public final class ModelCost {
  /** The size assumed for every symbolic dimension unless told otherwise. */
  public static final long DEFAULT_SYMBOLIC_SIZE = 100;

  private ModelCost() {}

  /**
   * @param trainable elements of the trainable variables ({@code @Param})
   * @param state elements of the other variables ({@code @State})
   * @param variableBytes bytes of all variables
   */
  public record Params(long trainable, long state, long variableBytes) {}

  /** Costs of one entry point at the assumed symbolic size. */
  public record EntryCost(String name, EntryPoint.Kind kind, int nodes, long flops, long peakBytes) {}

  public record Report(long symbolicSize, Params params, List<EntryCost> entries) {}

  public static Report of(CompiledModel model) {
    return of(model, DEFAULT_SYMBOLIC_SIZE);
  }

  public static Report of(CompiledModel model, long symbolicSize) {
    List<EntryCost> entries = new ArrayList<>();
    for (EntryPoint e : model.entryPoints()) {
      long flops = 0;
      for (Node n : e.schedule()) {
        flops += flops(n, symbolicSize);
      }
      entries.add(new EntryCost(e.name(), e.kind(), e.schedule().size(), flops,
          PeakMemory.peakBytes(e, symbolicSize)));
    }
    return new Report(symbolicSize, params(model), entries);
  }

  public static Params params(CompiledModel model) {
    long trainable = 0;
    long state = 0;
    long bytes = 0;
    for (Node p : model.params()) {
      long n = elements(p.shape(), DEFAULT_SYMBOLIC_SIZE);
      if (!p.attrs().has("trainable") || p.attrs().getBool("trainable")) {
        trainable += n;
      } else {
        state += n;
      }
      bytes += n * p.type().dtype().byteSize();
    }
    return new Params(trainable, state, bytes);
  }

  /** The number of elements of a shape, each symbolic dimension taken as {@code symbolicSize}. */
  public static long elements(Shape shape, long symbolicSize) {
    long n = 1;
    for (Dim d : shape.dims()) {
      n *= d.isStatic() ? d.size() : symbolicSize;
    }
    return n;
  }

  private static long dim(Node n, int axis, long symbolicSize) {
    Dim d = n.shape().dim(axis < 0 ? n.shape().rank() + axis : axis);
    return d.isStatic() ? d.size() : symbolicSize;
  }

  /** Floating-point operations of one node (see the class comment for the counting rules). */
  public static long flops(Node n, long symbolicSize) {
    long out = elements(n.shape(), symbolicSize);
    return switch (n.op().name()) {
      case "Placeholder", "Variable", "Const", "Arg", "Output", "Reshape", "ShapeOf", "ElementCount",
          "ControlDependency", "If", "While" -> 0;
      case "MatMul", "BatchMatMul" -> {
        Node a = n.input(0);
        boolean ta = n.attrs().has("transposeA") && n.attrs().getBool("transposeA");
        yield 2 * out * dim(a, ta ? -2 : -1, symbolicSize);
      }
      // output elements × kh·kw·cin, from the filter [kh, kw, cin, cout]
      case "Conv2D" -> 2 * out * window(n.input(1), symbolicSize);
      case "Conv2DBackpropInput" -> 2 * elements(n.input(1).shape(), symbolicSize) * window(n.input(0), symbolicSize);
      case "Conv2DBackpropFilter" -> 2 * elements(n.input(1).shape(), symbolicSize) * window(n, symbolicSize);
      case "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ArgMax", "ArgMin",
          "SumToShape", "Softmax", "LogSoftmax", "SoftmaxCrossEntropyWithLogits" ->
          Math.max(out, elements(n.input(0).shape(), symbolicSize));
      default -> out;
    };
  }

  private static long window(Node filter, long symbolicSize) {
    return dim(filter, 0, symbolicSize) * dim(filter, 1, symbolicSize) * dim(filter, 2, symbolicSize);
  }

  /** Counts of each op in a schedule, most frequent first; for the report's tables. */
  public static Map<String, Integer> opCounts(List<Node> nodes) {
    Map<String, Integer> counts = new HashMap<>();
    for (Node n : nodes) {
      counts.merge(n.op().name(), 1, Integer::sum);
    }
    return counts;
  }
}
