package dev.kiln.codegen.llvm;

/**
 * The built-in optimizers' update rules as internal LLVM functions of one training entry point,
 * each over one f32 variable of {@code n} elements and its gradient (already scaled by
 * {@code scale}, gradient clipping's factor), plus the sum of squares that clipping needs. Each is
 * the Java trainer's loop ({@code TrainerWriter}) written operation for operation: float where
 * Java computes in float, double where Java widens (Adam's and RMSProp's step), no reassociation
 * or fused multiply-adds, so the native and Java updates agree to the bit.
 */
final class OptimizerCode {
  private OptimizerCode() {}

  static String functions(Module module, String symbol) {
    module.declare("declare double @llvm.sqrt.f64(double)");
    String common = "(ptr noalias %p, ptr noalias readonly %g, i64 %n, float %scale";
    StringBuilder s = new StringBuilder("\n; Optimizer updates of @").append(symbol).append(".run\n");
    // sum of (double) g * g over g, in order (TrainerWriter.clipScale)
    s.append(loop("define internal double @" + symbol + ".sumsq(ptr noalias readonly %g, i64 %n, double %acc0)",
        "double %acc0", "%acc",
        """
              %gp = getelementptr inbounds float, ptr %g, i64 %i
              %gv = load float, ptr %gp
              %gd = fpext float %gv to double
              %sq = fmul double %gd, %gd
              %acc.next = fadd double %acc, %sq
            """, "ret double %acc"));
    // p -= lr * g
    s.append(loop("define internal void @" + symbol + ".sgd" + common + ", float %lr)", null, null,
        load() + """
              %d = fmul float %lr, %gs
              %np = fsub float %pv, %d
              store float %np, ptr %pp
            """, "ret void"));
    // v = momentum * v + g; p -= lr * v
    s.append(loop("define internal void @" + symbol + ".momentum" + common
        + ", ptr noalias %s, float %lr, float %momentum)", null, null,
        load() + """
              %sp = getelementptr inbounds float, ptr %s, i64 %i
              %sv = load float, ptr %sp
              %ms = fmul float %momentum, %sv
              %ns = fadd float %ms, %gs
              store float %ns, ptr %sp
              %d = fmul float %lr, %ns
              %np = fsub float %pv, %d
              store float %np, ptr %pp
            """, "ret void"));
    // m = b1 m + (1-b1) g; v = b2 v + (1-b2) g g; p -= (float) (lr * (m / c1) / (sqrt(v / c2) + eps))
    s.append(loop("define internal void @" + symbol + ".adam" + common
        + ", ptr noalias %m, ptr noalias %v, float %lr, float %beta1, float %beta2, float %eps,"
        + " double %c1, double %c2)", null, null,
        load() + """
              %om1 = fsub float 1.0, %beta1
              %om2 = fsub float 1.0, %beta2
              %mp = getelementptr inbounds float, ptr %m, i64 %i
              %mv = load float, ptr %mp
              %m1 = fmul float %beta1, %mv
              %m2 = fmul float %om1, %gs
              %nm = fadd float %m1, %m2
              store float %nm, ptr %mp
              %vp = getelementptr inbounds float, ptr %v, i64 %i
              %vv = load float, ptr %vp
              %v1 = fmul float %beta2, %vv
              %v2 = fmul float %om2, %gs
              %v3 = fmul float %v2, %gs
              %nv = fadd float %v1, %v3
              store float %nv, ptr %vp
              %nmd = fpext float %nm to double
              %mhat = fdiv double %nmd, %c1
              %nvd = fpext float %nv to double
              %vhat = fdiv double %nvd, %c2
              %lrd = fpext float %lr to double
              %num = fmul double %lrd, %mhat
              %root = call double @llvm.sqrt.f64(double %vhat)
              %epsd = fpext float %eps to double
              %den = fadd double %root, %epsd
              %q = fdiv double %num, %den
              %u = fptrunc double %q to float
              %np = fsub float %pv, %u
              store float %np, ptr %pp
            """, "ret void"));
    // s = rho s + (1-rho) g g; p -= (float) (lr * g / (sqrt(s) + eps))
    s.append(loop("define internal void @" + symbol + ".rmsprop" + common
        + ", ptr noalias %s, float %lr, float %rho, float %eps)", null, null,
        load() + """
              %om = fsub float 1.0, %rho
              %sp = getelementptr inbounds float, ptr %s, i64 %i
              %sv = load float, ptr %sp
              %s1 = fmul float %rho, %sv
              %s2 = fmul float %om, %gs
              %s3 = fmul float %s2, %gs
              %ns = fadd float %s1, %s3
              store float %ns, ptr %sp
              %lg = fmul float %lr, %gs
              %num = fpext float %lg to double
              %nsd = fpext float %ns to double
              %root = call double @llvm.sqrt.f64(double %nsd)
              %epsd = fpext float %eps to double
              %den = fadd double %root, %epsd
              %q = fdiv double %num, %den
              %u = fptrunc double %q to float
              %np = fsub float %pv, %u
              store float %np, ptr %pp
            """, "ret void"));
    return s.toString();
  }

  /** {@code g * scale} and the variable's element, as every rule starts. */
  private static String load() {
    return """
          %gp = getelementptr inbounds float, ptr %g, i64 %i
          %gv = load float, ptr %gp
          %gs = fmul float %gv, %scale
          %pp = getelementptr inbounds float, ptr %p, i64 %i
          %pv = load float, ptr %pp
        """;
  }

  /**
   * {@code for (i = 0; i < n; i++) body} as a function; with an accumulator ({@code acc} phi from
   * {@code init}, next value {@code <acc>.next}) returned by {@code ret}.
   */
  private static String loop(String header, String init, String acc, String body, String ret) {
    StringBuilder s = new StringBuilder(header).append(" {\nentry:\n  br label %head\nhead:\n")
        .append("  %i = phi i64 [ 0, %entry ], [ %i.next, %body ]\n");
    if (acc != null) {
      s.append("  ").append(acc).append(" = phi ").append(init.split(" ")[0]).append(" [ ")
          .append(init.split(" ")[1]).append(", %entry ], [ ").append(acc).append(".next, %body ]\n");
    }
    s.append("  %more = icmp slt i64 %i, %n\n  br i1 %more, label %body, label %exit\nbody:\n")
        .append(body)
        .append("  %i.next = add nuw nsw i64 %i, 1\n  br label %head\nexit:\n  ")
        .append(ret).append("\n}\n");
    return s.toString();
  }
}
