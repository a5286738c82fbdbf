package dev.kiln.codegen.llvm;

/**
 * Math functions written in IR so that loops calling them vectorize. {@code llvm.exp.f32} lowers to
 * one scalar libm {@code expf} call per element — LLVM has no vector exp of its own without a
 * vector library, and glibc's libmvec is not loaded in a JVM — so a softmax over a 10000-word
 * vocabulary spent a quarter of an LSTM training step in {@code expf}. These inline into the
 * kernels' loops and become AVX-512 code there.
 */
final class LlvmMath {
  private LlvmMath() {}

  /**
   * {@code e^x} in float, within 2 ulp of the correctly rounded result over the whole range (the
   * reference computes {@code (float) Math.exp(x)}): x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in
   * Cephes' high and low parts, so n·ln2 is exact for every n here), e^r by its degree-7 Taylor polynomial (truncation error
   * below 5e-9 relative), then the scale 2^n applied as two powers of two built from exponent bits,
   * so that results down to the subnormal range (n = -150) and overflow to infinity (n = 128)
   * come out right without a branch. NaN in gives NaN out.
   */
  static String expf(Module module) {
    module.declare("declare float @llvm.maxnum.f32(float, float)");
    module.declare("declare float @llvm.minnum.f32(float, float)");
    module.declare("declare float @llvm.rint.f32(float)");
    module.declare("declare float @llvm.fma.f32(float, float, float)");
    return module.global("kiln.expf", "kiln.expf", name -> """
        ; e^x for float, branch-free so that loops calling it vectorize (see LlvmMath.expf)
        define internal float %s(float %%x) alwaysinline {
          %%lo = call float @llvm.maxnum.f32(float %%x, float -104.0)
          %%c = call float @llvm.minnum.f32(float %%lo, float 89.0)
          %%t = fmul float %%c, 0x3FF7154760000000
          %%nf = call float @llvm.rint.f32(float %%t)
          %%r1 = call float @llvm.fma.f32(float %%nf, float 0xBFE6300000000000, float %%c)
          %%r = call float @llvm.fma.f32(float %%nf, float 0x3F2BD01060000000, float %%r1)
          %%p6 = call float @llvm.fma.f32(float 0x3F2A01A020000000, float %%r, float 0x3F56C16C20000000)
          %%p5 = call float @llvm.fma.f32(float %%p6, float %%r, float 0x3F81111120000000)
          %%p4 = call float @llvm.fma.f32(float %%p5, float %%r, float 0x3FA5555560000000)
          %%p3 = call float @llvm.fma.f32(float %%p4, float %%r, float 0x3FC5555560000000)
          %%p2 = call float @llvm.fma.f32(float %%p3, float %%r, float 0.5)
          %%p1 = call float @llvm.fma.f32(float %%p2, float %%r, float 1.0)
          %%p = call float @llvm.fma.f32(float %%p1, float %%r, float 1.0)
          %%n = fptosi float %%nf to i32
          %%n1 = ashr i32 %%n, 1
          %%n2 = sub i32 %%n, %%n1
          %%b1 = add i32 %%n1, 127
          %%e1 = shl i32 %%b1, 23
          %%s1 = bitcast i32 %%e1 to float
          %%b2 = add i32 %%n2, 127
          %%e2 = shl i32 %%b2, 23
          %%s2 = bitcast i32 %%e2 to float
          %%y1 = fmul float %%p, %%s1
          %%y = fmul float %%y1, %%s2
          %%nan = fcmp uno float %%x, 0.0
          %%out = select i1 %%nan, float %%x, float %%y
          ret float %%out
        }""".formatted(name));
  }
}
