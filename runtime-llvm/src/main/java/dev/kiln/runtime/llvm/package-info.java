/**
 * The native runtime of the LLVM CPU backend (opt-in: artifact {@code kiln-runtime-llvm}).
 *
 * <ul>
 *   <li>{@link dev.kiln.runtime.llvm.LlvmJit} compiles LLVM IR text (O3 for the host CPU) into a
 *       {@link dev.kiln.runtime.llvm.JitModule}, through a disk cache of object files;
 *   <li>{@link dev.kiln.runtime.llvm.NativeEntry} is the calling convention of every generated
 *       entry point, {@code void @name(ptr %buffers, ptr %sizes)}, and marshals NDArrays to it;
 *   <li>{@link dev.kiln.runtime.llvm.ParallelFor} implements {@code @kiln_parallel_for}, the one
 *       runtime function generated code may call besides libc and libm;
 *   <li>{@link dev.kiln.runtime.llvm.LlvmAvailability} tells {@code dev.kiln.runtime.Backend}
 *       whether the natives load.
 * </ul>
 */
package dev.kiln.runtime.llvm;
