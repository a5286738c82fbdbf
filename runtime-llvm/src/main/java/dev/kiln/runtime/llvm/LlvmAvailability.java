package dev.kiln.runtime.llvm;

/**
 * Whether the LLVM backend can run in this process: the bytedeco LLVM natives for this platform
 * load and the host target initialises. {@code dev.kiln.runtime.Backend} calls {@link #check()}
 * reflectively (reading the record's {@code available()} and {@code reason()}), so a model jar on the Java backend never links this module.
 */
public final class LlvmAvailability {
  private LlvmAvailability() {}

  /** The result of a probe: whether LLVM is usable, and a one-sentence reason. */
  public record Result(boolean available, String reason) {}

  /** Loads the natives if needed (~1 s the first time: JavaCPP unpacks libLLVM) and reports. */
  public static Result check() {
    try {
      LlvmNatives.Host h = LlvmNatives.host();
      return new Result(true, "the LLVM " + h.llvmVersion() + " natives loaded for " + h.cpu() + " (" + h.triple() + ")");
    } catch (LlvmException e) {
      return new Result(false, e.getMessage());
    } catch (LinkageError e) { // the bytedeco Java classes themselves are missing
      return new Result(false, LlvmNatives.MISSING + "; " + LlvmNatives.describe(e) + ".");
    }
  }
}
