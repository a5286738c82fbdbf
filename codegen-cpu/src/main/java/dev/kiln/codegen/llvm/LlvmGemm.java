package dev.kiln.codegen.llvm;

import dev.kiln.dsl.DType;

/**
 * A register-blocked matrix product for f32 and f64, emitted once per module and dtype as four
 * internal functions (the BLIS design):
 *
 * <ul>
 *   <li>{@code @kiln.gemm.<t>(a, sai, sap, b, sbp, sbj, c, m, n, k)}: {@code c[m, n] = A · B} with
 *       {@code A[i, p] = a[i * sai + p * sap]} and {@code B[p, j] = b[p * sbp + j * sbj]}, so one
 *       function serves all four transpose combinations. Large products are split over the pool
 *       in whole micro-tiles of rows or of columns (whichever gives more), each chunk a
 *       {@code block} call on its own rows or columns.
 *   <li>{@code block}: the cache-blocked loops. For each NC-wide column panel and KC-deep slice of
 *       k, B's slice is packed into NR-wide slivers (row p of a sliver: NR contiguous elements,
 *       zero past n); for each MC-tall row block, A's slice is packed into MR-tall slivers
 *       (column p: MR contiguous elements, zero past m); then a micro-kernel per MR × NR tile.
 *   <li>{@code micro1}/{@code micro2}: the MR × NR tile as MR × (1 or 2) vector accumulators, one
 *       broadcast of A and one FMA per accumulator per p (the one-vector form for tiles at most a
 *       vector wide, e.g. the 10 classes of MNIST). The tile's sum over this KC slice is then
 *       added to c (stored, for the first slice). When a column panel is a single sliver, A is
 *       not packed (each element would be used once): {@code micro1d}/{@code micro2d} read it
 *       in place.
 * </ul>
 *
 * <p>Every element of c is therefore Σ over KC slices in order of (fma chain over p in order),
 * whatever tile, panel or chunk computes it: results are bit-identical on any thread count.
 * Vectors are {@code <16 x float>} / {@code <8 x double>}, 64 bytes: one zmm register on an
 * AVX-512 host (24 accumulators + 2 B vectors + a broadcast fit its 32); on an AVX2 target LLVM
 * legalises each into two ymm halves, correct but spilling.
 */
final class LlvmGemm {
  private LlvmGemm() {}

  /** Rows of a micro-tile. */
  static final int MR = 12;
  /** Vectors per micro-tile row (NR = 2 vectors). */
  static final int NV = 2;
  /**
   * Depth of a packed slice: a B sliver is KC × NR × 4 bytes = 24 KiB for f32 (half of Zen 5's
   * 48 KiB L1d, reused by every row tile), an A sliver 9 KiB streamed beside it.
   */
  static final int KC = 192;
  /** Rows of a packed A block: MC × KC × 4 = 108 KiB for f32, inside a 1 MiB L2. */
  static final int MC = 12 * MR;
  /** Columns of a packed B panel: KC × NC × 4 = 3 MiB for f32, in L3. */
  static final int NC = 4096;
  /**
   * Multiply-adds (m·n·k) from which a product is split over the pool: 2^21 is ~10 µs of one
   * core at ~200 GFLOP/s, a few times what a fork-join over the pool costs (one FFM upcall and a
   * wake-up per extra thread, a few µs). MNIST's 100×784×10 (0.8M) stays serial; the MLP's
   * 100×784×256 (20M) splits.
   */
  static final long PARALLEL_MACS = 1L << 21;

  /** Whether {@link #call} handles {@code t}. */
  static boolean supports(DType t) {
    return t == DType.F32 || t == DType.F64;
  }

  /**
   * Emits {@code c = op(a) · op(b)} for one m × k by k × n product of row-major matrices (op
   * transposes when asked).
   */
  static void call(LlvmFunction f, DType t, String a, String b, String c, String m, String n, String k,
      boolean transposeA, boolean transposeB) {
    String gemm = gemm(f.module(), t);
    String sai = transposeA ? "1" : k;
    String sap = transposeA ? m : "1";
    String sbp = transposeB ? "1" : n;
    String sbj = transposeB ? k : "1";
    f.emit("call void " + gemm + "(ptr " + a + ", i64 " + sai + ", i64 " + sap + ", ptr " + b + ", i64 " + sbp
        + ", i64 " + sbj + ", ptr " + c + ", i64 " + m + ", i64 " + n + ", i64 " + k + ")");
  }

  /** The per-dtype pieces of the emitted code. */
  private record T(String name, String st, int bytes, int w, String vt, String fma, String zero) {
    static T of(DType t) {
      return t == DType.F64
          ? new T("f64", "double", 8, 8, "<8 x double>", "llvm.fma.v8f64", "0.0")
          : new T("f32", "float", 4, 16, "<16 x float>", "llvm.fma.v16f32", "0.0");
    }

    int nr() {
      return NV * w;
    }
  }

  /** The module's driver for {@code t}, defining it and its pieces on first use. */
  private static String gemm(Module module, DType dtype) {
    T t = T.of(dtype);
    String key = "gemm:" + t.name;
    module.declare("declare noalias ptr @malloc(i64)");
    module.declare("declare void @free(ptr)");
    module.declare("declare " + t.vt + " @" + t.fma + "(" + t.vt + ", " + t.vt + ", " + t.vt + ")");
    String[] micro = {micro(module, t, 1, false), micro(module, t, 2, false), micro(module, t, 1, true),
        micro(module, t, 2, true)};
    String block = block(module, t, micro);
    String chunk = chunk(module, t, block);
    String parallel = LlvmParallel.helper(module);
    return module.global(key, "kiln.gemm." + t.name, name -> {
      LlvmFunction g = new LlvmFunction(module);
      String m = "%m";
      String n = "%n";
      String k = "%k";
      String rowUnits = ceilDiv(g, m, MR);
      String colUnits = ceilDiv(g, n, t.nr());
      g.comment("split the columns when they give a few chunks, else the side with more micro-tiles");
      String byRows = g.let("byrows", "and i1 " + g.let("fewcols", "icmp slt i64 " + colUnits + ", 4") + ", "
          + g.let("morerows", "icmp sgt i64 " + rowUnits + ", " + colUnits));
      String units = g.let("units", "select i1 " + byRows + ", i64 " + rowUnits + ", i64 " + colUnits);
      String macs = g.let("macs", "mul i64 " + g.let("mn", "mul i64 " + m + ", " + n) + ", " + k);
      String big = g.let("big", "and i1 " + g.let("enough", "icmp sge i64 " + macs + ", " + PARALLEL_MACS) + ", "
          + g.let("several", "icmp sgt i64 " + units + ", 1"));
      String endBig = g.ifThen(big);
      String ctx = g.var("ctx", "[11 x i64]", "zeroinitializer");
      String[] fields = {"ptr %a", "i64 %sai", "i64 %sap", "ptr %b", "i64 %sbp", "i64 %sbj", "ptr %c", "i64 %m",
          "i64 %n", "i64 %k"};
      for (int i = 0; i < fields.length; i++) {
        g.emit("store " + fields[i] + ", ptr " + g.gep("i64", ctx, Integer.toString(i)));
      }
      g.store("i64", g.let("byrows.i", "zext i1 " + byRows + " to i64"), g.gep("i64", ctx, "10"));
      g.emit("call void " + parallel + "(ptr " + chunk + ", ptr " + ctx + ", i64 " + units + ")");
      g.endIf(endBig);
      String endSmall = g.ifThen(g.let("serial", "xor i1 " + big + ", true"));
      g.emit("call void " + block + "(ptr %a, i64 %sai, i64 %sap, ptr %b, i64 %sbp, i64 %sbj, ptr %c, i64 %n, "
          + "i64 %m, i64 %n, i64 %k)");
      g.endIf(endSmall);
      return "; C[m, n] = A[m, k] · B[k, n], A[i, p] = a[i*sai + p*sap], B[p, j] = b[p*sbp + j*sbj]\n"
          + g.build("define internal void " + name + "(ptr noalias %a, i64 %sai, i64 %sap, ptr noalias %b, "
          + "i64 %sbp, i64 %sbj, ptr noalias %c, i64 %m, i64 %n, i64 %k)");
    });
  }

  /** One pool chunk: rows (or columns) [begin, end) in micro-tiles, as one block call. */
  private static String chunk(Module module, T t, String block) {
    return module.global("gemm.chunk:" + t.name, "kiln.gemm." + t.name + ".chunk", name -> {
      LlvmFunction g = new LlvmFunction(module);
      String[] types = {"ptr", "i64", "i64", "ptr", "i64", "i64", "ptr", "i64", "i64", "i64", "i64"};
      String[] v = new String[types.length];
      for (int i = 0; i < types.length; i++) {
        v[i] = g.load(types[i], g.gep("i64", "%ctx", Integer.toString(i)));
      }
      String a = v[0], sai = v[1], sap = v[2], b = v[3], sbp = v[4], sbj = v[5], c = v[6], m = v[7], n = v[8],
          k = v[9];
      String byRows = g.let("byrows", "icmp ne i64 " + v[10] + ", 0");
      String endRows = g.ifThen(byRows);
      String r0 = g.let("r0", "mul i64 %begin, " + MR);
      String r1 = min(g, g.let("r1", "mul i64 %end, " + MR), m);
      g.emit("call void " + block + "(ptr " + g.gep(t.st, a, g.let("off", "mul i64 " + r0 + ", " + sai)) + ", i64 "
          + sai + ", i64 " + sap + ", ptr " + b + ", i64 " + sbp + ", i64 " + sbj + ", ptr "
          + g.gep(t.st, c, g.let("off", "mul i64 " + r0 + ", " + n)) + ", i64 " + n + ", i64 "
          + g.let("rows", "sub i64 " + r1 + ", " + r0) + ", i64 " + n + ", i64 " + k + ")");
      g.endIf(endRows);
      String endCols = g.ifThen(g.let("bycols", "xor i1 " + byRows + ", true"));
      String c0 = g.let("c0", "mul i64 %begin, " + t.nr());
      String c1 = min(g, g.let("c1", "mul i64 %end, " + t.nr()), n);
      g.emit("call void " + block + "(ptr " + a + ", i64 " + sai + ", i64 " + sap + ", ptr "
          + g.gep(t.st, b, g.let("off", "mul i64 " + c0 + ", " + sbj)) + ", i64 " + sbp + ", i64 " + sbj + ", ptr "
          + g.gep(t.st, c, c0) + ", i64 " + n + ", i64 " + m + ", i64 " + g.let("cols", "sub i64 " + c1 + ", " + c0)
          + ", i64 " + k + ")");
      g.endIf(endCols);
      return g.build("define internal void " + name + "(ptr %ctx, i64 %begin, i64 %end)");
    });
  }

  /** The cache-blocked loops over one block of c (leading dimension ldc), with their packing. */
  private static String block(Module module, T t, String[] micro) {
    return module.global("gemm.block:" + t.name, "kiln.gemm." + t.name + ".block", name -> {
      LlvmFunction g = new LlvmFunction(module);
      int nr = t.nr();
      g.comment("k = 0: the product is all zeros");
      String endZero = g.ifThen(g.let("nok", "icmp sle i64 %k, 0"));
      String zi = g.loop("zi", "%m");
      String zj = g.loop("zj", "%n");
      g.store(t.st, t.zero, g.gep(t.st, "%c", g.let("idx", "add i64 " + g.let("idx", "mul i64 " + zi + ", %ldc")
          + ", " + zj)));
      g.endLoop();
      g.endLoop();
      g.endIf(endZero);
      g.comment("packing buffers, 64-byte aligned (over-allocated by one line)");
      String kcMax = min(g, "%k", Integer.toString(KC));
      String ncMax = g.let("ncmax", "mul i64 " + ceilDiv(g, min(g, "%n", Integer.toString(NC)), nr) + ", " + nr);
      String mcMax = g.let("mcmax", "mul i64 " + ceilDiv(g, min(g, "%m", Integer.toString(MC)), MR) + ", " + MR);
      String[] bp = aligned(g, g.let("bytes", "mul i64 " + g.let("elems", "mul i64 " + kcMax + ", " + ncMax) + ", "
          + t.bytes));
      String[] ap = aligned(g, g.let("bytes", "mul i64 " + g.let("elems", "mul i64 " + kcMax + ", " + mcMax) + ", "
          + t.bytes));
      String jc = g.loop("jc", "0", "%n", Integer.toString(NC));
      String nc = min(g, g.let("left", "sub i64 %n, " + jc), Integer.toString(NC));
      String pc = g.loop("pc", "0", "%k", Integer.toString(KC));
      String kc = min(g, g.let("left", "sub i64 %k, " + pc), Integer.toString(KC));
      String first = g.let("first", "icmp eq i64 " + pc + ", 0");
      String bSrc = g.gep(t.st, "%b", g.let("off", "add i64 " + g.let("off", "mul i64 " + pc + ", %sbp") + ", "
          + g.let("off", "mul i64 " + jc + ", %sbj")));
      packB(g, t, bSrc, kc, nc, bp[1]);
      String ic = g.loop("ic", "0", "%m", Integer.toString(MC));
      String mc = min(g, g.let("left", "sub i64 %m, " + ic), Integer.toString(MC));
      String aSrc = g.gep(t.st, "%a", g.let("off", "add i64 " + g.let("off", "mul i64 " + ic + ", %sai") + ", "
          + g.let("off", "mul i64 " + pc + ", %sap")));
      g.comment("a panel of one sliver uses each A element once: the micro-kernel reads A in place");
      String single = g.let("single", "icmp sle i64 " + nc + ", " + nr);
      String endPack = g.ifThen(g.let("pack", "xor i1 " + single + ", true"));
      packA(g, t, aSrc, mc, kc, ap[1]);
      g.endIf(endPack);
      String jr = g.loop("jr", "0", nc, Integer.toString(nr));
      String w = min(g, g.let("left", "sub i64 " + nc + ", " + jr), Integer.toString(nr));
      String bSliver = g.gep(t.st, bp[1], g.let("off", "mul i64 " + jr + ", " + kc));
      String narrow = g.let("narrow", "icmp sle i64 " + w + ", " + t.w);
      String fn = g.let("micro", "select i1 " + single + ", ptr "
          + g.let("micro", "select i1 " + narrow + ", ptr " + micro[2] + ", ptr " + micro[3]) + ", ptr "
          + g.let("micro", "select i1 " + narrow + ", ptr " + micro[0] + ", ptr " + micro[1]));
      String cCol = g.let("col", "add i64 " + jc + ", " + jr);
      String ir = g.loop("ir", "0", mc, Integer.toString(MR));
      String h = min(g, g.let("left", "sub i64 " + mc + ", " + ir), Integer.toString(MR));
      String aSliver = g.gep(t.st, ap[1], g.let("off", "mul i64 " + ir + ", " + kc));
      String row = g.let("row", "add i64 " + ic + ", " + ir);
      String cTile = g.gep(t.st, "%c", g.let("off", "add i64 " + g.let("off", "mul i64 " + row + ", %ldc") + ", "
          + cCol));
      String aRows = g.gep(t.st, aSrc, g.let("off", "mul i64 " + ir + ", %sai"));
      g.emit("call void " + fn + "(ptr " + aSliver + ", ptr " + aRows + ", i64 %sai, i64 %sap, ptr " + bSliver
          + ", ptr " + cTile + ", i64 %ldc, i64 " + kc + ", i64 " + h + ", i64 " + w + ", i1 " + first + ")");
      g.endLoop(); // ir
      g.endLoop(); // jr
      g.endLoop(); // ic
      g.endLoop(); // pc
      g.endLoop(); // jc
      g.emit("call void @free(ptr " + bp[0] + ")");
      g.emit("call void @free(ptr " + ap[0] + ")");
      return g.build("define internal void " + name + "(ptr noalias %a, i64 %sai, i64 %sap, ptr noalias %b, "
          + "i64 %sbp, i64 %sbj, ptr noalias %c, i64 %ldc, i64 %m, i64 %n, i64 %k)");
    });
  }

  /**
   * B[p, j] for p < kc, j < nc into NR-wide slivers (sliver s at {@code s * kc * NR}, row p of it
   * at {@code p * NR}), zero past nc; reads along the contiguous side of B.
   */
  private static void packB(LlvmFunction g, T t, String src, String kc, String nc, String dst) {
    int nr = t.nr();
    g.comment("pack B: " + nr + "-wide slivers, zero past the last column");
    String jr = g.loop("pb.j", "0", nc, Integer.toString(nr));
    String w = min(g, g.let("left", "sub i64 " + nc + ", " + jr), Integer.toString(nr));
    String sliver = g.gep(t.st, dst, g.let("off", "mul i64 " + jr + ", " + kc));
    String colBase = g.gep(t.st, src, g.let("off", "mul i64 " + jr + ", %sbj"));
    String endRowMajor = g.ifThen(g.let("unit", "icmp eq i64 %sbj, 1"));
    {
      String p = g.loop("pb.p", kc);
      String from = g.gep(t.st, colBase, g.let("off", "mul i64 " + p + ", %sbp"));
      String to = g.gep(t.st, sliver, g.let("off", "mul i64 " + p + ", " + nr));
      String j = g.loop("pb.jj", w);
      g.store(t.st, g.load(t.st, g.gep(t.st, from, j)), g.gep(t.st, to, j));
      g.endLoop();
      g.endLoop();
    }
    g.endIf(endRowMajor);
    String endStrided = g.ifThen(g.let("strided", "icmp ne i64 %sbj, 1"));
    {
      String j = g.loop("pb.jj", w);
      String from = g.gep(t.st, colBase, g.let("off", "mul i64 " + j + ", %sbj"));
      String p = g.loop("pb.p", kc);
      g.store(t.st, g.load(t.st, g.gep(t.st, from, g.let("off", "mul i64 " + p + ", %sbp"))),
          g.gep(t.st, sliver, g.let("off", "add i64 " + g.let("off", "mul i64 " + p + ", " + nr) + ", " + j)));
      g.endLoop();
      g.endLoop();
    }
    g.endIf(endStrided);
    String endPad = g.ifThen(g.let("partial", "icmp slt i64 " + w + ", " + nr));
    String p = g.loop("pb.p", kc);
    String j = g.loop("pb.z", w, Integer.toString(nr), "1");
    g.store(t.st, t.zero, g.gep(t.st, sliver, g.let("off", "add i64 " + g.let("off", "mul i64 " + p + ", " + nr)
        + ", " + j)));
    g.endLoop();
    g.endLoop();
    g.endIf(endPad);
    g.endLoop();
  }

  /**
   * A[i, p] for i < mc, p < kc into MR-tall slivers (sliver s at {@code s * kc * MR}, column p of
   * it at {@code p * MR}), zero past mc; reads along the contiguous side of A.
   */
  private static void packA(LlvmFunction g, T t, String src, String mc, String kc, String dst) {
    g.comment("pack A: " + MR + "-tall slivers, zero past the last row");
    String ir = g.loop("pa.i", "0", mc, Integer.toString(MR));
    String h = min(g, g.let("left", "sub i64 " + mc + ", " + ir), Integer.toString(MR));
    String sliver = g.gep(t.st, dst, g.let("off", "mul i64 " + ir + ", " + kc));
    String rowBase = g.gep(t.st, src, g.let("off", "mul i64 " + ir + ", %sai"));
    String endRowMajor = g.ifThen(g.let("unit", "icmp eq i64 %sap, 1"));
    {
      String r = g.loop("pa.r", h);
      String from = g.gep(t.st, rowBase, g.let("off", "mul i64 " + r + ", %sai"));
      String p = g.loop("pa.p", kc);
      g.store(t.st, g.load(t.st, g.gep(t.st, from, p)),
          g.gep(t.st, sliver, g.let("off", "add i64 " + g.let("off", "mul i64 " + p + ", " + MR) + ", " + r)));
      g.endLoop();
      g.endLoop();
    }
    g.endIf(endRowMajor);
    String endStrided = g.ifThen(g.let("strided", "icmp ne i64 %sap, 1"));
    {
      String p = g.loop("pa.p", kc);
      String from = g.gep(t.st, rowBase, g.let("off", "mul i64 " + p + ", %sap"));
      String to = g.gep(t.st, sliver, g.let("off", "mul i64 " + p + ", " + MR));
      String r = g.loop("pa.r", h);
      g.store(t.st, g.load(t.st, g.gep(t.st, from, g.let("off", "mul i64 " + r + ", %sai"))), g.gep(t.st, to, r));
      g.endLoop();
      g.endLoop();
    }
    g.endIf(endStrided);
    String endPad = g.ifThen(g.let("partial", "icmp slt i64 " + h + ", " + MR));
    String p = g.loop("pa.p", kc);
    String r = g.loop("pa.z", h, Integer.toString(MR), "1");
    g.store(t.st, t.zero, g.gep(t.st, sliver, g.let("off", "add i64 " + g.let("off", "mul i64 " + p + ", " + MR)
        + ", " + r)));
    g.endLoop();
    g.endLoop();
    g.endIf(endPad);
    g.endLoop();
  }

  /**
   * The MR × (nv vectors) micro-kernel over one packed B sliver and A's rows, packed or (when
   * {@code direct}) read in place: {@code micro(ap, a, sai, sap, bp, c, ldc, kc, mr, nr, first)}
   * adds the tile's product to c's top-left mr × nr corner (or stores it when {@code first}).
   * A direct kernel reads row min(r, mr - 1) for row r, so it never reads past A; the extra rows'
   * sums are dropped.
   */
  private static String micro(Module module, T t, int nv, boolean direct) {
    String suffix = nv + (direct ? "d" : "");
    return module.global("gemm.micro" + suffix + ":" + t.name, "kiln.gemm." + t.name + ".micro" + suffix, name -> {
      LlvmFunction g = new LlvmFunction(module);
      int nr = t.nr();
      String[] rows = new String[MR];
      if (direct) {
        String last = g.let("last", "sub i64 %mr, 1");
        for (int r = 0; r < MR; r++) {
          String row = r == 0 ? "0" : min(g, Integer.toString(r), last);
          rows[r] = g.gep(t.st, "%a", g.let("off", "mul i64 " + row + ", %sai"));
        }
      }
      String[][] acc = new String[MR][nv];
      for (int r = 0; r < MR; r++) {
        for (int v = 0; v < nv; v++) {
          acc[r][v] = g.var("acc" + r + "_" + v, t.vt, "zeroinitializer");
        }
      }
      g.comment("Σ_p a[:, p] ⊗ b[p, :], one broadcast and " + nv + " FMAs per row");
      String p = g.loop("p", "%kc");
      String[] bv = new String[nv];
      String bRow = g.let("off", "mul i64 " + p + ", " + nr);
      for (int v = 0; v < nv; v++) {
        bv[v] = g.let("b", "load " + t.vt + ", ptr " + g.gep(t.st, "%bp", g.let("off", "add i64 " + bRow + ", "
            + v * t.w)) + ", align 64");
      }
      String aCol = g.let("off", "mul i64 " + p + ", " + (direct ? "%sap" : Integer.toString(MR)));
      for (int r = 0; r < MR; r++) {
        String a = g.load(t.st, direct ? g.gep(t.st, rows[r], aCol)
            : g.gep(t.st, "%ap", g.let("off", "add i64 " + aCol + ", " + r)));
        String splat = g.let("splat", "shufflevector " + t.vt + " " + g.let("ins", "insertelement " + t.vt
            + " poison, " + t.st + " " + a + ", i64 0") + ", " + t.vt + " poison, <" + t.w + " x i32> zeroinitializer");
        for (int v = 0; v < nv; v++) {
          String cur = g.load(t.vt, acc[r][v]);
          g.store(t.vt, g.let("fma", "call " + t.vt + " @" + t.fma + "(" + t.vt + " " + splat + ", " + t.vt + " "
              + bv[v] + ", " + t.vt + " " + cur + ")"), acc[r][v]);
        }
      }
      g.endLoop();
      String[][] sums = new String[MR][nv];
      for (int r = 0; r < MR; r++) {
        for (int v = 0; v < nv; v++) {
          sums[r][v] = g.load(t.vt, acc[r][v]);
        }
      }
      String full = g.let("full", "and i1 " + g.let("allrows", "icmp eq i64 %mr, " + MR) + ", "
          + g.let("allcols", "icmp eq i64 %nr, " + nv * t.w));
      g.comment("a whole tile: vector stores (c's elements are all in range, so reading them is safe)");
      String endFull = g.ifThen(full);
      for (int r = 0; r < MR; r++) {
        String rowPtr = g.gep(t.st, "%c", g.let("off", "mul i64 %ldc, " + r));
        for (int v = 0; v < nv; v++) {
          String ptr = g.gep(t.st, rowPtr, Integer.toString(v * t.w));
          String old = g.let("old", "load " + t.vt + ", ptr " + ptr + ", align " + t.bytes);
          String sum = g.let("sum", "fadd " + t.vt + " " + old + ", " + sums[r][v]);
          String value = g.let("value", "select i1 %first, " + t.vt + " " + sums[r][v] + ", " + t.vt + " " + sum);
          g.emit("store " + t.vt + " " + value + ", ptr " + ptr + ", align " + t.bytes);
        }
      }
      g.endIf(endFull);
      g.comment("an edge tile: through a scratch tile, element by element");
      String endEdge = g.ifThen(g.let("edge", "xor i1 " + full + ", true"));
      String tile = g.var("tile", "[" + MR * nr + " x " + t.st + "]", "zeroinitializer");
      for (int r = 0; r < MR; r++) {
        for (int v = 0; v < nv; v++) {
          g.emit("store " + t.vt + " " + sums[r][v] + ", ptr " + g.gep(t.st, tile, Integer.toString(r * nr + v * t.w))
              + ", align " + t.bytes);
        }
      }
      String r = g.loop("r", "%mr");
      String j = g.loop("j", "%nr");
      String x = g.load(t.st, g.gep(t.st, tile, g.let("off", "add i64 " + g.let("off", "mul i64 " + r + ", " + nr)
          + ", " + j)));
      String at = g.gep(t.st, "%c", g.let("off", "add i64 " + g.let("off", "mul i64 " + r + ", %ldc") + ", " + j));
      String old = g.load(t.st, at);
      String sum = g.let("sum", "fadd " + t.st + " " + old + ", " + x);
      g.store(t.st, g.let("value", "select i1 %first, " + t.st + " " + x + ", " + t.st + " " + sum), at);
      g.endLoop();
      g.endLoop();
      g.endIf(endEdge);
      return g.build("define internal void " + name + "(ptr noalias %ap, ptr noalias %a, i64 %sai, i64 %sap, "
          + "ptr noalias %bp, ptr noalias %c, i64 %ldc, i64 %kc, i64 %mr, i64 %nr, i1 %first)");
    });
  }

  /** A 64-byte aligned buffer of {@code bytes}: {raw pointer to free, aligned pointer}. */
  private static String[] aligned(LlvmFunction g, String bytes) {
    String raw = g.let("raw", "call ptr @malloc(i64 " + g.let("bytes", "add i64 " + bytes + ", 64") + ")");
    String addr = g.let("addr", "ptrtoint ptr " + raw + " to i64");
    String skip = g.let("skip", "sub i64 64, " + g.let("mis", "and i64 " + addr + ", 63"));
    return new String[] {raw, g.let("buf", "getelementptr inbounds i8, ptr " + raw + ", i64 " + skip)};
  }

  private static String ceilDiv(LlvmFunction g, String x, int d) {
    return g.let("tiles", "udiv i64 " + g.let("up", "add i64 " + x + ", " + (d - 1)) + ", " + d);
  }

  private static String min(LlvmFunction g, String a, String b) {
    String c = g.let("lt", "icmp slt i64 " + a + ", " + b);
    return g.let("min", "select i1 " + c + ", i64 " + a + ", i64 " + b);
  }
}
