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

  /**
   * The inputs this kernel also writes (the generator state of {@link Random}): a renderer must
   * not mark them read-only.
   */
  default List<Buffer> updated() {
    return List.of();
  }

  /**
   * The nested step lists of a control-flow kernel ({@link Branch}, {@link Loop}), in the order
   * a renderer emits them; empty for every other kernel.
   */
  default List<List<Kernel>> nested() {
    return List.of();
  }

  /** A kernel computing exactly one graph node. */
  sealed interface OneNode extends Kernel {
    Node node();

    @Override
    default List<Node> nodes() {
      return List.of(node());
    }
  }

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
  record Reduce(Node node, Buffer out, Buffer in, int[] outAxis, Fold fold) implements OneNode {
    @Override
    public List<Buffer> inputs() {
      return List.of(in);
    }

    /** The product of the folded dims (MEAN's divisor). */
    public Size folded() {
      List<Dim> f = new ArrayList<>();
      List<Dim> dims = node.input(0).shape().dims(); // not in.dims(): reshapes share buffers
      for (int d = 0; d < outAxis.length; d++) {
        if (outAxis[d] < 0) {
          f.add(dims.get(d));
        }
      }
      return Size.of(f);
    }
  }

  /** {@code out[m, n] = op(a)[m, k] · op(b)[k, n]}, op transposing when the flag is set. */
  record MatMul(Node node, Buffer out, Buffer a, Buffer b, Dim m, Dim n, Dim k, boolean transposeA,
      boolean transposeB) implements OneNode {
    @Override
    public List<Buffer> inputs() {
      return List.of(a, b);
    }
  }

  /** Softmax or log-softmax of each of {@code rows} contiguous rows of {@code n} elements. */
  record Softmax(Node node, Buffer out, Buffer in, Size rows, Dim n, boolean log) implements OneNode {
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
      implements OneNode {
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
      implements OneNode {
    @Override
    public List<Buffer> inputs() {
      return List.of(labels, logits);
    }
  }

  /** Which sliding-window op a {@link Window} kernel computes. */
  enum WindowOp { CONV, CONV_INPUT, CONV_FILTER, MAX_POOL, MAX_POOL_GRAD, AVG_POOL, AVG_POOL_GRAD }

  /**
   * The static geometry of one NHWC sliding window (TensorFlow's SAME/VALID, as {@code Windows}):
   * input {@code [batch, h, w, c]}, window {@code kh x kw}, output {@code [batch, oh, ow, f]}
   * ({@code f = c} for pools), strides and the padding before each spatial axis.
   */
  record WindowGeometry(int h, int w, int c, int kh, int kw, int f, int oh, int ow, int sh, int sw,
      int ph, int pw) {}

  /**
   * A convolution, pooling or one of their gradients over a symbolic {@code batch}: the loops
   * run batch, output row, output column, window row, window column (padded taps skipped), then
   * the channels, with the output-channel loop innermost and contiguous. {@code ins} in the op's
   * input order.
   */
  record Window(Node node, Buffer out, List<Buffer> ins, WindowOp op, Dim batch, WindowGeometry g)
      implements OneNode {
    public Window {
      ins = List.copyOf(ins);
    }

    @Override
    public List<Buffer> inputs() {
      return ins;
    }
  }

  /**
   * One rectangular block copied from {@code in} into the output: a loop nest over
   * {@code domain}, reading {@code in} at {@code Σ inBase + Σ idx·inStrides} and writing at
   * {@code Σ outBase + Σ idx·outStrides} (bases are sums of symbolic sizes).
   */
  record Block(Buffer in, List<Dim> domain, List<Size> inBase, List<Size> inStrides,
      List<Size> outBase, List<Size> outStrides) {
    public Block {
      domain = List.copyOf(domain);
      inBase = List.copyOf(inBase);
      inStrides = List.copyOf(inStrides);
      outBase = List.copyOf(outBase);
      outStrides = List.copyOf(outStrides);
    }
  }

  /**
   * Data movement by blocks (slice, unslice, concat): the output is zeroed first when
   * {@code zero}, then each block copied in order.
   */
  record Blocks(Node node, Buffer out, boolean zero, List<Block> blocks) implements OneNode {
    public Blocks {
      blocks = List.copyOf(blocks);
    }

    @Override
    public List<Buffer> inputs() {
      List<Buffer> r = new ArrayList<>();
      for (Block b : blocks) {
        if (!r.contains(b.in())) {
          r.add(b.in());
        }
      }
      return r;
    }
  }

  /**
   * Gather ({@code scatter} false): row {@code indices[i]} of {@code table} ({@code rows} rows of
   * {@code row} elements) copied to row i of the output, for each of the {@code count} indices.
   * ScatterAdd ({@code scatter} true): the output ({@code rows} rows) zeroed, then row i of
   * {@code table} (the updates) added at row {@code indices[i]}. An index outside
   * {@code [0, rows)} touches no memory (gather writes a zero row, scatter skips it) and is
   * reported to the caller (see the LLVM backend's entry status).
   */
  record Gather(Node node, Buffer out, Buffer table, Buffer indices, Size count, Dim rows, Size row,
      boolean scatter) implements OneNode {
    @Override
    public List<Buffer> inputs() {
      return List.of(table, indices);
    }
  }

  /** {@link MatMul} of each of {@code batches} pairs of matrices stored back to back. */
  record BatchMatMul(Node node, Buffer out, Buffer a, Buffer b, Size batches, Dim m, Dim n, Dim k,
      boolean transposeA, boolean transposeB) implements OneNode {
    @Override
    public List<Buffer> inputs() {
      return List.of(a, b);
    }
  }

  /** The i64 vector of {@code dims}' run-time sizes (x's values are never read). */
  record ShapeOf(Node node, Buffer out, List<Dim> dims) implements OneNode {
    public ShapeOf {
      dims = List.copyOf(dims);
    }

    @Override
    public List<Buffer> inputs() {
      return List.of();
    }
  }

  /** The inverse of the {@code n x n} matrix {@code in} (Gauss-Jordan, as the reference). */
  record MatrixInverse(Node node, Buffer out, Buffer in, Dim n) implements OneNode {
    @Override
    public List<Buffer> inputs() {
      return List.of(in);
    }
  }

  /** Copies {@code in} to a result buffer (a result that is an input, variable, constant or view). */
  record Copy(Node node, Buffer out, Buffer in) implements OneNode {
    @Override
    public List<Buffer> inputs() {
      return List.of(in);
    }
  }

  /**
   * Starts the entry point's generator: {@code out} (one i64, the state of a
   * {@code java.util.SplittableRandom} with the golden gamma) is set to the seed the caller passes
   * as the run-time size {@link KernelProgram#SEED}.
   */
  record SeedGenerator(Buffer out) implements Kernel {
    @Override
    public List<Node> nodes() {
      return List.of();
    }

    @Override
    public List<Buffer> inputs() {
      return List.of();
    }
  }

  /** What a {@link Random} kernel draws. */
  enum Draw { UNIFORM, NORMAL, TRUNCATED_NORMAL, DROPOUT, SHUFFLE }

  /**
   * A random op drawing from the entry point's generator {@code state} (see
   * {@link SeedGenerator}), which it advances: RandomUniform, RandomNormal, TruncatedNormal,
   * a training DropoutMask, or RandomShuffle of {@code x} (null for the others), element by
   * element in row-major order, the reference's draw rules.
   */
  record Random(Node node, Buffer out, Buffer state, Buffer x, Draw draw) implements OneNode {
    @Override
    public List<Buffer> inputs() {
      return x == null ? List.of(state) : List.of(state, x);
    }

    @Override
    public List<Buffer> updated() {
      return List.of(state);
    }
  }

  /**
   * A state write (Assign, AssignAdd, AssignSub) in place: {@code out} is the variable's own
   * buffer, combined element by element with {@code operand}.
   */
  record Write(Node node, Buffer out, Buffer operand) implements OneNode {
    @Override
    public List<Buffer> inputs() {
      return List.of(operand);
    }
  }

  /** Which COO sparse-matrix op a {@link Sparse} kernel computes. */
  enum SparseOp { MATMUL, MATMUL_VALUES_GRAD, TO_DENSE, GATHER }

  /**
   * A COO sparse-matrix op over {@code nnz} nonzeros: {@code indices} (i64 or i32
   * {@code [nnz, 2]}), the op's other operands in its input order ({@code operands}: values and
   * dense for MATMUL, g and dense for MATMUL_VALUES_GRAD, values for TO_DENSE, dense for
   * GATHER), and the dense shape {@code rows x cols}, the dims of the op's shape witness, whose
   * buffer holds no elements and is not read. {@code width} is the dense operand's columns
   * (MATMUL, MATMUL_VALUES_GRAD; null otherwise). A coordinate outside the dense shape touches
   * no memory and is reported to the caller, as {@link Gather}'s indices.
   */
  record Sparse(Node node, Buffer out, Buffer indices, List<Buffer> operands, SparseOp op, Dim nnz, Dim rows,
      Dim cols, Dim width, boolean adjoint) implements OneNode {
    public Sparse {
      operands = List.copyOf(operands);
    }

    @Override
    public List<Buffer> inputs() {
      List<Buffer> r = new ArrayList<>();
      r.add(indices);
      for (Buffer b : operands) {
        if (!r.contains(b)) {
          r.add(b); // g and dense may be one node
        }
      }
      return r;
    }
  }

  /**
   * A run-time branch (If): the BOOL scalar {@code pred} picks {@code then} or {@code otherwise},
   * each the lowered steps of its region leaving the region's results in {@code outs} (one buffer
   * per result of the node; Output nodes read them).
   */
  record Branch(Node node, Buffer pred, List<Buffer> outs, List<Kernel> then, List<Kernel> otherwise)
      implements OneNode {
    public Branch {
      outs = List.copyOf(outs);
      then = List.copyOf(then);
      otherwise = List.copyOf(otherwise);
    }

    @Override
    public Buffer out() {
      return outs.getFirst();
    }

    @Override
    public List<Buffer> inputs() {
      return List.of(pred);
    }

    @Override
    public List<List<Kernel>> nested() {
      return List.of(then, otherwise);
    }
  }

  /**
   * A run-time loop (While): {@code init} copies the initial values into the loop variables
   * {@code vars}; then, while the steps {@code cond} leave true in the BOOL scalar {@code more},
   * the steps {@code body} run (ending in copies of the next values into {@code vars}). A
   * recording loop (back-propagation through time) also appends the variables to {@code tapes}
   * ({@link Buffer.Kind#TAPE}, one per variable) before each body and, on exit, writes the trip
   * count (I32) to {@code trips} and binds the tapes' symbol {@code steps} to it; otherwise
   * {@code tapes} is empty and {@code trips} and {@code steps} are null. {@link #inputs()} lists
   * every buffer the loop itself touches (vars, more, trips), all live through the loop.
   */
  record Loop(Node node, List<Buffer> vars, List<Kernel> init, List<Kernel> cond, Buffer more,
      List<Kernel> body, List<Buffer> tapes, Buffer trips, String steps) implements OneNode {
    public Loop {
      vars = List.copyOf(vars);
      init = List.copyOf(init);
      cond = List.copyOf(cond);
      body = List.copyOf(body);
      tapes = List.copyOf(tapes);
    }

    public boolean records() {
      return trips != null;
    }

    @Override
    public Buffer out() {
      return vars.getFirst();
    }

    @Override
    public List<Buffer> inputs() {
      List<Buffer> r = new ArrayList<>(vars);
      r.add(more);
      if (trips != null) {
        r.add(trips);
      }
      return r;
    }

    @Override
    public List<List<Kernel>> nested() {
      return List.of(init, cond, body);
    }
  }

  /** No code: {@code node} (a reshape, a control dependency) shares {@code out} with its input. */
  record Alias(Node node, Buffer out) implements OneNode {
    @Override
    public List<Buffer> inputs() {
      return List.of();
    }
  }
}
