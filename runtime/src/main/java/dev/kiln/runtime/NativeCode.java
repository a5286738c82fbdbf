package dev.kiln.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;

/**
 * The seam between generated facades and a native backend: a facade created with
 * {@link Backend#LLVM} loads its model's {@code <Model>.ll} resource through the provider found
 * here with {@link ServiceLoader} ({@code kiln-runtime-llvm} registers one), so generated code
 * links only this module and a model on the Java backend needs nothing native.
 */
public interface NativeCode {
  /** Compiles (or fetches from a cache) one module of native code from its LLVM IR text. */
  Module compile(String moduleName, String irText);

  /** A loaded module: its entry points by symbol. */
  interface Module {
    Entry entry(String symbol);
  }

  /**
   * One entry point, in the calling convention of {@code kiln-runtime-llvm}'s {@code NativeEntry}:
   * inputs, then every model variable, then the results (written in full; the caller allocates
   * them with their final shapes), and the run-time value of each symbolic dimension.
   */
  interface Entry {
    void call(NDArray[] inputs, NDArray[] params, NDArray[] outputs, long... sizes);
  }

  /**
   * The native code of {@code model}'s generated class: its resource {@code resource} (beside the
   * class) compiled by the registered provider.
   *
   * @throws IllegalStateException if no provider is on the class path or the resource is missing
   */
  static Module load(Class<?> model, String resource) {
    NativeCode provider = ServiceLoader.load(NativeCode.class, model.getClassLoader()).findFirst()
        .or(() -> ServiceLoader.load(NativeCode.class, NativeCode.class.getClassLoader()).findFirst())
        .orElseThrow(() -> new IllegalStateException("the LLVM backend was requested for "
            + model.getSimpleName() + " but no native code provider is on the class path; add"
            + " dev.kiln:kiln-runtime-llvm"));
    String ir;
    try (InputStream in = model.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the LLVM backend was requested for " + model.getSimpleName()
            + " but its LLVM code " + resource + " is not on the class path beside the class");
      }
      ir = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("reading the LLVM code " + resource + " of "
          + model.getSimpleName() + " failed: " + e.getMessage(), e);
    }
    return provider.compile(resource, ir);
  }
}
