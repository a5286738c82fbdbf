package dev.kiln.codegen.llvm;

import dev.kiln.codegen.kernel.Kernel;
import dev.kiln.codegen.kernel.KernelProgram;
import dev.kiln.codegen.kernel.Size;
import dev.kiln.compiler.ir.Dim;
import dev.kiln.compiler.ir.Node;
import dev.kiln.dsl.DType;
import java.util.List;

/**
 * The random kernels of the LLVM backend and the generator they share. Each entry point that
 * draws holds one generator state, an i64 seeded from the caller ({@link KernelProgram#SEED}),
 * and draws exactly as {@link LlvmGenerator} (the same algorithm in Java, which tests hand the
 * reference interpreter): {@code SplittableRandom}'s {@code nextLong}, {@code nextInt},
 * {@code nextDouble} and {@code nextInt(bound)} bit for bit, and normal draws by Marsaglia's
 * polar method. The generator's steps are small internal IR functions, written once per module.
 */
final class LlvmRandom {
  private LlvmRandom() {}

  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  /** {@code store seed, state}: the generator starts as {@code new SplittableRandom(seed)}. */
  static String seed(LlvmFunction f) {
    f.comment("the generator starts from the caller's seed (SplittableRandom(seed), golden gamma)");
    f.store("i64", f.symbol(KernelProgram.SEED), "%out");
    return "seedGenerator";
  }

  /** One random op: its elements in row-major order (a shuffle: Fisher-Yates, then row copies). */
  static String draw(LlvmFunction f, Kernel.Random r) {
    Module m = f.module();
    Node n = r.node();
    DType t = n.type().dtype();
    if (r.draw() == Kernel.Draw.SHUFFLE) {
      return shuffle(f, r);
    }
    String i = f.loop("i", f.size(r.out().size()));
    String v = switch (r.draw()) {
      case UNIFORM -> {
        double a = n.attrs().getDouble("a");
        double b = n.attrs().getDouble("b");
        String u = f.let("u", "call double " + nextDouble(m) + "(ptr %in0)");
        String scaled = f.let("scaled", "fmul double " + LlvmTypes.fp(b - a) + ", " + u);
        yield LlvmTable.cast(f, DType.F64, t, f.let("uniform", "fadd double " + LlvmTypes.fp(a) + ", " + scaled));
      }
      case NORMAL, TRUNCATED_NORMAL -> {
        String fn = r.draw() == Kernel.Draw.NORMAL ? nextGaussian(m) : nextTruncated(m);
        String z = f.let("z", "call double " + fn + "(ptr %in0)");
        String scaled = f.let("scaled", "fmul double " + LlvmTypes.fp(n.attrs().getDouble("b")) + ", " + z);
        yield LlvmTable.cast(f, DType.F64, t,
            f.let("normal", "fadd double " + LlvmTypes.fp(n.attrs().getDouble("a")) + ", " + scaled));
      }
      case DROPOUT -> {
        double rate = n.attrs().getDouble("rate");
        String u = f.let("u", "call double " + nextDouble(m) + "(ptr %in0)");
        String keep = f.let("keep", "fcmp oge double " + u + ", " + LlvmTypes.fp(rate));
        String ct = LlvmTypes.compute(t);
        yield f.let("mask", "select i1 " + keep + ", " + ct + " " + LlvmTypes.literal(t, 1 / (1 - rate))
            + ", " + ct + " " + LlvmTypes.literal(t, 0));
      }
      case SHUFFLE -> throw new AssertionError();
    };
    f.storeElement(t, "%out", i, v);
    f.endLoop();
    return LlvmEmitter.lowerFirst(n.op().name());
  }

  /** Fisher-Yates over row indices ({@code j = nextInt(i + 1)} for i from n - 1 down to 1), then row copies. */
  private static String shuffle(LlvmFunction f, Kernel.Random r) {
    Module m = f.module();
    List<Dim> dims = r.x().dims();
    String n = f.size(Size.of(dims.getFirst()));
    String row = f.size(Size.of(dims.subList(1, dims.size())));
    String rowBytes = f.madd(row, Integer.toString(r.out().dtype().byteSize()), null);
    m.declare("declare noalias ptr @malloc(i64)");
    m.declare("declare void @free(ptr)");
    m.declare("declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)");
    f.comment("the permutation: perm[i] = i, then swaps from the last row down");
    String perm = f.let("perm", "call ptr @malloc(i64 " + f.madd(n, "8", null) + ")");
    String i0 = f.loop("i", n);
    f.store("i64", i0, f.gep("i64", perm, i0));
    f.endLoop();
    String last = f.let("last", "sub nsw i64 " + n + ", 1");
    String k = f.loop("k", last);
    String i = f.let("i", "sub nsw i64 " + last + ", " + k);
    String bound = f.let("bound", "trunc i64 " + f.let("b", "add nsw i64 " + i + ", 1") + " to i32");
    String j = f.let("j", "sext i32 " + f.let("j", "call i32 " + nextIntBounded(m) + "(ptr %in0, i32 " + bound + ")")
        + " to i64");
    String pi = f.gep("i64", perm, i);
    String pj = f.gep("i64", perm, j);
    String vi = f.load("i64", pi);
    String vj = f.load("i64", pj);
    f.store("i64", vj, pi);
    f.store("i64", vi, pj);
    f.endLoop();
    f.comment("row i of the result is row perm[i] of x");
    String o = f.loop("o", n);
    String from = f.gep("i8", "%in1", f.madd(f.load("i64", f.gep("i64", perm, o)), rowBytes, null));
    String to = f.gep("i8", "%out", f.madd(o, rowBytes, null));
    f.emit("call void @llvm.memcpy.p0.p0.i64(ptr " + to + ", ptr " + from + ", i64 " + rowBytes + ", i1 false)");
    f.endLoop();
    f.emit("call void @free(ptr " + perm + ")");
    return "randomShuffle";
  }

  // ---- the generator's steps, one internal function each ---------------------------------------

  /** {@code seed += gamma}, then Stafford's mix13: SplittableRandom.nextLong. */
  static String nextLong(Module m) {
    return m.global("rng.nextLong", "kiln.rng.nextLong", name -> """
        ; SplittableRandom.nextLong: seed += golden gamma, then Stafford's 64-bit mix 13
        define internal i64 %s(ptr %%s) alwaysinline {
        entry:
          %%seed = load i64, ptr %%s
          %%z = add i64 %%seed, %d
          store i64 %%z, ptr %%s
          %%a = lshr i64 %%z, 30
          %%b = xor i64 %%z, %%a
          %%c = mul i64 %%b, %d
          %%d = lshr i64 %%c, 27
          %%e = xor i64 %%c, %%d
          %%f = mul i64 %%e, %d
          %%g = lshr i64 %%f, 31
          %%r = xor i64 %%f, %%g
          ret i64 %%r
        }""".formatted(name, GOLDEN_GAMMA, 0xbf58476d1ce4e5b9L, 0x94d049bb133111ebL));
  }

  /** SplittableRandom.nextInt: the high 32 bits of Stafford's mix 4 of the next seed. */
  static String nextInt(Module m) {
    return m.global("rng.nextInt", "kiln.rng.nextInt", name -> """
        ; SplittableRandom.nextInt: seed += golden gamma, then the high half of Stafford's mix 4
        define internal i32 %s(ptr %%s) alwaysinline {
        entry:
          %%seed = load i64, ptr %%s
          %%z = add i64 %%seed, %d
          store i64 %%z, ptr %%s
          %%a = lshr i64 %%z, 33
          %%b = xor i64 %%z, %%a
          %%c = mul i64 %%b, %d
          %%d = lshr i64 %%c, 28
          %%e = xor i64 %%c, %%d
          %%f = mul i64 %%e, %d
          %%g = lshr i64 %%f, 32
          %%r = trunc i64 %%g to i32
          ret i32 %%r
        }""".formatted(name, GOLDEN_GAMMA, 0x62a9d9ed799705f5L, 0xcb24d0a5c88c35b3L));
  }

  /** RandomGenerator.nextDouble: the top 53 bits of nextLong times 2^-53. */
  static String nextDouble(Module m) {
    String next = nextLong(m);
    return m.global("rng.nextDouble", "kiln.rng.nextDouble", name -> """
        ; RandomGenerator.nextDouble: (nextLong() >>> 11) * 0x1.0p-53, in [0, 1)
        define internal double %s(ptr %%s) alwaysinline {
        entry:
          %%l = call i64 %s(ptr %%s)
          %%u = lshr i64 %%l, 11
          %%d = uitofp i64 %%u to double
          %%r = fmul double %%d, %s
          ret double %%r
        }""".formatted(name, next, LlvmTypes.fp(0x1.0p-53)));
  }

  /** RandomSupport.boundedNextInt (bound > 0): a mask for powers of two, else rejection of the biased tail. */
  static String nextIntBounded(Module m) {
    String next = nextInt(m);
    return m.global("rng.nextIntBounded", "kiln.rng.nextIntBounded", name -> """
        ; RandomGenerator.nextInt(bound): a power of two masks; else u = r >>> 1 is redrawn while
        ; u + (bound - 1) - u %% bound overflows (the candidates that would bias the result)
        define internal i32 %s(ptr %%s, i32 %%bound) {
        entry:
          %%m = sub i32 %%bound, 1
          %%r = call i32 %s(ptr %%s)
          %%pow = and i32 %%bound, %%m
          %%is.pow = icmp eq i32 %%pow, 0
          br i1 %%is.pow, label %%pow2, label %%first
        pow2:
          %%masked = and i32 %%r, %%m
          ret i32 %%masked
        first:
          %%u0 = lshr i32 %%r, 1
          br label %%loop
        loop:
          %%u = phi i32 [ %%u0, %%first ], [ %%u1, %%again ]
          %%rem = urem i32 %%u, %%bound
          %%t = add i32 %%u, %%m
          %%t2 = sub i32 %%t, %%rem
          %%biased = icmp slt i32 %%t2, 0
          br i1 %%biased, label %%again, label %%done
        again:
          %%n = call i32 %s(ptr %%s)
          %%u1 = lshr i32 %%n, 1
          br label %%loop
        done:
          ret i32 %%rem
        }""".formatted(name, next, next));
  }

  /** Marsaglia's polar method: v1 * sqrt(-2 ln s / s) for the first pair inside the unit circle. */
  static String nextGaussian(Module m) {
    String next = nextDouble(m);
    m.declare("declare double @log(double)");
    m.declare("declare double @llvm.sqrt.f64(double)");
    return m.global("rng.nextGaussian", "kiln.rng.nextGaussian", name -> """
        ; a standard normal draw, Marsaglia's polar method (LlvmGenerator.nextGaussian): pairs
        ; v = 2 u - 1 until 0 < s = v1^2 + v2^2 < 1, then v1 * sqrt(-2 log(s) / s)
        define internal double %1$s(ptr %%s) {
        entry:
          br label %%loop
        loop:
          %%u1 = call double %2$s(ptr %%s)
          %%a1 = fmul double 2.0, %%u1
          %%v1 = fsub double %%a1, 1.0
          %%u2 = call double %2$s(ptr %%s)
          %%a2 = fmul double 2.0, %%u2
          %%v2 = fsub double %%a2, 1.0
          %%q1 = fmul double %%v1, %%v1
          %%q2 = fmul double %%v2, %%v2
          %%sum = fadd double %%q1, %%q2
          %%outside = fcmp oge double %%sum, 1.0
          %%zero = fcmp oeq double %%sum, 0.0
          %%reject = or i1 %%outside, %%zero
          br i1 %%reject, label %%loop, label %%accept
        accept:
          %%l = call double @log(double %%sum)
          %%p = fmul double -2.0, %%l
          %%q = fdiv double %%p, %%sum
          %%root = call double @llvm.sqrt.f64(double %%q)
          %%z = fmul double %%v1, %%root
          ret double %%z
        }""".formatted(name, next));
  }

  /** A standard normal draw redrawn while beyond two deviations (TensorFlow's truncation). */
  static String nextTruncated(Module m) {
    String next = nextGaussian(m);
    m.declare("declare double @llvm.fabs.f64(double)");
    return m.global("rng.nextTruncated", "kiln.rng.nextTruncated", name -> """
        ; a standard normal draw within two deviations: redrawn while |z| > 2
        define internal double %1$s(ptr %%s) {
        entry:
          br label %%loop
        loop:
          %%z = call double %2$s(ptr %%s)
          %%a = call double @llvm.fabs.f64(double %%z)
          %%far = fcmp ogt double %%a, 2.0
          br i1 %%far, label %%loop, label %%done
        done:
          ret double %%z
        }""".formatted(name, next));
  }
}
