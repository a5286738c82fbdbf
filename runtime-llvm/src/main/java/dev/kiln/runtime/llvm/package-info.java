/**
 * The LLVM side of the native CPU backend (opt-in: artifact {@code kiln-runtime-llvm}, with the
 * bytedeco LLVM natives): what compiles IR. Running compiled code needs only kiln-runtime's
 * {@code dev.kiln.runtime.nativecode}, which an ahead-of-time compiled model uses alone.
 *
 * <ul>
 *   <li>{@link dev.kiln.runtime.llvm.LlvmJit} compiles LLVM IR text (O3 for the host CPU) into a
 *       {@link dev.kiln.runtime.llvm.JitModule}, through a disk cache of object files; its entry
 *       points are kiln-runtime's {@code NativeEntry}s and its {@code @kiln_parallel_for} is
 *       kiln-runtime's {@code ParallelFor};
 *   <li>{@link dev.kiln.runtime.llvm.LlvmNativeCode} is the JIT provider {@code NativeCode.load}
 *       finds with {@code ServiceLoader} when no packaged library fits;
 *   <li>{@link dev.kiln.runtime.llvm.LlvmAotCompiler} builds the ahead-of-time libraries at build
 *       time (the annotation processor finds it as a service), linked by
 *       {@link dev.kiln.runtime.llvm.SharedLibraryLinker};
 *   <li>{@link dev.kiln.runtime.llvm.LlvmAvailability} tells {@code dev.kiln.runtime.Backend}
 *       whether the natives load.
 * </ul>
 */
package dev.kiln.runtime.llvm;
