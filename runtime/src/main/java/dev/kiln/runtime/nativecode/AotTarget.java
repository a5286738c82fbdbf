package dev.kiln.runtime.nativecode;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The CPU targets of ahead-of-time libraries: the x86-64 psABI micro-architecture levels, which
 * LLVM knows as CPU names. A library {@code <Model>.<id>.so} runs on every CPU that has its level's
 * features, named here as Linux spells them in {@code /proc/cpuinfo}.
 */
public enum AotTarget {
  /** AVX2 and FMA (Haswell, Zen 1 and later). */
  X86_64_V3("x86-64-v3", "AVX2 and FMA",
      Set.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe")),
  /** AVX-512 F/BW/CD/DQ/VL on top of v3 (Skylake-X, Ice Lake, Zen 4 and later). */
  X86_64_V4("x86-64-v4", "AVX-512",
      Set.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe",
          "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"));

  /** The triple every target compiles for: 64-bit Linux with glibc. */
  public static final String TRIPLE = "x86_64-unknown-linux-gnu";

  private final String id;
  private final String features;
  private final Set<String> cpuFlags;

  AotTarget(String id, String features, Set<String> cpuFlags) {
    this.id = id;
    this.features = features;
    this.cpuFlags = cpuFlags;
  }

  /** The name used in {@code -Akiln.aot}, in library file names, and as LLVM's CPU name. */
  public String id() {
    return id;
  }

  /** What the level adds, in words, for log lines. */
  public String features() {
    return features;
  }

  /** Whether a CPU with these {@code /proc/cpuinfo} flags runs this target's code. */
  public boolean runsOn(Set<String> flags) {
    return flags.containsAll(cpuFlags);
  }

  /** Every id, for messages. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(AotTarget::id).toList();
  }

  /**
   * @throws IllegalArgumentException naming the known targets if {@code id} is none of them
   */
  public static AotTarget of(String id) {
    for (AotTarget t : values()) {
      if (t.id.equals(id)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown ahead-of-time target '" + id + "'; the known targets are "
        + String.join(", ", ids()));
  }
}
