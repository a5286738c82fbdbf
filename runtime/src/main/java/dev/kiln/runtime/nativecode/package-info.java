/**
 * Running native code with the FFM API alone: everything an ahead-of-time compiled model needs at
 * run time, so such a model runs with only {@code kiln-runtime} on the class path (no LLVM, no
 * JavaCPP). kiln-runtime-llvm's JIT builds on the same classes.
 *
 * <ul>
 *   <li>{@link dev.kiln.runtime.nativecode.NativeEntry} is the calling convention of every generated
 *       entry point, {@code void @name(ptr %buffers, ptr %sizes)}, over a
 *       {@link dev.kiln.runtime.nativecode.NativeLibrary} (a JIT module or an ahead-of-time library);
 *   <li>{@link dev.kiln.runtime.nativecode.ParallelFor} implements {@code @kiln_parallel_for}, the one
 *       runtime function generated code may call besides libc and libm;
 *   <li>{@link dev.kiln.runtime.nativecode.PackagedLibraries} finds the {@code <Model>.<target>.so} a
 *       model's jar packages for this CPU ({@link dev.kiln.runtime.nativecode.HostCpu},
 *       {@link dev.kiln.runtime.nativecode.AotTarget}) and loads it as an
 *       {@link dev.kiln.runtime.nativecode.AotLibrary}.
 * </ul>
 */
package dev.kiln.runtime.nativecode;
