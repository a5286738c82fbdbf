package dev.kiln.runtime.llvm;

/** Hand-written IR kernels in the {@link dev.kiln.runtime.nativecode.NativeEntry} convention, standing in for the emitter's output. */
final class TestKernels {
  private TestKernels() {}

  /** out = a * x + y; buffers = {x[n], y[n] (inputs), a[] (param), out[n] (output)}; sizes = {n}. */
  static final String SAXPY = """
      define void @saxpy(ptr %buffers, ptr %sizes) {
      entry:
        %n = load i64, ptr %sizes
        %x = load ptr, ptr %buffers
        %y.slot = getelementptr ptr, ptr %buffers, i64 1
        %y = load ptr, ptr %y.slot
        %a.slot = getelementptr ptr, ptr %buffers, i64 2
        %a.ptr = load ptr, ptr %a.slot
        %a = load float, ptr %a.ptr
        %out.slot = getelementptr ptr, ptr %buffers, i64 3
        %out = load ptr, ptr %out.slot
        %empty = icmp eq i64 %n, 0
        br i1 %empty, label %done, label %loop
      loop:
        %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
        %xi.p = getelementptr float, ptr %x, i64 %i
        %xi = load float, ptr %xi.p
        %yi.p = getelementptr float, ptr %y, i64 %i
        %yi = load float, ptr %yi.p
        %ax = fmul float %a, %xi
        %r = fadd float %ax, %yi
        %o.p = getelementptr float, ptr %out, i64 %i
        store float %r, ptr %o.p
        %i.next = add i64 %i, 1
        %more = icmp ult i64 %i.next, %n
        br i1 %more, label %loop, label %done
      done:
        ret void
      }
      """;

  /**
   * out[i] = expf(x[i]) / sum_j expf(x[j]), staging the exponentials in a malloc'd, memset scratch
   * buffer that is freed again: exercises libc and libm resolution. buffers = {x[n], out[n]}.
   */
  static final String SOFTMAX = """
      declare ptr @malloc(i64)
      declare void @free(ptr)
      declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
      declare float @expf(float)

      define void @softmax(ptr %buffers, ptr %sizes) {
      entry:
        %n = load i64, ptr %sizes
        %x = load ptr, ptr %buffers
        %out.slot = getelementptr ptr, ptr %buffers, i64 1
        %out = load ptr, ptr %out.slot
        %bytes = mul i64 %n, 4
        %tmp = call ptr @malloc(i64 %bytes)
        call void @llvm.memset.p0.i64(ptr %tmp, i8 0, i64 %bytes, i1 false)
        br label %exp
      exp:
        %i = phi i64 [ 0, %entry ], [ %i.next, %exp ]
        %sum = phi float [ 0.0, %entry ], [ %sum.next, %exp ]
        %xi.p = getelementptr float, ptr %x, i64 %i
        %xi = load float, ptr %xi.p
        %e = call float @expf(float %xi)
        %t.p = getelementptr float, ptr %tmp, i64 %i
        store float %e, ptr %t.p
        %sum.next = fadd float %sum, %e
        %i.next = add i64 %i, 1
        %more = icmp ult i64 %i.next, %n
        br i1 %more, label %exp, label %norm
      norm:
        %j = phi i64 [ 0, %exp ], [ %j.next, %norm ]
        %tj.p = getelementptr float, ptr %tmp, i64 %j
        %tj = load float, ptr %tj.p
        %q = fdiv float %tj, %sum.next
        %o.p = getelementptr float, ptr %out, i64 %j
        store float %q, ptr %o.p
        %j.next = add i64 %j, 1
        %more.j = icmp ult i64 %j.next, %n
        br i1 %more.j, label %norm, label %done
      done:
        call void @free(ptr %tmp)
        ret void
      }
      """;

  /**
   * out[i] = tanhf(x[i]) * 3 + x[i], split over kiln_parallel_for; ctx = {x, out}.
   * buffers = {x[n], out[n]}.
   */
  static final String PARALLEL_TANH = """
      declare void @kiln_parallel_for(ptr, ptr, i64)
      declare float @tanhf(float)

      ; The body: fn(ctx, begin, end) over one chunk.
      define internal void @tanh_body(ptr %ctx, i64 %begin, i64 %end) {
      entry:
        %x = load ptr, ptr %ctx
        %out.slot = getelementptr ptr, ptr %ctx, i64 1
        %out = load ptr, ptr %out.slot
        %empty = icmp uge i64 %begin, %end
        br i1 %empty, label %done, label %loop
      loop:
        %i = phi i64 [ %begin, %entry ], [ %i.next, %loop ]
        %xi.p = getelementptr float, ptr %x, i64 %i
        %xi = load float, ptr %xi.p
        %t = call float @tanhf(float %xi)
        %t3 = fmul float %t, 3.0
        %r = fadd float %t3, %xi
        %o.p = getelementptr float, ptr %out, i64 %i
        store float %r, ptr %o.p
        %i.next = add i64 %i, 1
        %more = icmp ult i64 %i.next, %end
        br i1 %more, label %loop, label %done
      done:
        ret void
      }

      define void @par_tanh(ptr %buffers, ptr %sizes) {
      entry:
        %n = load i64, ptr %sizes
        %ctx = alloca [2 x ptr]
        %x = load ptr, ptr %buffers
        store ptr %x, ptr %ctx
        %out.slot = getelementptr ptr, ptr %buffers, i64 1
        %out = load ptr, ptr %out.slot
        %ctx.out = getelementptr ptr, ptr %ctx, i64 1
        store ptr %out, ptr %ctx.out
        call void @kiln_parallel_for(ptr @tanh_body, ptr %ctx, i64 %n)
        ret void
      }
      """;
}
