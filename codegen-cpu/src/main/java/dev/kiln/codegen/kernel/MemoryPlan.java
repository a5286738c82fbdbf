package dev.kiln.codegen.kernel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each intermediate of a {@link KernelProgram} lives inside one caller-owned workspace, so
 * that a call allocates nothing (but a recording loop's tapes, {@link Buffer.Kind#TAPE}, sized
 * only when the loop ends). The workspace holds every TEMP buffer and the gradients of a
 * training step (result slots after the first: the optimizer update reads them there, and they are
 * copied out only when the caller asks for them).
 *
 * <p><b>Liveness.</b> A buffer is live from the first step that touches it to the last one,
 * inclusive (gradients: to the end of the call). Views ({@link Kernel.Alias}) share their
 * source's {@link Buffer}, so a read through a view keeps the source alive. Two buffers live at the
 * same step never share memory; in particular a kernel's output never overlaps its inputs, which
 * the kernels' {@code noalias} pointers require.
 *
 * <p><b>Symbolic sizes.</b> Sizes are monomials ({@link Size}: a constant times symbols such as
 * {@code batch}). Buffers are packed into <i>regions</i>; a region only holds buffers whose sizes
 * have the same symbols, so its size is that monomial with the largest constant among them, which
 * bounds each of its buffers for every value of the symbols (zero included). Buffers with
 * different symbols never share memory: {@code 7840} vs {@code 10*batch} compares either way
 * depending on {@code batch}, and mixing them would need a run-time plan. Region offsets are sums
 * of the earlier regions' sizes, each rounded up to {@link #ALIGNMENT} bytes, computed at run time
 * from the symbols' values (a few multiplies per call).
 */
public final class MemoryPlan {
  /** Every region starts on this boundary (one AVX-512 vector; the workspace base is aligned too). */
  public static final long ALIGNMENT = 64;

  private final KernelProgram program;
  private final List<Buffer> buffers = new ArrayList<>();
  private final Map<Integer, int[]> life = new HashMap<>(); // by buffer id: first, last step
  private final Map<Integer, Integer> regionOf = new HashMap<>(); // by buffer id
  private final List<Size> regions = new ArrayList<>(); // byte sizes

  private MemoryPlan(KernelProgram program) {
    this.program = program;
  }

  /** Plans {@code program}'s workspace. */
  public static MemoryPlan of(KernelProgram program) {
    MemoryPlan p = new MemoryPlan(program);
    p.liveness();
    p.assign();
    return p;
  }

  /** Whether {@code b} lives in the workspace (a TEMP or a gradient result). */
  public boolean inWorkspace(Buffer b) {
    return regionOf.containsKey(b.id());
  }

  /** The workspace's buffers, each once (for a result: the buffer of its slot). */
  public List<Buffer> buffers() {
    return List.copyOf(buffers);
  }

  /** The region index of a workspace buffer. */
  public int region(Buffer b) {
    Integer r = regionOf.get(b.id());
    if (r == null) {
      throw new IllegalArgumentException("buffer of " + b.node().name() + " is not in the workspace");
    }
    return r;
  }

  /** Each region's size in bytes before alignment, in layout order. */
  public List<Size> regions() {
    return List.copyOf(regions);
  }

  /**
   * The first and last step index at which {@code b} is live (the end of the call is
   * {@code allSteps().size()}; see {@link #liveness()} for control flow).
   */
  public int[] life(Buffer b) {
    return life.get(b.id()).clone();
  }

  /** The gradient result slots, whose buffers live in the workspace. */
  public List<Buffer> gradientSlots() {
    List<Buffer> r = new ArrayList<>();
    boolean first = true;
    for (Buffer b : program.slots()) {
      if (b.kind() == Buffer.Kind.RESULT) {
        if (!first) {
          r.add(b);
        }
        first = false;
      }
    }
    return r;
  }

  /** The byte offset of {@code b} for the given symbol values (tests and reports). */
  public long offset(Buffer b, Map<String, Long> symbols) {
    long o = 0;
    int r = region(b);
    for (int i = 0; i < r; i++) {
      o += aligned(eval(regions.get(i), symbols));
    }
    return o;
  }

  /** The workspace size in bytes for the given symbol values. */
  public long bytes(Map<String, Long> symbols) {
    long o = 0;
    for (Size s : regions) {
      o += aligned(eval(s, symbols));
    }
    return o;
  }

  /** The bytes of {@code b}'s elements for the given symbol values. */
  public static long bufferBytes(Buffer b, Map<String, Long> symbols) {
    return eval(bytes(b), symbols);
  }

  public static long aligned(long bytes) {
    return (bytes + ALIGNMENT - 1) & -ALIGNMENT;
  }

  public static long eval(Size s, Map<String, Long> symbols) {
    long v = s.constant();
    for (String sym : s.symbols()) {
      Long x = symbols.get(sym);
      if (x == null) {
        throw new IllegalArgumentException("no value for the symbol " + sym);
      }
      v *= x;
    }
    return v;
  }

  private static Size bytes(Buffer b) {
    Size s = b.size();
    return new Size(s.constant() * b.dtype().byteSize(), s.symbols());
  }

  /**
   * Step indices number every kernel depth first, control-flow kernels before their nested steps
   * ({@link KernelProgram#allSteps()} order); the end of the call is their count. A buffer
   * touched inside a loop is live through the whole outermost loop around it: an iteration may
   * read what an earlier one wrote, and a value from before the loop is read again by every
   * iteration. A branch's two step lists are numbered one after the other, which only makes the
   * buffers of both branches conservatively distinct.
   */
  private void liveness() {
    Map<Integer, Buffer> byId = new LinkedHashMap<>();
    int end = program.allSteps().size();
    for (Buffer b : gradientSlots()) {
      byId.put(b.id(), b);
      life.put(b.id(), new int[] {Integer.MAX_VALUE, end});
    }
    walk(program.steps(), 0, null, byId);
    for (var e : life.entrySet()) {
      if (e.getValue()[0] == Integer.MAX_VALUE) {
        e.getValue()[0] = e.getValue()[1]; // a gradient no kernel touches (never read)
      }
    }
    buffers.addAll(byId.values());
  }

  /** Numbers {@code steps} from {@code index}, recording lives; returns the next index. */
  private int walk(List<Kernel> steps, int index, int[] loop, Map<Integer, Buffer> byId) {
    for (Kernel k : steps) {
      int[] span = loop == null && k instanceof Kernel.Loop ? new int[] {index, index + count(List.of(k)) - 1} : loop;
      touch(k, index, span, byId);
      index++;
      for (List<Kernel> nested : k.nested()) {
        index = walk(nested, index, span, byId);
      }
    }
    return index;
  }

  /** How many step indices {@code steps} take, nested ones included. */
  private static int count(List<Kernel> steps) {
    int n = 0;
    for (Kernel k : steps) {
      n++;
      for (List<Kernel> nested : k.nested()) {
        n += count(nested);
      }
    }
    return n;
  }

  private void touch(Kernel k, int i, int[] loop, Map<Integer, Buffer> byId) {
    List<Buffer> touched = new ArrayList<>(k.inputs());
    touched.addAll(k.updated());
    touched.add(k.out());
    for (Buffer b : touched) {
      if (b.kind() == Buffer.Kind.TEMP) {
        byId.putIfAbsent(b.id(), b);
        life.computeIfAbsent(b.id(), x -> new int[] {Integer.MAX_VALUE, -1});
      }
      int[] l = life.get(b.id());
      if (l != null) {
        l[0] = Math.min(l[0], loop != null ? loop[0] : i);
        l[1] = Math.max(l[1], loop != null ? loop[1] : i);
      }
    }
  }

  /**
   * Greedy interval packing in order of first use: each buffer takes a region of its symbols that
   * is free by then, the smallest one big enough, else the biggest one (grown), else a new one.
   */
  private void assign() {
    List<Buffer> order = new ArrayList<>(buffers);
    order.sort(Comparator.<Buffer>comparingInt(b -> life.get(b.id())[0]).thenComparingInt(Buffer::id));
    List<Integer> busyUntil = new ArrayList<>();
    for (Buffer b : order) {
      int[] l = life.get(b.id());
      Size need = bytes(b);
      List<String> key = sorted(need.symbols());
      int best = -1;
      for (int r = 0; r < regions.size(); r++) {
        Size s = regions.get(r);
        if (busyUntil.get(r) >= l[0] || !sorted(s.symbols()).equals(key)
            || (need.isZero() != s.isZero())) {
          continue;
        }
        if (best < 0) {
          best = r;
          continue;
        }
        long c = s.constant();
        long bc = regions.get(best).constant();
        boolean fits = c >= need.constant();
        boolean bestFits = bc >= need.constant();
        if (fits && (!bestFits || c < bc) || !fits && !bestFits && c > bc) {
          best = r;
        }
      }
      if (best < 0) {
        regions.add(need);
        busyUntil.add(l[1]);
        regionOf.put(b.id(), regions.size() - 1);
        continue;
      }
      Size s = regions.get(best);
      if (s.constant() < need.constant()) {
        regions.set(best, new Size(need.constant(), s.symbols()));
      }
      busyUntil.set(best, l[1]);
      regionOf.put(b.id(), best);
    }
  }

  private static List<String> sorted(List<String> symbols) {
    List<String> s = new ArrayList<>(symbols);
    s.sort(null);
    return s;
  }
}
