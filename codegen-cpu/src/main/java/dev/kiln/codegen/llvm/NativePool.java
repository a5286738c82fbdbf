package dev.kiln.codegen.llvm;

/**
 * The module's own thread pool, in IR over pthreads and futexes, so that parallel loops never
 * call back into Java: a call on a multi-thread pool can then still be a critical downcall on the
 * Java arrays themselves ({@link DirectCall}), and a fork-join costs a futex wake, not an FFM
 * upcall. Exported globals the runtime sets: {@code kiln.pool.threads} (i32, the pool size
 * counting the calling thread; 1, the default, runs every loop inline). Exported function:
 * {@code void kiln_pool_stop()}, which stops and joins the workers (a JIT module calls it before
 * its code is freed).
 *
 * <p>{@code @kiln.pool.run(fn, ctx, n, t)} cuts {@code [0, n)} into {@code t} contiguous chunks
 * ({@code [n·k/t, n·(k+1)/t)}); the calling thread runs chunk 0 and worker k chunk k. Workers
 * start on first use, sleep on the futex {@code epoch} between jobs and count down
 * {@code pending}, on which the caller sleeps. One job at a time per module: a caller that finds
 * the pool busy (another Java thread's call on the same model) runs its loop inline, which never
 * changes a result — chunks write disjoint outputs and no element depends on the chunk bounds
 * ({@link LlvmParallel}'s contract).
 */
final class NativePool {
  /** Workers this pool can hold; more threads than this run with this many workers. */
  static final int MAX_WORKERS = 63;

  private NativePool() {}

  /** Defines the pool in {@code module} (once); returns the name of its run function. */
  static String define(Module module) {
    module.declare("declare i32 @pthread_create(ptr, ptr, ptr, ptr)");
    module.declare("declare i32 @pthread_join(i64, ptr)");
    module.declare("declare i64 @syscall(i64, ...)");
    return module.global("kiln.pool", "kiln.pool.run", name -> TEXT.replace("MAX_WORKERS",
        Integer.toString(MAX_WORKERS)));
  }

  // futex(2): syscall 202; FUTEX_WAIT_PRIVATE 128, FUTEX_WAKE_PRIVATE 129.
  private static final String TEXT = """
      ; the module's thread pool (see NativePool): workers sleep on the futex @kiln.pool.epoch
      @kiln.pool.threads = global i32 1, align 4
      @kiln.pool.busy = internal global i32 0, align 4
      @kiln.pool.epoch = internal global i32 0, align 4
      @kiln.pool.pending = internal global i32 0, align 4
      @kiln.pool.stopping = internal global i32 0, align 4
      @kiln.pool.started = internal global i32 0, align 4
      @kiln.pool.fn = internal global ptr null, align 8
      @kiln.pool.ctx = internal global ptr null, align 8
      @kiln.pool.n = internal global i64 0, align 8
      @kiln.pool.parts = internal global i64 1, align 8
      @kiln.pool.handles = internal global [MAX_WORKERS x i64] zeroinitializer, align 8

      define internal void @kiln.pool.wait(ptr %word, i32 %seen) {
      entry:
        %r = call i64 (i64, ...) @syscall(i64 202, ptr %word, i32 128, i32 %seen, ptr null)
        ret void
      }

      define internal void @kiln.pool.wake(ptr %word) {
      entry:
        %r = call i64 (i64, ...) @syscall(i64 202, ptr %word, i32 129, i32 2147483647)
        ret void
      }

      ; worker k (1 ...): its argument packs k and the epoch it was started at
      define internal ptr @kiln.pool.worker(ptr %arg) {
      entry:
        %packed = ptrtoint ptr %arg to i64
        %k = and i64 %packed, 255
        %start = lshr i64 %packed, 8
        %start32 = trunc i64 %start to i32
        br label %sleep
      sleep:
        %seen = phi i32 [ %start32, %entry ], [ %seen, %again ], [ %now, %done ], [ %now, %wakeCaller ]
        %now = load atomic i32, ptr @kiln.pool.epoch acquire, align 4
        %same = icmp eq i32 %now, %seen
        br i1 %same, label %again, label %job
      again:
        call void @kiln.pool.wait(ptr @kiln.pool.epoch, i32 %seen)
        br label %sleep
      job:
        %stop = load atomic i32, ptr @kiln.pool.stopping acquire, align 4
        %stopping = icmp ne i32 %stop, 0
        br i1 %stopping, label %exit, label %work
      work:
        %fn = load ptr, ptr @kiln.pool.fn, align 8
        %ctx = load ptr, ptr @kiln.pool.ctx, align 8
        %n = load i64, ptr @kiln.pool.n, align 8
        %parts = load i64, ptr @kiln.pool.parts, align 8
        %mine = icmp ult i64 %k, %parts
        br i1 %mine, label %run, label %done
      run:
        %lo.m = mul i64 %n, %k
        %begin = udiv i64 %lo.m, %parts
        %k1 = add i64 %k, 1
        %hi.m = mul i64 %n, %k1
        %end = udiv i64 %hi.m, %parts
        call void %fn(ptr %ctx, i64 %begin, i64 %end)
        br label %done
      done:
        %left = atomicrmw sub ptr @kiln.pool.pending, i32 1 acq_rel, align 4
        %last = icmp eq i32 %left, 1
        br i1 %last, label %wakeCaller, label %sleep
      wakeCaller:
        call void @kiln.pool.wake(ptr @kiln.pool.pending)
        br label %sleep
      exit:
        ret ptr null
      }

      ; runs fn over [0, n) on t threads (t >= 2), or inline when the pool is busy
      define internal void @kiln.pool.run(ptr %fn, ptr %ctx, i64 %n, i32 %t) {
      entry:
        %take = cmpxchg ptr @kiln.pool.busy, i32 0, i32 1 acquire monotonic, align 4
        %got = extractvalue { i32, i1 } %take, 1
        br i1 %got, label %start, label %inline
      inline:
        call void %fn(ptr %ctx, i64 0, i64 %n)
        ret void
      start:
        %want.t = sub i32 %t, 1
        %cap = icmp ugt i32 %want.t, MAX_WORKERS
        %want = select i1 %cap, i32 MAX_WORKERS, i32 %want.t
        %have0 = load i32, ptr @kiln.pool.started, align 4
        %epoch0 = load atomic i32, ptr @kiln.pool.epoch monotonic, align 4
        %epoch64 = zext i32 %epoch0 to i64
        %epochBits = shl i64 %epoch64, 8
        br label %spawnCheck
      spawnCheck:
        %have = phi i32 [ %have0, %start ], [ %next, %spawned ]
        %more = icmp ult i32 %have, %want
        br i1 %more, label %spawn, label %publish
      spawn:
        %next = add i32 %have, 1
        %k64 = zext i32 %next to i64
        %packed = or i64 %epochBits, %k64
        %arg = inttoptr i64 %packed to ptr
        %slot = getelementptr inbounds [MAX_WORKERS x i64], ptr @kiln.pool.handles, i64 0, i32 %have
        %rc = call i32 @pthread_create(ptr %slot, ptr null, ptr @kiln.pool.worker, ptr %arg)
        %ok = icmp eq i32 %rc, 0
        br i1 %ok, label %spawned, label %publish
      spawned:
        store i32 %next, ptr @kiln.pool.started, align 4
        br label %spawnCheck
      publish:
        %workers = load i32, ptr @kiln.pool.started, align 4
        %none = icmp eq i32 %workers, 0
        br i1 %none, label %alone, label %go
      alone:
        store atomic i32 0, ptr @kiln.pool.busy release, align 4
        call void %fn(ptr %ctx, i64 0, i64 %n)
        ret void
      go:
        %w64 = zext i32 %workers to i64
        %parts = add i64 %w64, 1
        store ptr %fn, ptr @kiln.pool.fn, align 8
        store ptr %ctx, ptr @kiln.pool.ctx, align 8
        store i64 %n, ptr @kiln.pool.n, align 8
        store i64 %parts, ptr @kiln.pool.parts, align 8
        store atomic i32 %workers, ptr @kiln.pool.pending release, align 4
        %old = atomicrmw add ptr @kiln.pool.epoch, i32 1 acq_rel, align 4
        call void @kiln.pool.wake(ptr @kiln.pool.epoch)
        %end0 = udiv i64 %n, %parts
        call void %fn(ptr %ctx, i64 0, i64 %end0)
        br label %join
      join:
        %p = load atomic i32, ptr @kiln.pool.pending acquire, align 4
        %finished = icmp eq i32 %p, 0
        br i1 %finished, label %release, label %sleep
      sleep:
        call void @kiln.pool.wait(ptr @kiln.pool.pending, i32 %p)
        br label %join
      release:
        store atomic i32 0, ptr @kiln.pool.busy release, align 4
        ret void
      }

      ; stops and joins the workers, so that the module's code can be freed under none of them
      define void @kiln_pool_stop() {
      entry:
        br label %lock
      lock:
        %take = cmpxchg ptr @kiln.pool.busy, i32 0, i32 1 acquire monotonic, align 4
        %got = extractvalue { i32, i1 } %take, 1
        br i1 %got, label %stop, label %lock
      stop:
        store atomic i32 1, ptr @kiln.pool.stopping release, align 4
        %old = atomicrmw add ptr @kiln.pool.epoch, i32 1 acq_rel, align 4
        call void @kiln.pool.wake(ptr @kiln.pool.epoch)
        %count = load i32, ptr @kiln.pool.started, align 4
        br label %loop
      loop:
        %i = phi i32 [ 0, %stop ], [ %i1, %joined ]
        %more = icmp ult i32 %i, %count
        br i1 %more, label %join, label %done
      join:
        %slot = getelementptr inbounds [MAX_WORKERS x i64], ptr @kiln.pool.handles, i64 0, i32 %i
        %h = load i64, ptr %slot, align 8
        %rc = call i32 @pthread_join(i64 %h, ptr null)
        br label %joined
      joined:
        %i1 = add i32 %i, 1
        br label %loop
      done:
        store i32 0, ptr @kiln.pool.started, align 4
        store atomic i32 0, ptr @kiln.pool.stopping release, align 4
        store atomic i32 0, ptr @kiln.pool.busy release, align 4
        ret void
      }
      """;
}
