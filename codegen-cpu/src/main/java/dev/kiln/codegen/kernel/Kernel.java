package dev.kiln.codegen.kernel;

import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a lowered entry point, independent of the target: each names the graph nodes it
 * computes (for comments), the buffer it writes and the buffers it reads. Loop bounds are
 * symbolic ({@link Dim}, {@link Size}). The parallel axis is explicit so that a GPU renderer can
 * map it to threads: every output element of {@link Map} and {@link MatMul} is independent, as
 * is every output element of {@link Reduce} and every row of the row kernels.
 */
public sealed interface Kernel {
  /** The graph nodes this step computes, in schedule order; the last is the one it stores. */
  List<Node> nodes();

  /** The buffer written (for an alias: the buffer the node's value lives in). */
  Buffer out();

  /** The buffers read, in a fixed order. */
  List<Buffer> inputs();

  /** A value bound inside a {@link Map}'s body: a fused intermediate or, last, the stored root. */
  record Let(Node node, ScalarExpr value) {}

  /**
   * A fused elementwise group (or a pure data movement: broadcast, transpose): a loop nest over
   * {@code domain} (the output's dims, row-major) computing each {@code body} value per element
   * and storing the last. Loads index their buffers with per-axis strides.
   */
  record Map(List<Node> nodes, Buffer out, List<Dim> domain, List<Let> body) implements Kernel {
    public Map {
      nodes = List.copyOf(nodes);
      domain = List.copyOf(domain);
      body = List.copyOf(body);
    }

    @Override
    public List<Buffer> inputs() {
      List<Buffer> r = new ArrayList<>();
      for (Let l : body) {
        collect(l.value(), r);
      }
      return r;
    }

    private static void collect(ScalarExpr e, List<Buffer> into) {
      switch (e) {
        case ScalarExpr.Load l -> {
          if (!into.contains(l.buffer())) {
            into.add(l.buffer());
          }
        }
        case ScalarExpr.Apply a -> a.args().forEach(x -> collect(x, into));
        default -> { }
      }
    }
  }

  /** How a reduction folds. */
  enum Fold { SUM, MEAN, MAX, MIN, PROD }

  /**
   * Folds {@code in} into {@code out}: input axis d lands on output axis {@code outAxis[d]}, or is
   * folded when -1. MEAN divides by the product of the folded dims.
   */
  record Reduce(Node node, Buffer out, Buffer in, int[] outAxis, Fold fold) implements Kernel {
    @Override
    public List<Node> nodes() {
      return List.of(node);
    }

    @Override
    public List<Buffer> inputs() {
      return List.of(in);
    }

    /** The product of the folded dims (MEAN's divisor). */
    public Size folded() {
      List<Dim> f = new ArrayList<>();
      for (int d = 0; d < outAxis.length; d++) {
        if (outAxis[d] < 0) {
          f.add(in.dims().get(d));
        }
      }
      return Size.of(f);
    }
  }

  /** {@code out[m, n] = op(a)[m, k] · op(b)[k, n]}, op transposing when the flag is set. */
  record MatMul(Node node, Buffer out, Buffer a, Buffer b, Dim m, Dim n, Dim k, boolean transposeA,
      boolean transposeB) implements Kernel {
    @Override
    public List<Node> nodes() {
      return List.of(node);
    }

    @Override
    public List<Buffer> inputs() {
      return List.of(a, b);
    }
  }

  /** Softmax or log-softmax of each of {@code rows} contiguous rows of {@code n} elements. */
  record Softmax(Node node, Buffer out, Buffer in, Size rows, Dim n, boolean log) implements Kernel {
    @Override
    public List<Node> nodes() {
      return List.of(node);
    }

    @Override
    public List<Buffer> inputs() {
      return List.of(in);
    }
  }

  /**
   * Index (i64) of the first maximum (or minimum) along an axis of {@code n} elements, the input
   * viewed as {@code [outer, n, inner]}; the first NaN wins.
   */
  record ArgExtremum(Node node, Buffer out, Buffer in, Size outer, Dim n, Size inner, boolean min)
      implements Kernel {
    @Override
    public List<Node> nodes() {
      return List.of(node);
    }

    @Override
    public List<Buffer> inputs() {
      return List.of(in);
    }
  }

  /**
   * Per row: {@code -Σ labels · log_softmax(logits)}, a zero label contributing nothing; rows of
   * {@code n} elements.
   */
  record SoftmaxCrossEntropy(Node node, Buffer out, Buffer labels, Buffer logits, Size rows, Dim n)
      implements Kernel {
    @Override
    public List<Node> nodes() {
      return List.of(node);
    }

    @Override
    public List<Buffer> inputs() {
      return List.of(labels, logits);
    }
  }

  /** Copies {@code in} to a result buffer (a result that is an input, variable, constant or view). */
  record Copy(Node node, Buffer out, Buffer in) implements Kernel {
    @Override
    public List<Node> nodes() {
      return List.of(node);
    }

    @Override
    public List<Buffer> inputs() {
      return List.of(in);
    }
  }

  /** No code: {@code node} (a reshape, a control dependency) shares {@code out} with its input. */
  record Alias(Node node, Buffer out) implements Kernel {
    @Override
    public List<Node> nodes() {
      return List.of(node);
    }

    @Override
    public List<Buffer> inputs() {
      return List.of();
    }
  }
}
