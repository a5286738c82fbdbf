package dev.kiln.runtime;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Which CPU backend runs a model: generated Java kernels, LLVM-compiled native kernels, or
 * {@code AUTO} = LLVM when its natives load, else Java.
 *
 * <p>LLVM is opt-in: its JIT lives in the separate {@code kiln-runtime-llvm} artifact, which this
 * class probes by reflection so a model on the Java backend never links it; a packaged
 * ahead-of-time library needs only this module ({@link #resolve(Class, String)}). An explicit
 * {@link #LLVM} that cannot load throws; there is never a silent fallback.
 */
public enum Backend {
  JAVA,
  LLVM,
  AUTO;

  private static final System.Logger LOG = System.getLogger(Backend.class.getName());
  private static final String PROBE = "dev.kiln.runtime.llvm.LlvmAvailability";
  private static volatile Backend autoChoice;

  /**
   * The concrete backend to use: {@code JAVA} or {@code LLVM}. {@code AUTO} is decided once per
   * process and logged in one line saying which and why.
   *
   * @throws IllegalStateException if {@code LLVM} was asked for and cannot load
   */
  public Backend resolve() {
    return switch (this) {
      case JAVA -> JAVA;
      case LLVM -> {
        String whyNot = llvmUnavailableReason();
        if (whyNot != null) {
          throw new IllegalStateException("the LLVM backend was requested but cannot run: " + whyNot);
        }
        yield LLVM;
      }
      case AUTO -> resolveAuto();
    };
  }

  /**
   * The concrete backend for one generated model class: as {@link #resolve()}, except that
   * {@code LLVM} and {@code AUTO} take LLVM without probing the LLVM natives when the model's jar
   * packages an ahead-of-time library for this host (see {@link NativeCode#findPackaged}), so such
   * a model runs natively with only {@code kiln-runtime} on the class path.
   *
   * @param irResource the model's LLVM IR resource beside {@code model}, e.g. {@code Mlp.ll}
   * @throws IllegalStateException if {@code LLVM} was asked for and cannot load
   */
  public Backend resolve(Class<?> model, String irResource) {
    if (this != JAVA && NativeCode.findPackaged(model, irResource) != null) {
      return LLVM;
    }
    return resolve();
  }

  /** Parses {@code java}, {@code llvm} or {@code auto} (any case), e.g. from a system property. */
  public static Backend parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "backend must be one of java, llvm or auto, but was '" + name + "'");
    }
  }

  private static Backend resolveAuto() {
    Backend b = autoChoice;
    if (b != null) {
      return b;
    }
    synchronized (Backend.class) {
      if (autoChoice == null) {
        String[] probe = probeLlvm();
        autoChoice = probe[0] == null ? LLVM : JAVA;
        LOG.log(Level.INFO, autoChoice == LLVM
            ? "Kiln backend AUTO chose LLVM: " + probe[1]
            : "Kiln backend AUTO chose JAVA: " + probe[0]);
      }
      return autoChoice;
    }
  }

  private static String llvmUnavailableReason() {
    return probeLlvm()[0];
  }

  /** {reason LLVM is unavailable or null, reason it is available}. */
  private static String[] probeLlvm() {
    Class<?> probe;
    try {
      probe = Class.forName(PROBE, true, Backend.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return new String[] {"kiln-runtime-llvm (dev.kiln:kiln-runtime-llvm) is not on the class path", null};
    }
    try {
      Object result = probe.getMethod("check").invoke(null);
      boolean available = (Boolean) result.getClass().getMethod("available").invoke(result);
      String reason = (String) result.getClass().getMethod("reason").invoke(result);
      return available ? new String[] {null, reason} : new String[] {reason, null};
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return new String[] {"probing kiln-runtime-llvm failed with " + e, null};
    }
  }
}
